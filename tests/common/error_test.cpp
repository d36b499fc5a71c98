// The error vocabulary: names of codes and the helpers' codes.
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "common/result.hpp"

namespace ea {
namespace {

TEST(ErrorTest, EveryCodeHasAStableName) {
    EXPECT_EQ(ToString(ErrorCode::kInvalidArgument), "invalid_argument");
    EXPECT_EQ(ToString(ErrorCode::kValidationFailed), "validation_failed");
    EXPECT_EQ(ToString(ErrorCode::kNotFound), "not_found");
    EXPECT_EQ(ToString(ErrorCode::kConflict), "conflict");
    EXPECT_EQ(ToString(ErrorCode::kInternal), "internal");
}

TEST(ErrorTest, HelpersSetTheirCodes) {
    EXPECT_EQ(InvalidArgument("x").code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(NotFound("x").code, ErrorCode::kNotFound);
    EXPECT_EQ(Conflict("x", {{"name", "taken"}}).fields.size(), 1u);
    EXPECT_EQ(Internal("x").code, ErrorCode::kInternal);
    EXPECT_EQ(Unavailable("x").code, ErrorCode::kUnavailable);
}

TEST(ErrorTest, ValueOnAnErrorResultThrowsWithTheMessage) {
    Result<int> r = InvalidArgument("page must be >= 1");
    ASSERT_FALSE(r.has_value());
    EXPECT_THROW((void)r.value(), std::runtime_error);
    Status ok = Ok();
    EXPECT_TRUE(ok.has_value());
}

}  // namespace
}  // namespace ea
