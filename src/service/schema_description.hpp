// The schema as one caller may see it: what /api/metadata answers (and what MCP schema resources
// will serve per caller). The description itself is schema::SchemaDescription; this keeps only the
// entities the caller's role may read and, of each, the fields it may read or set (a write-only
// password stays listed, so a client knows to send it; a hidden field is not).
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "common/principal.hpp"
#include "schema/schema.hpp"

namespace ea::service {

boost::json::object DescribeSchemaFor(const schema::Schema& schema, const Principal& principal,
                                      std::string_view backend);

}  // namespace ea::service
