// audit_bench: what the audit trail adds to one service call. The same DocumentService calls
// (get by id, a filtered list page, a create) on one SQLite file, in the same process and run,
// with no audit sink, with the JSON-lines file sink, and with the file and the AuditEvent table
// (the server's default). Prints the median over rounds of each round's mean per call.
// Beside each figure, the process CPU per call (every thread's, until the writers have drained),
// which other processes' load hardly moves. Then each writer alone (no queue, no service call):
// its thread's CPU per event, writing batches of 256 events like a get's (the size a busy
// server's batches reach), median over rounds.
//   audit_bench --schema schema.yaml --dir /tmp/ab [--rounds 5] [--ops 2000]
//               [--durability normal|full]   (store.durability; the server's default is full)
//               [--audit-search-index on]   (the AuditEvent table with the trigram search index, as
//                                            it was before `search_index: false`)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "schema/schema_loader.hpp"
#include "service/audit/async_sink.hpp"
#include "service/audit/audit_table.hpp"
#include "service/audit/file_writer.hpp"
#include "service/document_service.hpp"
#include "store/document_store.hpp"

using namespace ea;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of every thread of this process so far.
double ProcessCpuMicros() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// CPU time of the calling thread so far.
double ThreadCpuMicros() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double Median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::string schema_file = "schema.yaml";
    std::filesystem::path dir = "/tmp/audit_bench";
    int rounds = 5;
    int ops = 2000;
    bool audit_search_index = false;
    store::Durability durability = store::Durability::kNormal;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--schema") {
            schema_file = argv[i + 1];
        } else if (flag == "--dir") {
            dir = argv[i + 1];
        } else if (flag == "--rounds") {
            rounds = std::stoi(argv[i + 1]);
        } else if (flag == "--ops") {
            ops = std::stoi(argv[i + 1]);
        } else if (flag == "--audit-search-index") {
            audit_search_index = std::string(argv[i + 1]) == "on";
        } else if (flag == "--durability") {
            durability = std::string(argv[i + 1]) == "full" ? store::Durability::kFull
                                                            : store::Durability::kNormal;
        }
    }
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto schema = schema::LoadSchema(schema_file);
    auto audit_schema = service::AuditTableSchema(audit_search_index);
    if (!schema || !audit_schema) {
        std::fprintf(stderr, "schema load failed\n");
        return 1;
    }
    const std::string url = "sqlite://" + (dir / "bench.db").string();
    auto store = store::OpenStore({url, durability}, **schema);
    auto audit_store = store::OpenStore({url, durability}, **audit_schema);
    if (!store || !audit_store) {
        std::fprintf(stderr, "store open failed\n");
        return 1;
    }
    const auto& event = *(*schema)->FindEntity("Event");
    const auto& audit_entity = *(*audit_schema)->FindEntity(service::kAuditEntity);
    service::DocumentService documents(**schema, **store);
    const service::RequestContext ctx{Principal{"usr_bench", "bench", "admin", "", true}, "bench",
                                      service::Channel::kRest};
    std::vector<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        auto created = documents.Create(ctx, event,
                                        Record{{"url", "https://example.com/e"},
                                               {"title", "Bench " + std::to_string(i)},
                                               {"dateTime", "2025-07-01T18:00:00Z"}});
        ids.emplace_back((*created)["id"].as_string());
    }

    auto file_writer = service::JsonLinesFileWriter::Open({dir / "audit.jsonl", 1ull << 30, 1});
    service::AsyncAuditSink file("file", *std::move(file_writer), 100000, {},
                                 service::kAuditFileLinger);
    auto file_writer2 = service::JsonLinesFileWriter::Open({dir / "audit2.jsonl", 1ull << 30, 1});
    service::AsyncAuditSink file2("file", *std::move(file_writer2), 100000, {},
                                  service::kAuditFileLinger);
    service::AsyncAuditSink table(
        "table", std::make_unique<service::StoreAuditWriter>(**audit_store, audit_entity), 100000,
        {}, service::kAuditTableLinger);
    service::AuditFanout file_only({&file});
    service::AuditFanout both({&file2, &table});

    query::Query filtered;  // title >= "Bench 5", first page of 20
    filtered.filter = std::make_unique<query::FilterNode>();
    filtered.filter->kind = query::FilterNode::Kind::kComparison;
    filtered.filter->comparison.field = event.FindField("title");
    filtered.filter->comparison.op = query::Op::kGte;
    filtered.filter->comparison.value = boost::json::string("Bench 5");
    filtered.page_size = 20;

    struct Mode {
        const char* name;
        service::AuditSink* sink;
    };
    const Mode modes[] = {{"none", nullptr}, {"file", &file_only}, {"file+table", &both}};
    std::printf("AuditEvent search index: %s, durability %s\n", audit_search_index ? "on" : "off",
                durability == store::Durability::kFull ? "full" : "normal");
    std::printf(
        "operation     sink         median us/call, cpu us/call over %d rounds of %d calls\n",
        rounds, ops);
    // Rounds interleave the modes, so load that changes during the run hits each of them alike.
    for (const char* operation : {"get", "list", "create"}) {
        std::vector<std::vector<double>> per_call(std::size(modes));
        std::vector<std::vector<double>> cpu_per_call(std::size(modes));
        for (int round = 0; round < rounds; ++round) {
            for (std::size_t m = 0; m < std::size(modes); ++m) {
                documents.SetAuditSink(modes[m].sink);
                const std::string op = operation;
                const auto start = Clock::now();
                const double cpu_start = ProcessCpuMicros();
                for (int i = 0; i < ops; ++i) {
                    if (op == "get") {
                        (void)documents.Get(ctx, event,
                                            ids[static_cast<std::size_t>(i) % ids.size()]);
                    } else if (op == "list") {
                        (void)documents.List(ctx, event, filtered);
                    } else {
                        (void)documents.Create(ctx, event,
                                               Record{{"url", "https://example.com/e"},
                                                      {"title", "Bench new"},
                                                      {"dateTime", "2025-07-01T18:00:00Z"}});
                    }
                }
                per_call[m].push_back(
                    std::chrono::duration<double, std::micro>(Clock::now() - start).count() / ops);
                // The writers drain between rounds (outside the clock), as between bursts.
                file.Flush(std::chrono::seconds(60));
                file2.Flush(std::chrono::seconds(60));
                table.Flush(std::chrono::seconds(60));
                cpu_per_call[m].push_back((ProcessCpuMicros() - cpu_start) / ops);
            }
        }
        for (std::size_t m = 0; m < std::size(modes); ++m) {
            std::printf("%-13s %-12s %8.2f %8.2f\n", operation, modes[m].name, Median(per_call[m]),
                        Median(cpu_per_call[m]));
        }
    }
    std::printf("events written: file %llu, file+table %llu / %llu, dropped %llu\n",
                static_cast<unsigned long long>(file.stats().written),
                static_cast<unsigned long long>(file2.stats().written),
                static_cast<unsigned long long>(table.stats().written),
                static_cast<unsigned long long>(file.stats().dropped + file2.stats().dropped +
                                                table.stats().dropped));

    // Each writer alone, on the writer thread's own work: what one event costs it.
    constexpr std::size_t kBatch = 256;
    std::vector<service::AuditEventPtr> batch;
    for (std::size_t i = 0; i < kBatch; ++i) {
        service::AuditEvent sample;
        sample.time = std::chrono::system_clock::now();
        sample.user_id = "usr_admin_0001";
        sample.username = "admin";
        sample.role = "admin";
        sample.channel = "rest";
        sample.action = "get";
        sample.entity = "User";
        sample.ids = {"usr_demo_1"};
        sample.rows = 1;
        sample.duration_ms = 0.0123 + static_cast<double>(i) * 1e-4;
        sample.request_id = "01jx3q8vkqz1m7d0c5yq2a4e6r";
        batch.push_back(std::make_shared<const service::AuditEvent>(std::move(sample)));
    }
    auto lone_file = service::JsonLinesFileWriter::Open({dir / "lone.jsonl", 1ull << 30, 1});
    service::StoreAuditWriter lone_table(**audit_store, audit_entity);
    struct Lone {
        const char* name;
        service::AuditWriter* writer;
    };
    const Lone writers[] = {{"file", lone_file->get()}, {"table", &lone_table}};
    constexpr int kBatchesPerRound = 40;
    std::printf("writer alone  batches of %zu, median cpu us/event over %d rounds of %d batches\n",
                kBatch, rounds, kBatchesPerRound);
    std::vector<std::vector<double>> lone_cpu(std::size(writers));
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t w = 0; w < std::size(writers); ++w) {
            const double start = ThreadCpuMicros();
            for (int b = 0; b < kBatchesPerRound; ++b) {
                if (!writers[w].writer->Write(batch)) {
                    std::fprintf(stderr, "%s writer failed\n", writers[w].name);
                    return 1;
                }
            }
            lone_cpu[w].push_back((ThreadCpuMicros() - start) / (kBatchesPerRound * kBatch));
        }
    }
    for (std::size_t w = 0; w < std::size(writers); ++w) {
        std::printf("writer        %-12s %8.2f\n", writers[w].name, Median(lone_cpu[w]));
    }
    return 0;
}
