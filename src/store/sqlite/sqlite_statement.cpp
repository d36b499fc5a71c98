#include "store/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <boost/json/serialize.hpp>

#include <limits>

namespace ea::store::sqlite {

Statement::~Statement() { sqlite3_finalize(stmt_); }

int Statement::Bind(const std::vector<boost::json::value>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (int rc = BindValue(static_cast<int>(i + 1), params[i]); rc != SQLITE_OK) {
            return rc;
        }
    }
    return SQLITE_OK;
}

int Statement::BindValue(int index, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::null: return sqlite3_bind_null(stmt_, index);
        case boost::json::kind::bool_: return sqlite3_bind_int(stmt_, index, value.get_bool() ? 1 : 0);
        case boost::json::kind::int64: return sqlite3_bind_int64(stmt_, index, value.get_int64());
        case boost::json::kind::uint64: {
            const auto u = value.get_uint64();
            if (u <= static_cast<std::uint64_t>(std::numeric_limits<sqlite3_int64>::max())) {
                return sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(u));
            }
            return sqlite3_bind_double(stmt_, index, static_cast<double>(u));
        }
        case boost::json::kind::double_: return sqlite3_bind_double(stmt_, index, value.get_double());
        case boost::json::kind::string: {
            const auto& s = value.get_string();
            return sqlite3_bind_text64(stmt_, index, s.data(), s.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
        }
        case boost::json::kind::array:
        case boost::json::kind::object: {
            const std::string text = boost::json::serialize(value);
            return sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
        }
    }
    return SQLITE_MISUSE;
}

int Statement::Step() { return sqlite3_step(stmt_); }

void Statement::Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

StatementLease::~StatementLease() {
    if (Statement* stmt = get()) {
        stmt->Reset();
    }
}

StatementLease::StatementLease(StatementLease&& other) noexcept
    : cached_(other.cached_), owned_(std::move(other.owned_)) {
    other.cached_ = nullptr;
}

StatementLease StatementCache::Get(const std::string& sql, int* rc) {
    *rc = SQLITE_OK;
    if (auto it = cache_.find(sql); it != cache_.end()) {
        return StatementLease(it->second.get(), nullptr);
    }
    const bool cache = cache_.size() < kMaxEntries;
    sqlite3_stmt* raw = nullptr;
    *rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             cache ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
    if (*rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return {};
    }
    auto stmt = std::make_unique<Statement>(raw);
    if (!cache) {
        return StatementLease(nullptr, std::move(stmt));
    }
    Statement* ptr = stmt.get();
    cache_.emplace(sql, std::move(stmt));
    return StatementLease(ptr, nullptr);
}

}  // namespace ea::store::sqlite
