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

// Numbers a value's trigrams as pg's merge of the sorted positional arrays does, with one change of
// labels: a query trigram gets its index among the query's codes (so "found" is id < ulen1), any
// other distinct trigram the next id from ulen1 up. Only equality matters to the scan. An
// open-addressing table, reused per thread: a slot is empty unless stamped with this call's
// generation, so nothing is cleared between calls (sorting the positions, as before, was a
// quarter of a score).
class TrigramIds {
public:
    // Starts a numbering for up to `distinct` trigrams, the query's `codes` first.
    void Begin(const std::vector<TrigramCode>& codes, std::size_t distinct) {
        std::size_t capacity = 64;
        int bits = 6;
        while (capacity < 2 * distinct) {
            capacity *= 2;
            ++bits;
        }
        if (capacity > code_.size()) {
            code_.assign(capacity, 0);
            id_.assign(capacity, 0);
            stamp_.assign(capacity, 0);
            generation_ = 0;
        }
        mask_ = capacity - 1;
        shift_ = 32 - bits;
        if (++generation_ == 0) {  // wrapped: every old stamp could look current
            std::fill(stamp_.begin(), stamp_.end(), 0);
            generation_ = 1;
        }
        next_ = 0;
        for (const TrigramCode code : codes)
            IdOf(code);
    }

    // The id of `code`, numbering it if new.
    int IdOf(TrigramCode code) {
        // Fibonacci hashing: the product's high bits depend on every bit of the code.
        std::size_t slot = static_cast<std::uint32_t>(code * 0x9E3779B1u) >> shift_;
        while (stamp_[slot] == generation_) {
            if (code_[slot] == code)
                return id_[slot];
            slot = (slot + 1) & mask_;
        }
        stamp_[slot] = generation_;
        code_[slot] = code;
        id_[slot] = next_;
        return next_++;
    }

    int count() const { return next_; }

private:
    std::vector<TrigramCode> code_;
    std::vector<int> id_;
    std::vector<std::uint32_t> stamp_;
    std::size_t mask_ = 0;
    int shift_ = 32;
    std::uint32_t generation_ = 0;
    int next_ = 0;
};

struct Scratch {
    std::vector<TrigramCode> value_codes;
    TrigramIds numbering;
    std::vector<int> ids;      // per value position: trigram id (pg's trg2indexes)
    std::vector<int> lastpos;  // per trigram id: last position seen in the extent, or -1
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

    s.numbering.Begin(codes_, codes_.size() + static_cast<std::size_t>(len2));
    s.ids.resize(static_cast<std::size_t>(len2));
    for (int i = 0; i < len2; ++i) {
        s.ids[static_cast<std::size_t>(i)] = s.numbering.IdOf(s.value_codes[i]);
    }
    s.lastpos.assign(static_cast<std::size_t>(s.numbering.count()), -1);

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
