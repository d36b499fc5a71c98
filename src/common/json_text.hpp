// JSON text for people and clients: like boost::json::serialize, except that numbers stored as
// doubles print the way other JSON producers print them (19.99, 54.0, 0.5) rather than in
// boost::json's exponent form (1.999E1, 5.4E1, 5E-1). The values and their types are unchanged:
// a double always prints with a '.' or an exponent, so it reads back as a float.
#pragma once

#include <boost/json/fwd.hpp>

#include <string>

namespace ea {

std::string ToJsonText(const boost::json::value& value);
std::string ToJsonText(const boost::json::object& object);

}  // namespace ea
