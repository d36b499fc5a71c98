// Word splitting, case folding and trigram codes as pg_trgm computes them (see trigram_text.hpp).
#include "store/search/trigram_text.hpp"

#include <array>
#include <cmath>
#include <unordered_set>

#include <locale.h>
#include <wctype.h>

namespace ea::store::search {
namespace {

// The "C.UTF-8" ctype PostgreSQL's t_isalpha/t_isdigit/lowerstr use in our reference setup.
// Created once and kept for the process lifetime; null when the locale is not installed.
locale_t Utf8Ctype() {
    static const locale_t kLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    return kLocale;
}

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 character at `p` (strict: no overlongs, surrogates or values past U+10FFFF).
// Sets `len` to its byte length; an invalid sequence yields kInvalid with len 1.
char32_t DecodeUtf8(const unsigned char* p, std::size_t avail, std::size_t& len) {
    const unsigned char b0 = p[0];
    len = 1;
    if (b0 < 0x80)
        return b0;
    std::size_t need;
    char32_t cp;
    char32_t min;
    if ((b0 & 0xE0) == 0xC0) {
        need = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        need = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        need = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return kInvalid;
    }
    if (avail < need)
        return kInvalid;
    for (std::size_t i = 1; i < need; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return kInvalid;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return kInvalid;
    len = need;
    return cp;
}

void EncodeUtf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Used only without the C.UTF-8 locale: separators are controls, Unicode spaces and the
// punctuation/symbol blocks most text uses; every other non-ASCII code point is a word character.
bool FallbackIsWordChar(char32_t cp) {
    if (cp <= 0xBF)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // C1, Latin-1 punct/symbols
    if (cp == 0xD7 || cp == 0xF7)
        return false;  // multiplication, division
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return false;  // spaces, general punct, symbols, arrows...
    if (cp >= 0x3000 && cp <= 0x3003)
        return false;  // CJK space and punctuation
    if (cp >= 0xFE30 && cp <= 0xFE4F)
        return false;  // CJK compatibility forms
    if (cp >= 0xFF01 && cp <= 0xFF0F)
        return false;  // fullwidth ASCII punctuation
    if (cp >= 0x1F000 && cp <= 0x1FAFF)
        return false;  // emoji and pictographs
    return true;
}

bool IsWordChar(char32_t cp) {
    if (cp == kInvalid)
        return false;
    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    if (locale_t loc = Utf8Ctype()) {
        const auto wc = static_cast<wint_t>(cp);
        return iswalpha_l(wc, loc) != 0 || iswdigit_l(wc, loc) != 0;
    }
    return FallbackIsWordChar(cp);
}

char32_t ToLower(char32_t cp) {
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
    if (locale_t loc = Utf8Ctype()) {
        const wint_t lowered = towlower_l(static_cast<wint_t>(cp), loc);
        // towlower never leaves Unicode, but keep the output valid UTF-8 whatever it returns.
        if (lowered <= 0x10FFFF && !(lowered >= 0xD800 && lowered <= 0xDFFF)) {
            return static_cast<char32_t>(lowered);
        }
    }
    return cp;
}

// Calls fn(padded, starts) for each word of `text`: `padded` is "  " + lower(word) + " " as UTF-8
// and starts[k] is the byte offset of character k in it, with starts.back() == padded.size().
// Both views point into thread-local buffers that the next word overwrites.
template <class Fn>
void ForEachPaddedWord(std::string_view text, Fn&& fn) {
    thread_local std::string padded;
    thread_local std::vector<std::uint32_t> starts;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        std::size_t len = 0;
        char32_t cp = DecodeUtf8(p + i, n - i, len);
        if (!IsWordChar(cp)) {
            i += len;
            continue;
        }
        padded.assign("  ");
        starts.assign({0, 1, 2});
        while (true) {
            EncodeUtf8(ToLower(cp), padded);
            starts.push_back(static_cast<std::uint32_t>(padded.size()));
            i += len;
            if (i >= n)
                break;
            cp = DecodeUtf8(p + i, n - i, len);
            if (!IsWordChar(cp))
                break;  // the separator is skipped by the outer loop
        }
        // starts now ends with the offset where the trailing pad goes.
        padded.push_back(' ');
        starts.push_back(static_cast<std::uint32_t>(padded.size()));
        fn(std::string_view(padded), static_cast<const std::vector<std::uint32_t>&>(starts));
    }
}

// PostgreSQL's pg_crc32_table: the table of the reflected CRC-32 polynomial 0xEDB88320.
constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        table[i] = c;
    }
    return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = MakeCrcTable();

// PostgreSQL's "legacy" CRC-32 (INIT/COMP/FIN_LEGACY_CRC32 on a little-endian machine): the
// reflected table driven with a non-reflected shift. Not standard CRC-32, on purpose.
std::uint32_t LegacyCrc32(std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char b : bytes)
        crc = kCrcTable[((crc >> 24) ^ b) & 0xFF] ^ (crc << 8);
    return crc ^ 0xFFFFFFFFu;
}

}  // namespace

