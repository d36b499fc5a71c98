// Text side of our port of PostgreSQL pg_trgm: how a string splits into words and trigrams, and
// the normalised text an SQLite FTS5 trigram index is built over so it can find fuzzy candidates.
// word_similarity.hpp computes the score; this file only says which trigrams a text has.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ea::store::search {

// How pg_trgm (PostgreSQL 15, UTF-8 database, LC_CTYPE C.UTF-8) reads a text, which we reproduce:
//  * A word is a maximal run of word characters. ASCII word characters are [A-Za-z0-9]. A
//    non-ASCII code point is a word character when iswalpha() or iswdigit() is true for it in the
//    glibc "C.UTF-8" locale: the same calls PostgreSQL's t_isalpha/t_isdigit make. Everything else
//    (spaces, punctuation, symbols, control characters) separates words.
//  * Each word is lower-cased per code point: ASCII exactly, non-ASCII with towlower() in that
//    locale (again what PostgreSQL 15's lowerstr_with_len does for a non-C ctype).
//  * Each word is padded as "  word " (two spaces before, one after) and its trigrams are the
//    windows of three consecutive characters: a word of n characters has n + 1 trigrams.
// Where we can differ from a PostgreSQL server:
//  * Its glibc version or LC_CTYPE differs from ours (character classes and case tables change
//    between Unicode versions; a "C" ctype makes only ASCII letters word characters).
//  * The C.UTF-8 locale is missing on this machine (it ships with Debian's libc-bin, so only on
//    an unusual system): then every non-ASCII code point that is not a Unicode space, a
//    punctuation/symbol in the common blocks listed in trigram_text.cpp, or a control character
//    counts as a word character, and non-ASCII text is not lower-cased.
//  * Input that is not valid UTF-8 (PostgreSQL never stores such text): each invalid byte is
//    read as one separator character.

// A trigram's identity, exactly as pg_trgm stores it (its 3-byte `trgm`, read big-endian). Three
// single-byte characters are their bytes; a trigram with a multi-byte character is the first three
// bytes (on a little-endian machine, which is what PostgreSQL runs on here) of PostgreSQL's legacy
// CRC-32 of its UTF-8 bytes (compact_trigram). Using the same 24-bit value means even CRC
// collisions compare equal here exactly when they do in PostgreSQL.
using TrigramCode = std::uint32_t;

// The code of one trigram given as the UTF-8 text of its three characters (as returned by
// QueryTrigrams). Precondition: `trigram` holds exactly three UTF-8 characters.
TrigramCode TrigramCodeOf(std::string_view trigram);

// Appends the codes of every trigram of `text` in pg_trgm order (word by word, left to right),
// duplicates included: PostgreSQL's generate_trgm_only. Reuses thread-local scratch buffers.
void AppendTrigramCodes(std::string_view text, std::vector<TrigramCode>& out);

// The text to store in an SQLite FTS5 table with tokenize='trigram': each word of `value`
// lower-cased and padded as pg pads it ("  word "), the padded words concatenated. Every pg
// trigram of `value` is a 3-character window of the result; the extra windows that straddle two
// words ("d  ", "   ") have a shape no pg trigram has (a character followed by two spaces, or
// three spaces), so a window of the result equals some pg trigram only if it is one of `value`'s.
// A value without words yields "".
std::string TrigramIndexText(std::string_view value);

// The distinct trigrams of `query` as UTF-8 strings of three characters in the padded form above
// (e.g. "  w", " wo", "wor", "ord", "rd "), in order of first occurrence. Multi-byte characters
// are kept as text (not the CRC form) because FTS5 matches characters. None contains '"', so each
// can be quoted as an FTS5 phrase ("\"" + t + "\"") without escaping.
std::vector<std::string> QueryTrigrams(std::string_view query);

// The trigrams every value containing `needle` has in its TrigramIndexText, where "containing" is
// SQLite LIKE's (ASCII case-insensitive, other characters exact): the 3-character windows inside
// each run of word characters of `needle`, lower-cased as TrigramIndexText lowers, without the
// padding (a run may be the middle of a longer word of the value). A needle's run is part of one
// word of any value containing it, because word characters are classified one code point at a
// time. Distinct, in order of first occurrence; empty when no run has three characters.
std::vector<std::string> SubstringTrigrams(std::string_view needle);

// The least number of distinct query trigrams a value must share with the query for
// word_similarity to possibly reach `threshold`, given the query has `query_trigram_count`
// distinct trigrams (WordSimilarityQuery::trigram_count()). A candidate filter that keeps values
// sharing at least this many trigrams never drops a value scoring >= threshold (proof in the
// .cpp). Returns 0 when every value qualifies (threshold <= 0), and query_trigram_count + 1 when
// no value can (threshold > 1 or NaN, or a query without trigrams and threshold > 0).
int MinSharedTrigrams(int query_trigram_count, float threshold);

}  // namespace ea::store::search
