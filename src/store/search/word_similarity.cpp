// Port of pg_trgm's calc_word_similarity / iterate_word_similarity (trgm_op.c), non-strict.
#include "store/search/word_similarity.hpp"

#include <algorithm>
#include <cstdint>

namespace ea::store::search {
namespace {

// pg_trgm's CALCSML with DIVUNION: both operands are converted to float4 and divided in float4.
// The result feeds comparisons and is returned, so it must stay a float (no double promotion).
inline float CalcSml(int count, int len1, int len2) {
    return static_cast<float>(count) / static_cast<float>(len1 + len2 - count);
}

struct Scratch {
    std::vector<TrigramCode> value_codes;
    std::vector<std::uint64_t> keyed;  // code << 32 | position, sorted to group equal trigrams
    std::vector<int> ids;              // per value position: trigram id (pg's trg2indexes)
    std::vector<int> lastpos;          // per trigram id: last position seen in the extent, or -1
};

Scratch& ThreadScratch() {
    thread_local Scratch scratch;
    return scratch;
}

}  // namespace

WordSimilarityQuery::WordSimilarityQuery(std::string_view query) : trigrams_(QueryTrigrams(query)) {
    AppendTrigramCodes(query, codes_);
    std::sort(codes_.begin(), codes_.end());
    codes_.erase(std::unique(codes_.begin(), codes_.end()), codes_.end());
}

float WordSimilarityQuery::Against(std::string_view value) const {
    return Run(value, false, 0);
}

bool WordSimilarityQuery::AtLeast(std::string_view value, float threshold) const {
    return Run(value, true, threshold) >= threshold;
}

float WordSimilarityQuery::Run(std::string_view value, bool check_only, float threshold) const {
    const int ulen1 = static_cast<int>(codes_.size());
    if (ulen1 == 0)
        return 0.0f;  // no query trigram can be found: pg's loop never scores

    Scratch& s = ThreadScratch();
    s.value_codes.clear();
    AppendTrigramCodes(value, s.value_codes);
    const int len2 = static_cast<int>(s.value_codes.size());
    if (len2 == 0)
        return 0.0f;

    // Number the trigrams as pg's merge of the sorted positional arrays does, with one change of
    // labels: a query trigram gets its index in codes_ (so "found" is id < ulen1), any other
    // distinct value trigram gets the next id from ulen1 up. Only equality matters to the search.
    s.keyed.resize(static_cast<std::size_t>(len2));
    for (int i = 0; i < len2; ++i) {
        s.keyed[i] = (std::uint64_t{s.value_codes[i]} << 32) | static_cast<std::uint32_t>(i);
    }
    std::sort(s.keyed.begin(), s.keyed.end());
    s.ids.resize(static_cast<std::size_t>(len2));
    int next_id = ulen1;
    std::size_t q = 0;
    int current_id = -1;
    for (int k = 0; k < len2; ++k) {
        const auto code = static_cast<TrigramCode>(s.keyed[k] >> 32);
        if (k == 0 || code != static_cast<TrigramCode>(s.keyed[k - 1] >> 32)) {
            while (q < codes_.size() && codes_[q] < code)
                ++q;
            current_id = (q < codes_.size() && codes_[q] == code) ? static_cast<int>(q) : next_id++;
        }
        s.ids[static_cast<std::uint32_t>(s.keyed[k])] = current_id;
    }
    s.lastpos.assign(static_cast<std::size_t>(next_id), -1);

    const auto found = [ulen1](int id) { return id < ulen1; };
    const int* ids = s.ids.data();
    int* lastpos = s.lastpos.data();

    // iterate_word_similarity, non-strict: scan the value; each time a query trigram is seen it
    // becomes the extent's upper end, and the lower end greedily moves right while that raises the
    // similarity. The state (count, ulen2, lower) carries over between steps exactly as in pg,
    // including its greediness, which is what makes our numbers equal PostgreSQL's.
    int ulen2 = 0;
    int count = 0;
    int lower = -1;
    float smlr_max = 0.0f;
    for (int i = 0; i < len2; ++i) {
        const int id = ids[i];
        // Before the first query trigram only query trigrams are tracked.
        if (lower >= 0 || found(id)) {
            if (lastpos[id] < 0) {
                ++ulen2;
                if (found(id))
                    ++count;
            }
            lastpos[id] = i;
        }
        if (!found(id))
            continue;

        const int upper = i;
        if (lower == -1) {
            lower = i;
            ulen2 = 1;
        }
        float smlr_cur = CalcSml(count, ulen1, ulen2);

        int tmp_count = count;
        int tmp_ulen2 = ulen2;
        const int prev_lower = lower;
        for (int tmp_lower = lower; tmp_lower <= upper; ++tmp_lower) {
            const float smlr_tmp = CalcSml(tmp_count, ulen1, tmp_ulen2);
            if (smlr_tmp > smlr_cur) {
                smlr_cur = smlr_tmp;
                ulen2 = tmp_ulen2;
                lower = tmp_lower;
                count = tmp_count;
            }
            if (check_only && smlr_cur >= threshold)
                break;
            // Dropping position tmp_lower loses its trigram if this was its last occurrence.
            const int tmp_id = ids[tmp_lower];
            if (lastpos[tmp_id] == tmp_lower) {
                --tmp_ulen2;
                if (found(tmp_id))
                    --tmp_count;
            }
        }

        smlr_max = std::max(smlr_max, smlr_cur);
        if (check_only && smlr_max >= threshold)
            break;

        // Forget trigrams that now lie only left of the extent.
        for (int tmp_lower = prev_lower; tmp_lower < lower; ++tmp_lower) {
            const int tmp_id = ids[tmp_lower];
            if (lastpos[tmp_id] == tmp_lower)
                lastpos[tmp_id] = -1;
        }
    }
    return smlr_max;
}

float WordSimilarity(std::string_view query, std::string_view value) {
    return WordSimilarityQuery(query).Against(value);
}

}  // namespace ea::store::search