TrigramCode TrigramCodeOf(std::string_view trigram) {
    const auto* b = reinterpret_cast<const unsigned char*>(trigram.data());
    if (trigram.size() == 3)
        return (TrigramCode{b[0]} << 16) | (TrigramCode{b[1]} << 8) | b[2];
    // compact_trigram copies the first three bytes of the uint32 CRC from memory: on little-endian
    // those are its low, middle and high-middle bytes.
    const std::uint32_t crc = LegacyCrc32(trigram);
    return ((crc & 0xFF) << 16) | (((crc >> 8) & 0xFF) << 8) | ((crc >> 16) & 0xFF);
}

namespace {

// AppendTrigramCodes for text that is all ASCII, where a word is a run of [A-Za-z0-9], lowering is
// by byte and a trigram's code is its three bytes: the same codes as the general path below,
// without building each padded word (most stored text is ASCII, and a fuzzy search codes every
// candidate's value).
void AppendAsciiTrigramCodes(std::string_view text, std::vector<TrigramCode>& out) {
    const auto is_word = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    const auto lower = [](unsigned char c) -> TrigramCode {
        return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
    };
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        if (!is_word(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        // The window over "  word ": it starts as the two leading pad spaces.
        TrigramCode window = (TrigramCode{' '} << 8) | ' ';
        for (; i < n && is_word(static_cast<unsigned char>(text[i])); ++i) {
            window = ((window << 8) | lower(static_cast<unsigned char>(text[i]))) & 0xFFFFFF;
            out.push_back(window);
        }
        out.push_back(((window << 8) | ' ') & 0xFFFFFF);
    }
}

bool IsAscii(std::string_view text) {
    unsigned char any = 0;
    for (const char c : text) {
        any |= static_cast<unsigned char>(c);
    }
    return any < 0x80;
}

}  // namespace

void AppendTrigramCodes(std::string_view text, std::vector<TrigramCode>& out) {
    if (IsAscii(text)) {
        AppendAsciiTrigramCodes(text, out);
        return;
    }
    ForEachPaddedWord(text, [&](std::string_view padded, const std::vector<std::uint32_t>& starts) {
        for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
            out.push_back(TrigramCodeOf(padded.substr(starts[k], starts[k + 3] - starts[k])));
        }
    });
}

std::string TrigramIndexText(std::string_view value) {
    std::string out;
    ForEachPaddedWord(value, [&](std::string_view padded, const std::vector<std::uint32_t>&) {
        out.append(padded);
    });
    return out;
}

std::vector<std::string> QueryTrigrams(std::string_view query) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    ForEachPaddedWord(query,
                      [&](std::string_view padded, const std::vector<std::uint32_t>& starts) {
                          for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
                              std::string t(padded.substr(starts[k], starts[k + 3] - starts[k]));
                              if (seen.insert(t).second)
                                  out.push_back(std::move(t));
                          }
                      });
    return out;
}

std::vector<std::string> SubstringTrigrams(std::string_view needle) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    ForEachPaddedWord(needle,
                      [&](std::string_view padded, const std::vector<std::uint32_t>& starts) {
                          // starts: 2 pad characters, the run, 1 pad character, then the end.
                          for (std::size_t k = 2; k + 4 < starts.size(); ++k) {
                              std::string t(padded.substr(starts[k], starts[k + 3] - starts[k]));
                              if (seen.insert(t).second) {
                                  out.push_back(std::move(t));
                              }
                          }
                      });
    return out;
}

// Why the bound is safe. Let n = query_trigram_count (pg's ulen1) and let a value reach
// word_similarity s >= threshold. s is CALCSML(count, n, ulen2) = fl(count / d) for the extent of
// the value that pg's scan settled on, where d = n + ulen2 - count, count = distinct query
// trigrams in the extent and ulen2 = distinct trigrams in the extent (the scan keeps both exact
// for its extent). ulen2 >= count, so d >= n, so the real quotient
// count/d <= count/n, and float division is correctly rounded, hence monotone:
// fl(count/d) <= fl(count/n). So fl(count/n) >= s >= threshold, and the value shares at least
// count distinct trigrams with the query (the extent is part of it). We return the least c with
// fl(c/n) >= threshold, computed with the same float operations rather than ceil(threshold * n),
// so rounding can never make the bound one too high. (With ulen2 = count, d = n and the bound is
// reached, so it is also the tightest bound that uses only the shared count.)
int MinSharedTrigrams(int query_trigram_count, float threshold) {
    if (!(threshold > 0.0f))
        return std::isnan(threshold) ? query_trigram_count + 1 : 0;
    if (query_trigram_count <= 0)
        return 1;  // every similarity is 0: nothing can qualify
    const auto n = static_cast<float>(query_trigram_count);
    for (int c = 1; c <= query_trigram_count; ++c) {
        if (static_cast<float>(c) / n >= threshold)
            return c;
    }
    return query_trigram_count + 1;
}

}  // namespace ea::store::search
