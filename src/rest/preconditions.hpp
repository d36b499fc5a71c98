// Optimistic concurrency over HTTP: a record's ETag (its version, see service::Precondition) and
// the If-Match header of PUT, PATCH and DELETE, turned into the service's Precondition. The check
// itself runs in the service, inside the write's transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/record.hpp"
#include "common/result.hpp"
#include "http/http_types.hpp"
#include "service/document_service.hpp"

namespace ea::rest {

// The strong entity tag of `record`: its version in double quotes ("2026-01-01T00:00:00.000Z");
// empty when the record has no version.
std::string ETagFor(const Record& record);

// The precondition `If-Match` states: nullopt when the header is absent; `any` for "*";
// otherwise the versions of its strong tags (weak tags, W/"...", never match a strong
// comparison and are dropped, so a list of only weak tags fails).
// Errors: kInvalidArgument for a malformed header (naming the expected form).
[[nodiscard]] Result<std::optional<service::Precondition>> ParseIfMatch(
    const http::Request& request);

}  // namespace ea::rest
