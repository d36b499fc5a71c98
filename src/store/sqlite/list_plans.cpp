// List: the page and its total under plan budgets. A plan that is fast when the data suits it
// (walking the sort index, counting through a filter's index) runs under an instruction budget,
// and past it the plan that is bounded either way runs instead; a lone fuzzy search is answered
// from the search index (fuzzy_search.hpp); totals per docs/query.md, "Totals".
#include <algorithm>

#include "store/sql/list_totals.hpp"
#include "store/sql/view_embed.hpp"
#include "store/sqlite/fuzzy_search.hpp"
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {
namespace {

using boost::json::value;

// Plan budgets, in SQLite virtual-machine instructions (see List and Count below). A row
// examined costs ~7-10 instructions, so 100,000 is ~10,000 rows: a few milliseconds.
constexpr std::int64_t kSortScanBudget = 100'000;
// A count through an unselective index range runs ~3 instructions per matching row at ~350 ns
// each (a random table read per row), measured on 1M Events; a table scan counts 1M rows in
// ~115 ms. One instruction per 8 table rows (~45 ms on 1M rows) lets the index plan finish when
// it matches up to ~4% of the table, and caps what a wrong guess wastes at ~40% of a scan.
constexpr std::int64_t kTableRowsPerCountOp = 8;
constexpr std::int64_t kMinCountBudget = 20'000;

// The contains or fuzzy comparison when it is the whole filter (and the only search), else
// null: then the search index can answer more than the SQL text can.
const query::Comparison* LoneTextSearch(const query::Query& query) {
    if (query.matching == query::Matching::kExact || !query.filter) {
        return nullptr;
    }
    const query::FilterNode* node = query.filter.get();
    while (node->kind == query::FilterNode::Kind::kAnd && node->children.size() == 1) {
        node = node->children.front().get();
    }
    if (node->kind != query::FilterNode::Kind::kComparison) {
        return nullptr;
    }
    const auto& cmp = node->comparison;
    if (cmp.op != query::Op::kEq || cmp.field == nullptr || !cmp.field->is_search_indexed() ||
        !cmp.value.is_string() || cmp.field->name == "id") {
        return nullptr;
    }
    return &cmp;
}

bool HasField(const schema::Entity& entity, const schema::Field* field) {
    for (const auto& f : entity.fields()) {
        if (&f == field) {
            return true;
        }
    }
    return false;
}

// A lone fuzzy search in similarity order (no sort): FuzzyList answers it from the index.
const query::Comparison* LoneFuzzy(const query::Query& query) {
    if (query.matching != query::Matching::kFuzzy || !query.sort.empty()) {
        return nullptr;
    }
    return LoneTextSearch(query);
}

}  // namespace

Result<ListResult> SqliteConnection::List(const schema::Entity& entity, const query::Query& query) {
    // One read transaction so the count and the page see the same snapshot.
    Transaction tx(*this);
    // Declared after tx so it is disarmed before tx's rollback runs.
    DeadlineScope deadline(*this, query.time_limited);
    if (auto s = sql::CheckView(entity, query.view); !s) {
        return s.error();
    }
    // A lone fuzzy search is answered from the search index without the SQL plan, whose
    // candidate clause would look up every query trigram's document count (fts5vocab reads
    // the whole posting list for it): the plan is built only when it is needed.
    const query::Comparison* fuzzy = LoneFuzzy(query);
    if (fuzzy != nullptr &&
        !(query.page >= 1 && query.page_size >= 1 && query.page_size <= query::kMaxPageSize &&
          HasField(entity, fuzzy->field))) {
        fuzzy = nullptr;  // BuildListSql names what is wrong
    }
    Result<sql::ListSql> plan = sql::ListSql{};
    if (fuzzy == nullptr) {
        plan = sql::BuildListSql(dialect_, entity, query);
        if (!plan) {
            return plan.error();
        }
    }
    ListResult out;
    if (auto s = tx.Begin(/*immediate=*/false); !s) {
        return s.error();
    }
    // The statement reads one row past the page: it only says that another page exists.
    auto read_row = [&](sqlite3_stmt* stmt) {
        if (out.rows.size() == static_cast<std::size_t>(query.page_size)) {
            out.page.has_more = true;
            return false;
        }
        out.rows.push_back(ReadRow(stmt, entity));
        return true;
    };
    std::optional<CountedTotal> fuzzy_total;
    if (fuzzy != nullptr) {
        auto answered = FuzzyList(entity, query, *fuzzy, out);
        if (!answered) {
            return answered.error();
        }
        fuzzy_total = *answered;
        if (!fuzzy_total) {
            plan = sql::BuildListSql(dialect_, entity, query);
            if (!plan) {
                return plan.error();
            }
        }
    }
    bool done = fuzzy_total.has_value();
    if (!done && !plan->rows_by_sort_index.text.empty()) {
        // Walking the sort index finds a page after reading page_size / selectivity rows:
        // quick unless the filter keeps few rows, which the budget bounds (then the
        // planner's own plan, e.g. the filter's index and a sort, runs instead).
        auto within = QueryWithin(plan->rows_by_sort_index.text, plan->rows_by_sort_index.params,
                                  kSortScanBudget, read_row);
        if (!within) {
            return within.error();
        }
        done = *within;
        if (!done) {
            out.rows.clear();
            out.page.has_more = false;
        }
    }
    if (!done) {
        if (auto status = Query(plan->rows.text, plan->rows.params, read_row); !status) {
            return status.error();
        }
    }
    auto total = fuzzy_total ? Result<CountedTotal>(*fuzzy_total)
                             : TotalFor(entity, *plan, query, out.rows.size(), out.page.has_more);
    if (!total) {
        return total.error();
    }
    for (const auto& spec : query.view) {
        if (auto s = EmbedView(spec, out.rows, out.warnings); !s) {
            return s.error();
        }
    }
    if (auto s = tx.Commit(); !s) {
        return s.error();
    }
    sql::SetPage(out.page, query, *total);
    return out;
}

bool SqliteConnection::PastDeadline() {
    if (interrupts_.deadline && std::chrono::steady_clock::now() >= *interrupts_.deadline) {
        interrupts_.deadline_hit = true;
    }
    return interrupts_.deadline_hit;
}

// A fuzzy page in similarity order and its total, from the search index (AnswerFuzzy).
// Fills out.rows and out.page.has_more. Returns nullopt when the query cannot use this path
// (then the SQL plan answers it).
Result<std::optional<sql::CountedTotal>> SqliteConnection::FuzzyList(const schema::Entity& entity,
                                                                     const query::Query& query,
                                                                     const query::Comparison& cmp,
                                                                     ListResult& out) {
    FuzzySearch search;
    search.entity = &entity;
    search.field = cmp.field;
    search.text = cmp.value.get_string();
    search.threshold = query.fuzzy_threshold;
    search.offset =
        static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
    search.page_size = query.page_size;
    search.count = query.count;
    if (query.count == query::CountMode::kAuto || query.count == query::CountMode::kEstimated) {
        auto rows = MaxRowNumber(entity);
        if (!rows) {
            return rows.error();
        }
        search.table_rows = *rows;
    }
    std::optional<FuzzyAnswer> answer;
    if (int rc = AnswerFuzzy(
            cache_, search, [this] { return PastDeadline(); }, answer);
        rc != SQLITE_OK) {
        return ReadError(rc, "fuzzy search");
    }
    if (!answer) {
        return std::optional<CountedTotal>();
    }
    for (const auto& id : answer->page_ids) {
        auto record = FindById(entity, id);
        if (!record) {
            return record.error();
        }
        if (*record) {
            out.rows.push_back(std::move(**record));
        }
    }
    out.page.has_more = answer->has_more;
    return std::optional<CountedTotal>(CountedTotal{answer->total, answer->total_kind});
}

// The total query.count asks for (docs/query.md, "Totals"), after the page was read: a page
// that reaches the end of the result already tells the exact total, without counting.
Result<sql::CountedTotal> SqliteConnection::TotalFor(const schema::Entity& entity,
                                                     const sql::ListSql& plan,
                                                     const query::Query& query, std::size_t rows,
                                                     bool has_more) {
    if (auto told = sql::TotalFromPage(query, rows, has_more)) {
        return *told;
    }
    std::optional<std::int64_t> max_row;
    const auto exact = [&]() -> Result<CountedTotal> {
        auto count = Count(entity, plan, max_row);
        if (!count) {
            return count.error();
        }
        return CountedTotal{*count, TotalKind::kExact};
    };
    if (query.count == query::CountMode::kExact || plan.count_sample.text.empty()) {
        return exact();
    }
    auto rows_now = MaxRowNumber(entity);
    if (!rows_now) {
        return rows_now.error();
    }
    max_row = *rows_now;
    const bool automatic = query.count == query::CountMode::kAuto;
    if (*max_row <= kSampleMaxRows || (automatic && plan.sample_is_costly)) {
        return exact();  // counting costs no more than sampling would
    }
    const auto* contains = LoneTextSearch(query);
    if (contains != nullptr && query.matching == query::Matching::kContains) {
        // Sample the search index's candidates, not the table (EstimateContainsTotal).
        std::optional<ContainsTotal> sampled;
        if (int rc = EstimateContainsTotal(cache_, entity, *contains->field,
                                           contains->value.get_string(),
                                           automatic ? kAutoExactRows : 0, sampled);
            rc != SQLITE_OK) {
            return ReadError(rc, "contains total");
        }
        if (sampled) {
            if (sampled->complete) {
                return CountedTotal{sampled->estimate, TotalKind::kExact};
            }
            return sql::BoundedEstimate(sampled->estimate, query, rows, has_more);
        }
    }
    auto sample = SampleTotal(plan.count_sample, *max_row,
                              automatic ? SampleGoal::kDecideBudget : SampleGoal::kEstimate);
    if (!sample) {
        return sample.error();
    }
    if (sample->complete) {
        return CountedTotal{sample->estimate, TotalKind::kExact};
    }
    if (automatic && sample->estimate <= kAutoExactRows) {
        return exact();
    }
    return sql::BoundedEstimate(sample->estimate, query, rows, has_more);
}

Result<TotalEstimate> SqliteConnection::SampleTotal(const sql::Sql& sample, std::int64_t max_row,
                                                    SampleGoal goal) {
    Params params = sample.params;  // the last two are the range, set per block
    const std::size_t first = params.size() - 2;
    return EstimateTotal(max_row, goal, kAutoExactRows,
                         [&](std::int64_t from, std::int64_t to) -> Result<std::int64_t> {
                             params[first] = from;
                             params[first + 1] = to;
                             return Scalar(sample.text, params);
                         });
}

Result<std::int64_t> SqliteConnection::MaxRowNumber(const schema::Entity& entity) {
    return Scalar("SELECT coalesce(max(\"_rowid\"), 0) FROM " + Quote(sql::TableName(entity)), {});
}

// The total for a list. SQLite (built without STAT4) takes any indexed range as selective;
// when it is not, the index plan fetches each matching row from the table at random, ~10x a
// row of a sequential scan. So the planner's plan gets a budget of about what a scan of the
// table costs, and past it the count restarts as a table scan: a selective filter stays
// fast, an unselective one costs at most about two scans instead of a random read per row.
// `max_row`: the table's largest row number when the caller already read it.
Result<std::int64_t> SqliteConnection::Count(const schema::Entity& entity, const sql::ListSql& plan,
                                             std::optional<std::int64_t> max_row) {
    if (plan.count_full_scan.text.empty()) {
        return Scalar(plan.count.text, plan.count.params);
    }
    auto rows = max_row ? Result<std::int64_t>(*max_row) : MaxRowNumber(entity);
    if (!rows) {
        return rows.error();
    }
    std::int64_t total = 0;
    const std::int64_t budget =
        std::max<std::int64_t>(kMinCountBudget, *rows / kTableRowsPerCountOp);
    auto within = QueryWithin(plan.count.text, plan.count.params, budget, [&](sqlite3_stmt* stmt) {
        total = sqlite3_column_int64(stmt, 0);
        return false;
    });
    if (!within) {
        return within.error();
    }
    if (*within) {
        return total;
    }
    return Scalar(plan.count_full_scan.text, plan.count_full_scan.params);
}

}  // namespace ea::store::sqlite
