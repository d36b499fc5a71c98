// PostgreSQL pg_trgm's word_similarity(query, value) (the non-strict variant) as our own code, so
// the SQLite store can rank and filter fuzzy matches with exactly the numbers PostgreSQL gives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/search/trigram_text.hpp"

namespace ea::store::search {

// How well the query matches some contiguous extent of the value's trigram sequence, where an
// extent scores count / (q + e - count): q = distinct query trigrams, e = distinct trigrams in the
// extent, count = distinct query trigrams in the extent. The extent is chosen by pg_trgm's own
// greedy scan (iterate_word_similarity), which can settle below the best extent; we reproduce the
// scan step for step, in float, so the result is bit-for-bit PostgreSQL 15's float4 under the
// conditions listed in trigram_text.hpp, misses included. 0 when either side has no word
// characters. Not symmetric. Example: WordSimilarity("word", "two words") == 0.8f.
float WordSimilarity(std::string_view query, std::string_view value);

// One query scored against many values (one call per candidate row). The query's trigrams are
// computed once; each call reuses thread-local buffers, so after warm-up a call allocates only when
// a value is longer than any seen before on that thread. Immutable after construction: one
// object may be shared by threads.
class WordSimilarityQuery {
public:
    explicit WordSimilarityQuery(std::string_view query);

    // WordSimilarity(query, value).
    float Against(std::string_view value) const;

    // Against(value) >= threshold, stopping as soon as an extent reaches the threshold (pg_trgm's
    // WORD_SIMILARITY_CHECK_ONLY, as used by the <% operator).
    bool AtLeast(std::string_view value, float threshold) const;

    // The distinct query trigrams as 3-character strings (QueryTrigrams(query)), for FTS5 phrases.
    const std::vector<std::string>& trigrams() const { return trigrams_; }

    // The number of distinct query trigrams as pg_trgm counts them (by TrigramCode): the
    // query_trigram_count to pass to MinSharedTrigrams. Equals trigrams().size() unless two of
    // the query's multi-byte trigrams share a 24-bit CRC code.
    int trigram_count() const { return static_cast<int>(codes_.size()); }

private:
    float Run(std::string_view value, bool check_only, float threshold) const;

    std::vector<TrigramCode> codes_;  // distinct, ascending
    std::vector<std::string> trigrams_;
};

}  // namespace ea::store::search
