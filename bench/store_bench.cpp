// Store benchmark (not a test): our DocumentStore against raw SQLite on the same file, same run.
// Usage: store_bench --schema schema.yaml --db PATH [--rounds 5] [--ops 400]
//                    [--durability full|normal] [--mmap-mb N]
//                    [--only get|list|page|search|fuzzy|estimate|write] (one section; default all)
// The database must already hold the demo data (events-api seed-demo --scale 1000 for 1M events).
// --mmap-mb sets the store's reader mmap (default: the store's, 2047; 0: none).
// --durability opens the store (and the raw connection) with that synchronous mode; --only write
// (or writes) skips the reads and searches. The writes' baseline is a raw prepared INSERT into a scratch
// table on the same file and mode: the cost of a commit there, without our checks and indexes.
// Prints one line per measurement: name, median over rounds of the per-round p50 and p99, and the
// ratio to the raw SQLite baseline where there is one. See docs/performance.md.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "query/filter_parser.hpp"
#include "query/sort.hpp"
#include "schema/schema_loader.hpp"
#include "store/document_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
    double p50_us = 0;
    double p99_us = 0;
};

double Percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

// Runs `op(i)` `ops` times per round for `rounds` rounds; returns the median of the per-round
// p50 and p99 (medians over rounds damp a noisy machine).
Stats Measure(int rounds, int ops, const std::function<void(int)>& op) {
    std::vector<double> p50s;
    std::vector<double> p99s;
    for (int warm = 0; warm < std::min(ops, 20); ++warm) {
        op(warm);
    }
    for (int round = 0; round < rounds; ++round) {
        std::vector<double> samples;
        samples.reserve(static_cast<std::size_t>(ops));
        for (int i = 0; i < ops; ++i) {
            const auto start = Clock::now();
            op(round * ops + i);
            samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
        p50s.push_back(Percentile(samples, 0.5));
        p99s.push_back(Percentile(samples, 0.99));
    }
    return {Percentile(p50s, 0.5), Percentile(p99s, 0.5)};
}

void Report(const char* name, const Stats& ours, const Stats* raw) {
    if (raw != nullptr) {
        std::printf("%-28s p50 %9.1f us  p99 %9.1f us | raw p50 %9.1f us  p99 %9.1f us | ratio %.2f\n",
                    name, ours.p50_us, ours.p99_us, raw->p50_us, raw->p99_us,
                    ours.p50_us / raw->p50_us);
    } else {
        std::printf("%-28s p50 %9.1f us  p99 %9.1f us\n", name, ours.p50_us, ours.p99_us);
    }
    std::fflush(stdout);
}

// A line of /proc/self/status in kB ("VmRSS", "RssAnon", "RssFile"), or -1.
long StatusKb(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            return std::stol(line.substr(key.size() + 1));
        }
    }
    return -1;
}
long ResidentKb() { return StatusKb("VmRSS"); }

