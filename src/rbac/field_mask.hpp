// Field rules on records: what a read returns (hidden and write_only fields dropped) and what a
// write may set (a read_only or hidden field in the body is refused, never silently dropped).
#pragma once

#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "rbac/authorizer.hpp"

namespace ea::rbac {

// Keeps only what the role may read: the entity's readable fields and, for each `view` entry, its
// embedded object with only the fields the role may embed from the referenced entity (null stays
// null). Anything else (hidden, write_only, unknown keys) is removed; the order of the kept keys
// is unchanged. A password is never returned, whatever the schema says.
void MaskForRead(const EntityAccess& access, Record& record,
                 const std::vector<query::ViewSpec>& view = {});

// Ok when every key of `body` that names a field of the entity is writable by the role; otherwise
// kForbidden naming them all, "ai_agent role cannot set User.role" (several: "... cannot set
// User.role, User.isAccountOwner", in body order), with one FieldError per field saying the same
// of that field, "ai_agent role cannot set User.role (read_only for ai_agent)" or "... (hidden
// from ai_agent)", since REST's envelope shows the field errors and MCP the message. Keys naming no
// field are the validator's to report. Whether the role may create or update at all is
// EntityAccess::Authorize's question.
[[nodiscard]] Status CheckWrite(const EntityAccess& access, const Record& body);

}  // namespace ea::rbac
