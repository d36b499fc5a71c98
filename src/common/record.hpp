// A record is a JSON object keyed by field name: the unit every layer passes around.
#pragma once

#include <boost/json/fwd.hpp>

namespace ea {
using Record = boost::json::object;
}  // namespace ea