// A raw prepared statement run to completion, reading every column as the store would.
class Raw {
public:
    Raw(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
            SQLITE_OK) {
            std::fprintf(stderr, "prepare failed: %s\n%s\n", sqlite3_errmsg(db), sql.c_str());
            std::exit(1);
        }
    }
    ~Raw() { sqlite3_finalize(stmt_); }
    // Binds text/number parameters in order and steps through all rows; returns the row count.
    int Run(const std::vector<std::string>& texts, const std::vector<double>& numbers = {}) {
        sqlite3_reset(stmt_);
        int index = 1;
        for (const auto& text : texts) {
            sqlite3_bind_text(stmt_, index++, text.data(), static_cast<int>(text.size()),
                              SQLITE_STATIC);
        }
        for (double number : numbers) {
            sqlite3_bind_double(stmt_, index++, number);
        }
        int rows = 0;
        while (sqlite3_step(stmt_) == SQLITE_ROW) {
            ++rows;
            const int columns = sqlite3_column_count(stmt_);
            for (int c = 0; c < columns; ++c) {
                (void)sqlite3_column_text(stmt_, c);
            }
        }
        return rows;
    }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
    std::string schema_path = "schema.yaml";
    std::string db_path;
    int rounds = 5;
    int ops = 400;
    std::string only;
    std::string durability = "full";
    long long mmap_mb = -1;  // -1: the store's default
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--durability") == 0) durability = argv[i + 1];
        if (std::strcmp(argv[i], "--schema") == 0) schema_path = argv[i + 1];
        else if (std::strcmp(argv[i], "--db") == 0) db_path = argv[i + 1];
        else if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--ops") == 0) ops = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
        else if (std::strcmp(argv[i], "--mmap-mb") == 0) mmap_mb = std::atoll(argv[i + 1]);
    }
    if (db_path.empty()) {
        std::fprintf(stderr, "usage: store_bench --schema FILE --db PATH [--rounds N] [--ops N]\n");
        return 2;
    }
    auto schema = ea::schema::LoadSchema(schema_path);
    if (!schema) {
        std::fprintf(stderr, "schema: %s\n", schema.error().message.c_str());
        return 1;
    }
    ea::store::StoreConfig config{"sqlite://" + db_path};
    config.durability =
        durability == "normal" ? ea::store::Durability::kNormal : ea::store::Durability::kFull;
    if (mmap_mb >= 0) {
        config.mmap_bytes = static_cast<std::int64_t>(mmap_mb) << 20;
    }
    auto store = ea::store::OpenStore(config, **schema);
    if (!store) {
        std::fprintf(stderr, "store: %s\n", store.error().message.c_str());
        return 1;
    }
    const auto* event = (*schema)->FindEntity("Event");
    sqlite3* raw_db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &raw_db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_exec(raw_db,
                 durability == "normal" ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL",
                 nullptr, nullptr, nullptr);
    Raw count_events(raw_db, "SELECT count(*) FROM \"Event\"");
    // Earlier runs' creates (ids "bench_...") would add "Benchmark Jazz Night" matches to the
    // searches: delete them through the store first, so every run measures the seeded data.
    {
        std::vector<std::string> leftovers;
        sqlite3_stmt* find = nullptr;
        sqlite3_prepare_v2(raw_db,
                           "SELECT \"id\" FROM \"Event\" WHERE \"id\" >= 'bench_' AND "
                           "\"id\" < 'bench`'",
                           -1, &find, nullptr);
        while (sqlite3_step(find) == SQLITE_ROW) {
            leftovers.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(find, 0)));
        }
        sqlite3_finalize(find);
        for (const auto& id : leftovers) {
            if (!(*store)->Delete(*event, id)) std::abort();
        }
        std::printf("deleted %zu Events left by earlier runs\n", leftovers.size());
    }
    sqlite3_stmt* probe = nullptr;
    // Demo events only (evt_demo_0 .. evt_demo_{n-1}): earlier runs' creates stay in the file.
    sqlite3_prepare_v2(raw_db,
                       "SELECT count(*) FROM \"Event\" WHERE \"id\" >= 'evt_demo_' AND "
                       "\"id\" < 'evt_demo`'",
                       -1, &probe, nullptr);
    sqlite3_step(probe);
    const auto events = sqlite3_column_int64(probe, 0);
    sqlite3_finalize(probe);
    std::printf("events: %lld, rounds %d x %d ops, durability %s, RSS at start %ld kB\n",
                static_cast<long long>(events), rounds, ops, durability.c_str(), ResidentKb());
    if (events == 0) {
        return 1;
    }
    std::mt19937_64 rng(42);
    auto random_event_id = [&] {
        return "evt_demo_" + std::to_string(rng() % static_cast<std::uint64_t>(events));
    };

    if (only == "writes") {
        only = "write";  // the spelling of an earlier version
    }
    const auto wants = [&](const char* section) { return only.empty() || only == section; };

    // 1. Get by id.
    if (wants("get")) {
        auto ours = Measure(rounds, ops, [&](int) {
            auto record = (*store)->Get(*event, random_event_id());
            if (!record) std::abort();
        });
        Raw raw(raw_db, "SELECT * FROM \"Event\" WHERE \"id\" = ?1");
        auto base = Measure(rounds, ops, [&](int) {
            if (raw.Run({random_event_id()}) != 1) std::abort();
        });
        Report("get by id", ours, &base);
    }

    // 2. A filtered, sorted page (with the total, as the API returns it), in each count mode.
    using ea::query::CountMode;
    auto filter =
        boost::json::parse(R"({"cost": {"$lt": 20}, "numOfExpectedAttendees": {"$gte": 500}})");
    auto sort = ea::query::ParseSortText(*event, "dateTime:desc");
    auto filtered_page = [&](CountMode count, int page) {
        ea::query::Query query;
        query.filter = *ea::query::ParseFilter(*event, filter);
        query.sort = *sort;
        query.page = page;
        query.page_size = 25;
        query.count = count;
        return query;
    };
    // --only page: the list section without count=exact and the raw page + count baseline (the
    // slow parts: seconds per operation on 1M rows).
    if (wants("list") || only == "page") {
        const bool pages_only = only == "page";
        std::vector<std::pair<const char*, CountMode>> modes = {
            {"filter+sort+page (auto)", CountMode::kAuto},
            {"filter+sort+page (exact)", CountMode::kExact},
            {"filter+sort+page (none)", CountMode::kNone}};
        if (pages_only) {
            modes.erase(modes.begin() + 1);
        }
        Raw raw(raw_db,
                "SELECT * FROM \"Event\" WHERE \"cost\" < ?1 AND \"numOfExpectedAttendees\" >= ?2 "
                "ORDER BY \"dateTime\" DESC NULLS LAST, \"id\" LIMIT 25 OFFSET ?3");
        Raw raw_count(raw_db,
                      "SELECT count(*) FROM \"Event\" WHERE \"cost\" < ?1 AND "
                      "\"numOfExpectedAttendees\" >= ?2");
        Stats base;
        if (!pages_only) {
            base = Measure(rounds, ops / 4, [&](int i) {
                raw.Run({}, {20, 500, static_cast<double>(25 * (i % 20))});
                raw_count.Run({}, {20, 500});
            });
        }
        for (const auto& [name, mode] : modes) {
            auto ours = Measure(rounds, ops / 4, [&, mode = mode](int i) {
                auto page = (*store)->List(*event, filtered_page(mode, 1 + i % 20));
                if (!page || page->rows.size() != 25) std::abort();
            });
            Report(name, ours, pages_only ? nullptr : &base);
        }
        // The page alone in raw SQLite, on the plan the store uses (walking the sort index).
        Raw raw_page(raw_db,
                     "SELECT * FROM \"Event\" INDEXED BY \"_ix_Event_dateTime\" WHERE \"cost\" < ?1 "
                     "AND \"numOfExpectedAttendees\" >= ?2 ORDER BY \"dateTime\" DESC NULLS LAST, "
                     "\"id\" LIMIT 25 OFFSET ?3");
        auto page_only = Measure(rounds, ops / 4, [&](int i) {
            raw_page.Run({}, {20, 500, static_cast<double>(25 * (i % 20))});
        });
        Report("  raw page alone, same plan", page_only, nullptr);
        auto first = Measure(rounds, ops, [&](int) {
            auto page = (*store)->List(*event, filtered_page(CountMode::kAuto, 1));
            if (!page || page->rows.size() != 25) std::abort();
        });
        Report("  page 1 only (auto)", first, nullptr);
    }

    // 3. contains and fuzzy on a free-text field, page 1 with the total.
    const char* needles[] = {"jazz", "poetry", "rooftop", "chess", "wine tast"};
    const char* typos[] = {"jaz nite", "poetry slamm", "roftop", "chess turnament", "wine tastng"};
    auto search = [&](const char* text, ea::query::Matching matching, CountMode count) {
        ea::query::Query query;
        query.filter = *ea::query::ParseFilter(*event, boost::json::object{{"title", text}});
        query.matching = matching;
        query.count = count;
        return query;
    };
    if (wants("search")) {
        Raw raw(raw_db,
                "SELECT * FROM \"Event\" WHERE \"title\" LIKE '%' || ?1 || '%' ORDER BY \"id\" "
                "LIMIT 25");
        Raw raw_count(raw_db,
                      "SELECT count(*) FROM \"Event\" WHERE \"title\" LIKE '%' || ?1 || '%'");
        auto base = Measure(rounds, ops / 20, [&](int i) {
            raw.Run({needles[i % 5]});
            raw_count.Run({needles[i % 5]});
        });
        for (CountMode mode : {CountMode::kAuto, CountMode::kExact}) {
            auto ours = Measure(rounds, ops / 20, [&](int i) {
                auto page = (*store)->List(
                    *event, search(needles[i % 5], ea::query::Matching::kContains, mode));
                if (!page) std::abort();
            });
            Report(mode == CountMode::kAuto ? "contains (title, auto)" : "contains (title, exact)",
                   ours, &base);
        }
    }
    for (CountMode mode : {CountMode::kAuto, CountMode::kExact}) {
        if (!wants("search")) break;
        auto ours = Measure(rounds, ops / 20, [&](int i) {
            auto page =
                (*store)->List(*event, search(typos[i % 5], ea::query::Matching::kFuzzy, mode));
            if (!page) std::abort();
        });
        Report(mode == CountMode::kAuto ? "fuzzy (title, auto)" : "fuzzy (title, exact)", ours,
               nullptr);
    }

    // --only fuzzy: each typo alone (auto), to see which queries set the p50.
    if (only == "fuzzy") {
        for (const char* typo : typos) {
            auto ours = Measure(rounds, std::max(ops / 20, 1), [&](int) {
                auto page = (*store)->List(
                    *event, search(typo, ea::query::Matching::kFuzzy, CountMode::kAuto));
                if (!page) std::abort();
            });
            const std::string name = std::string("fuzzy \"") + typo + "\" (auto)";
            Report(name.c_str(), ours, nullptr);
        }
    }

    // How far the estimate (count=estimated) is from the exact total, on the same queries.
    if (wants("estimate")) {
        std::vector<std::pair<std::string, ea::query::Query>> queries;
        queries.emplace_back("filter", filtered_page(CountMode::kExact, 1));
        for (const char* needle : needles) {
            queries.emplace_back(std::string("contains ") + needle,
                                 search(needle, ea::query::Matching::kContains, CountMode::kExact));
        }
        for (const char* typo : typos) {
            queries.emplace_back(std::string("fuzzy ") + typo,
                                 search(typo, ea::query::Matching::kFuzzy, CountMode::kExact));
        }
        for (auto& [name, query] : queries) {
            auto exact = (*store)->List(*event, query);
            query.count = CountMode::kEstimated;
            auto estimated = (*store)->List(*event, query);
            query.count = CountMode::kAuto;
            auto automatic = (*store)->List(*event, query);
            if (!exact || !estimated || !automatic) std::abort();
            const double error =
                exact->page.total == 0
                    ? 0.0
                    : 100.0 * static_cast<double>(estimated->page.total - exact->page.total) /
                          static_cast<double>(exact->page.total);
            std::printf(
                "estimate %-24s exact %8lld  estimated %8lld (%+.1f%%%s)  auto %s\n", name.c_str(),
                static_cast<long long>(exact->page.total),
                static_cast<long long>(estimated->page.total), error,
                estimated->page.total_kind == ea::store::TotalKind::kEstimate ? "" : ", exact",
                automatic->page.total_kind == ea::store::TotalKind::kEstimate ? "estimate"
                                                                              : "exact");
        }
        std::fflush(stdout);
    }

    // 4. Writes: one create, and a batch of 1,000 in one transaction.
    if (wants("write")) {
        int next = 0;
        auto new_event = [&] {
            ea::Record record{
                {"id", "bench_" + std::to_string(Clock::now().time_since_epoch().count()) + "_" +
                           std::to_string(next++)},
                {"url", "https://bench.example.com/e"},
                {"title", "Benchmark Jazz Night"},
                {"dateTime", "2026-05-01T20:00:00.000Z"},
                {"location", "Austin, TX"},
                {"cost", 10.0},
                {"createdAt", "2026-01-01T00:00:00.000Z"},
                {"updatedAt", "2026-01-01T00:00:00.000Z"}};
            return record;
        };
        sqlite3_exec(raw_db,
                     "CREATE TABLE IF NOT EXISTS \"_bench_commit\" (id TEXT PRIMARY KEY, body TEXT)",
                     nullptr, nullptr, nullptr);
        Raw raw_insert(raw_db, "INSERT INTO \"_bench_commit\" (id, body) VALUES (?1, ?2)");
        const std::string raw_body = boost::json::serialize(new_event());
        auto raw_row = [&] {
            return std::string(
                "raw_" + std::to_string(Clock::now().time_since_epoch().count()) + "_" +
                std::to_string(next++));
        };
        {
            auto ours = Measure(rounds, ops / 4, [&](int) {
                if (!(*store)->Create(*event, new_event())) std::abort();
            });
            auto base = Measure(rounds, ops / 4, [&](int) { raw_insert.Run({raw_row(), raw_body}); });
            Report("create", ours, &base);
        }
        {
            auto ours = Measure(std::max(3, rounds), 3, [&](int) {
                std::vector<ea::store::DocumentStore::BatchItem> items;
                for (int i = 0; i < 1000; ++i) {
                    items.push_back({event, new_event(), false});
                }
                if (!(*store)->Batch(std::move(items))) std::abort();
            });
            auto base = Measure(std::max(3, rounds), 3, [&](int) {
                sqlite3_exec(raw_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
                for (int i = 0; i < 1000; ++i) {
                    raw_insert.Run({raw_row(), raw_body});
                }
                sqlite3_exec(raw_db, "COMMIT", nullptr, nullptr, nullptr);
            });
            std::printf("%-28s p50 %9.1f ms per 1,000 (%.1f us per record) | raw %.1f ms | ratio %.2f\n",
                        "batch create", ours.p50_us / 1000.0, ours.p50_us / 1000.0,
                        base.p50_us / 1000.0, ours.p50_us / base.p50_us);
        }
    }
    // File-backed RSS is the readers' mapping of the database (store.mmap_mb): the OS's page
    // cache of the file, not the process's own memory.
    std::printf(
        "RSS at end %ld kB (anonymous %ld kB, file-backed %ld kB); SQLite heap (page cache "
        "included) %lld kB\n",
        ResidentKb(), StatusKb("RssAnon"), StatusKb("RssFile"),
        static_cast<long long>(sqlite3_memory_used() / 1024));
    sqlite3_close(raw_db);
    return 0;
}
