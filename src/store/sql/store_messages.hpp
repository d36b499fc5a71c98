// The client-facing words both SQL stores use, in one place so SQLite and PostgreSQL answer with
// the same text (tests/store/store_conformance_test.cpp compares them).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "schema/schema.hpp"

namespace ea::store::sql {

// "a User", "an Account": entity names appear in client-facing messages.
std::string WithArticle(const std::string& name);

// The names joined by `separator` ("a, b").
std::string JoinNames(const std::vector<std::string>& names, std::string_view separator);

// The error of a List that ran past its time limit (the limit is named so the operator knows
// which setting it is; sub-millisecond limits exist only in tests).
Error QueryTimeoutError(std::chrono::microseconds limit);

// "User 42 not found": the record a write or delete names does not exist (an invalid id is named
// as given).
Error RecordNotFound(const schema::Entity& entity, std::string_view id);

// A write naming a record that does not exist (the field errors say which).
Error MissingReference();

}  // namespace ea::store::sql
