#include "app/audit_stack.hpp"

#include "http/metrics.hpp"
#include "service/audit/file_writer.hpp"

namespace ea::app {

bool AuditStack::Flush(std::chrono::milliseconds timeout) {
    bool flushed = true;
    for (auto* one : {file.get(), table.get()}) {
        if (one != nullptr) {
            flushed = one->Flush(timeout) && flushed;
        }
    }
    return flushed;
}

void AuditStack::ExportMetrics(http::Metrics& metrics) const {
    using Series = std::vector<std::pair<http::Metrics::Labels, double>>;
    std::vector<const service::AsyncAuditSink*> sinks;
    for (const auto* one : {file.get(), table.get()}) {
        if (one != nullptr) {
            sinks.push_back(one);
        }
    }
    const auto add = [&](const char* name, const char* help, const char* type, auto pick) {
        metrics.AddSource(name, help, type, [sinks, pick] {
            Series out;
            for (const auto* one : sinks) {
                out.push_back({{{"sink", one->name()}}, pick(one->stats())});
            }
            return out;
        });
    };
    using Stats = service::AuditSinkStats;
    add("audit_events_written_total", "Audit events the sink stored", "counter",
        [](const Stats& s) { return static_cast<double>(s.written); });
    add("audit_events_dropped_total",
        "Audit events not kept (queue full or sink failing): unaudited reads", "counter",
        [](const Stats& s) { return static_cast<double>(s.dropped); });
    add("audit_writes_refused_total",
        "Writes and logins refused because the sink could not promise to record them", "counter",
        [](const Stats& s) { return static_cast<double>(s.refused); });
    add("audit_sink_failures_total", "Failed audit sink writes (each retried)", "counter",
        [](const Stats& s) { return static_cast<double>(s.failures); });
    add("audit_queue_depth", "Audit events queued, not yet written", "gauge",
        [](const Stats& s) { return static_cast<double>(s.queued); });
    add("audit_sink_healthy", "1 while the sink writes, 0 while it fails", "gauge",
        [](const Stats& s) { return s.healthy ? 1.0 : 0.0; });
}

std::string AuditFilePath(const Config& config) {
    if (config.audit_file == "off") {
        return {};
    }
    if (!config.audit_file.empty()) {
        return config.audit_file;
    }
    constexpr std::string_view kScheme = "sqlite://";
    if (!config.db.starts_with(kScheme)) {
        return "data/audit.jsonl";
    }
    const std::string file = config.db.substr(kScheme.size());
    if (file.empty() || file == ":memory:" || file.starts_with("file::memory:")) {
        return {};
    }
    return file + ".audit.jsonl";
}

Result<std::unique_ptr<AuditStack>> OpenAuditStack(const Config& config, Core& core,
                                                   AccessStack& access, service::AuditLogFn log) {
    auto stack = std::make_unique<AuditStack>();
    const auto capacity = static_cast<std::size_t>(config.audit_queue);
    std::vector<service::AuditSink*> sinks;
    if (const std::string path = AuditFilePath(config); !path.empty()) {
        auto writer = service::JsonLinesFileWriter::Open(
            {path, static_cast<std::uint64_t>(config.audit_file_max_bytes),
             config.audit_file_keep});
        if (!writer) {
            return writer.error();
        }
        stack->file =
            std::make_unique<service::AsyncAuditSink>("file", *std::move(writer), capacity, log,
                                                      service::kAuditFileLinger);
        sinks.push_back(stack->file.get());
    }
    if (config.audit_table) {
        if (core.schema->FindEntity(service::kAuditEntity) != nullptr) {
            return InvalidArgument(std::string("the schema defines an entity named ") +
                                   service::kAuditEntity +
                                   ", the name of the audit table: rename it, or set "
                                   "audit.table: false");
        }
        auto schema = service::AuditTableSchema();
        if (!schema) {
            return schema.error();
        }
        stack->table_schema = *std::move(schema);
        store::StoreConfig store_config{config.db};
        store_config.durability = config.store_durability == "normal" ? store::Durability::kNormal
                                                                      : store::Durability::kFull;
        store_config.query_timeout = std::chrono::milliseconds(config.query_timeout_ms);
        store_config.mmap_bytes = static_cast<std::int64_t>(config.store_mmap_mb) << 20;
        auto store = store::OpenStore(store_config, *stack->table_schema);
        if (!store) {
            return store.error();
        }
        stack->table_store = *std::move(store);
        const auto* entity = stack->table_schema->FindEntity(service::kAuditEntity);
        stack->table = std::make_unique<service::AsyncAuditSink>(
            "table", std::make_unique<service::StoreAuditWriter>(*stack->table_store, *entity),
            capacity, log, service::kAuditTableLinger);
        sinks.push_back(stack->table.get());
    }
    stack->sink = std::make_unique<service::AuditFanout>(std::move(sinks));
    if (stack->table_store) {
        stack->log = std::make_unique<service::AuditLog>(
            *stack->table_store, *stack->table_schema->FindEntity(service::kAuditEntity),
            stack->sink.get());
    }
    core.documents->SetAuditSink(stack->sink.get());
    access.auth->SetAuditSink(stack->sink.get());
    return stack;
}

}  // namespace ea::app
