// A `view` embedding, shared by the SQL stores: which ids a page of rows references, one batched
// look-up per relation (sql::BuildViewSql, run by the backend), and putting the referenced records
// into the rows with the same shape and warnings on every backend; and a get by id with its view,
// in one read snapshot.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
#include "store/sql/select_builder.hpp"

namespace ea::store::sql {

// kInvalidArgument unless every spec names a reference field of `entity`.
[[nodiscard]] Status CheckView(const schema::Entity& entity,
                               const std::vector<query::ViewSpec>& view);

// The distinct ids the rows hold in `reference`, in first-seen order.
std::vector<std::string> ReferencedIds(const std::vector<Record>& rows,
                                       const schema::Field& reference);

// Sets row[spec.name] in each row: the found record ({exists: true, ...fields}), or
// {exists: false, id} with one warning per missing id, or null when the row holds no reference.
void AttachView(const query::ViewSpec& spec, const std::unordered_map<std::string, Record>& found,
                std::vector<Record>& rows, std::vector<Notice>& warnings);

// Adds the record of one looked-up row to `found` ({exists: true, ...selected}), keyed by its id;
// column(i, field) is the row's i-th column as `field`'s value.
template <class Column>
void AddFound(std::unordered_map<std::string, Record>& found,
              const std::vector<const schema::Field*>& selected, Column&& column) {
    Record embedded;
    embedded["exists"] = true;
    for (std::size_t i = 0; i < selected.size(); ++i) {
        embedded[selected[i]->name] = column(static_cast<int>(i), *selected[i]);
    }
    std::string id(embedded["id"].as_string());
    found.emplace(std::move(id), std::move(embedded));
}

// Embeds `spec` into every row with one batched look-up for the whole page (never one per row):
// run(const Sql& lookup, selected, found) -> Status runs it, calling AddFound for each row.
template <class Run>
Status EmbedView(const Dialect& dialect, const query::ViewSpec& spec, std::vector<Record>& rows,
                 std::vector<Notice>& warnings, Run&& run) {
    const schema::Field& reference = *spec.reference;
    const std::vector<std::string> ids = ReferencedIds(rows, reference);
    std::unordered_map<std::string, Record> found;
    if (!ids.empty()) {
        std::vector<const schema::Field*> selected;
        const Sql lookup = BuildViewSql(dialect, *reference.target, spec.fields, ids, selected);
        if (auto s = run(lookup, selected, found); !s) {
            return s;
        }
    }
    AttachView(spec, found, rows, warnings);
    return Ok();
}

// The record `id` with `view` embedded, null when absent. `Db`, on one connection:
//   Result<std::optional<Record>> FindById(const schema::Entity&, const std::string& id);
//   Status EmbedView(const query::ViewSpec&, std::vector<Record>& rows, std::vector<Notice>&);
//   X ReadSnapshot();  // a read transaction: Status Begin(), Status Commit(), rolled back unless
//                      // committed
// Without a view it is one statement, so no transaction.
template <class Db>
Result<std::optional<GetResult>> FindByIdWithView(Db& db, const schema::Entity& entity,
                                                  const std::string& id,
                                                  const std::vector<query::ViewSpec>& view) {
    if (auto s = CheckView(entity, view); !s) {
        return s.error();
    }
    if (view.empty()) {
        auto row = db.FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return std::optional<GetResult>();
        }
        return std::optional<GetResult>(GetResult{std::move(**row), {}});
    }
    auto snapshot = db.ReadSnapshot();
    if (auto s = snapshot.Begin(); !s) {
        return s.error();
    }
    auto row = db.FindById(entity, id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<GetResult>();
    }
    std::vector<Record> rows;
    rows.push_back(std::move(**row));
    std::vector<Notice> warnings;
    for (const auto& spec : view) {
        if (auto s = db.EmbedView(spec, rows, warnings); !s) {
            return s.error();
        }
    }
    if (auto s = snapshot.Commit(); !s) {
        return s.error();
    }
    return std::optional<GetResult>(GetResult{std::move(rows.front()), std::move(warnings)});
}

}  // namespace ea::store::sql
