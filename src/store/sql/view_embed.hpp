// The backend-neutral halves of a `view` embedding, shared by the SQL stores: which ids a page of
// rows references, and putting the referenced records (looked up by the backend in one batched
// query, sql::BuildViewSql) into the rows with the same shape and warnings on every backend.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"

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

}  // namespace ea::store::sql
