// Result<T> holds either a T or an ea::Error: the shape of absl::StatusOr and std::expected.
// Expected failures are values; exceptions never cross a layer boundary.
#pragma once

#include <boost/system/result.hpp>

#include "common/error.hpp"

namespace ea {

template <class T>
using Result = boost::system::result<T, Error>;

using Status = boost::system::result<void, Error>;

inline Status Ok() { return {}; }

}  // namespace ea
