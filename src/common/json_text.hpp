// JSON text for people and clients: like boost::json::serialize, except that numbers stored as
// doubles print the way other JSON producers print them (19.99, 54.0, 0.5) rather than in
// boost::json's exponent form (1.999E1, 5.4E1, 5E-1). The values and their types are unchanged:
// a double always prints with a '.' or an exponent, so it reads back as a float.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

namespace ea {

std::string ToJsonText(const boost::json::value& value);
std::string ToJsonText(const boost::json::object& object);

// Appends `text` as a JSON string literal, quoted and escaped byte for byte as
// boost::json::serialize escapes it, without a temporary string: for hot paths (responses, the
// access log line) that write JSON text directly.
void AppendJsonString(std::string_view text, std::string& out);
// Appends `texts` as a JSON array of string literals, as boost::json::serialize writes it.
void AppendJsonStrings(const std::vector<std::string>& texts, std::string& out);
// Appends a double as ToJsonText prints it.
void AppendJsonNumber(double number, std::string& out);

}  // namespace ea
