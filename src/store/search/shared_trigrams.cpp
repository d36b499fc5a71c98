#include "store/search/shared_trigrams.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace ea::store::search {

std::vector<SharedCount> RowsInAtLeast(const std::vector<PostingCursor*>& lists, int k,
                                       std::size_t expected_rows) {
    std::vector<SharedCount> out;
    out.reserve(expected_rows);
    if (k < 1) {
        k = 1;
    }
    if (static_cast<std::size_t>(k) > lists.size()) {
        return out;
    }
    // (current row id, list index), smallest row id on top.
    using Head = std::pair<std::int64_t, std::size_t>;
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        std::int64_t rowid = 0;
        if (lists[i]->Next(rowid)) {
            heads.emplace(rowid, i);
        }
    }
    while (static_cast<int>(heads.size()) >= k) {
        const std::int64_t rowid = heads.top().first;
        int shared = 0;
        while (!heads.empty() && heads.top().first == rowid) {
            const std::size_t list = heads.top().second;
            heads.pop();
            ++shared;
            std::int64_t next = 0;
            if (lists[list]->Next(next)) {
                heads.emplace(next, list);
            }
        }
        if (shared >= k) {
            out.push_back({rowid, shared});
        }
    }
    // Fewer than k lists left: no later row can reach k, so the rest is not read.
    return out;
}

std::vector<std::size_t> LargestLists(const std::vector<std::int64_t>& sizes, int k) {
    std::vector<std::size_t> order(sizes.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    const std::size_t skip = k <= 1 ? 0 : std::min(order.size(), static_cast<std::size_t>(k - 1));
    order.resize(skip);
    return order;
}

std::vector<std::uint32_t> BySharedDescending(const std::vector<SharedCount>& rows) {
    int most = 0;
    for (const auto& row : rows) {
        most = std::max(most, row.shared);
    }
    // starts[c]: where the rows sharing c begin in the output (counts from the top down).
    std::vector<std::size_t> starts(static_cast<std::size_t>(most) + 2, 0);
    for (const auto& row : rows) {
        ++starts[static_cast<std::size_t>(most - std::max(row.shared, 0)) + 1];
    }
    for (std::size_t c = 1; c < starts.size(); ++c) {
        starts[c] += starts[c - 1];
    }
    std::vector<std::uint32_t> out(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out[starts[static_cast<std::size_t>(most - std::max(rows[i].shared, 0))]++] =
            static_cast<std::uint32_t>(i);
    }
    return out;
}

void TopRows::Offer(float score, std::string_view id, std::int64_t rowid) {
    if (capacity_ == 0) {
        return;
    }
    if (heap_.size() < capacity_) {
        heap_.push(ScoredRow{score, std::string(id), rowid});
        return;
    }
    const ScoredRow& worst = heap_.top();
    if (score > worst.score || (score == worst.score && id < worst.id)) {
        heap_.pop();
        heap_.push(ScoredRow{score, std::string(id), rowid});
    }
}

std::vector<ScoredRow> TopRows::TakeSorted() {
    std::vector<ScoredRow> out;
    out.reserve(heap_.size());
    while (!heap_.empty()) {
        out.push_back(heap_.top());
        heap_.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
}

float SimilarityBound(int shared, int query_trigram_count) {
    if (query_trigram_count <= 0) {
        return 0.0f;
    }
    return static_cast<float>(shared) / static_cast<float>(query_trigram_count);
}

SpreadOrder::SpreadOrder(std::size_t n) : n_(n) {
    while ((std::uint64_t{1} << bits_) < n_) {
        ++bits_;
    }
}

bool SpreadOrder::Next(std::size_t& index) {
    const std::uint64_t end = std::uint64_t{1} << bits_;
    while (next_ < end) {
        std::uint64_t j = next_++;
        std::uint64_t reversed = 0;
        for (int b = 0; b < bits_; ++b) {
            reversed = (reversed << 1) | ((j >> b) & 1);
        }
        if (reversed < n_) {
            index = static_cast<std::size_t>(reversed);
            return true;
        }
    }
    return false;
}

}  // namespace ea::store::search
