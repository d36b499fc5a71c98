// Canonical dates and datetimes: a table of accepted inputs with their one canonical form, and a
// table of inputs that must be refused.
#include "common/datetime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace ea {
namespace {

struct Good {
    std::string input;
    std::string canonical;
};

class CanonicalDateGoodTest : public ::testing::TestWithParam<Good> {};

TEST_P(CanonicalDateGoodTest, AcceptsRealCalendarDates) {
    const auto out = CanonicalDate(GetParam().input);
    ASSERT_TRUE(out.has_value()) << GetParam().input;
    EXPECT_EQ(*out, GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(Table, CanonicalDateGoodTest,
                         ::testing::Values(Good{"2025-01-31", "2025-01-31"},
                                           Good{"2024-02-29", "2024-02-29"},  // leap year
                                           Good{"2000-02-29", "2000-02-29"},  // 400-year rule
                                           Good{"0001-01-01", "0001-01-01"},
                                           Good{"9999-12-31", "9999-12-31"},
                                           Good{"1970-01-01", "1970-01-01"},
                                           Good{"2025-04-30", "2025-04-30"},
                                           Good{"2025-12-31", "2025-12-31"}));

class CanonicalDateBadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CanonicalDateBadTest, RejectsAnythingElse) {
    EXPECT_FALSE(CanonicalDate(GetParam()).has_value()) << "accepted: " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalDateBadTest,
    ::testing::Values("", "2025", "2025-01", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01",
                      "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "2025-02-29",
                      "1900-02-29",  // divisible by 100, not by 400
                      "2025-04-31", "0000-01-01", "10000-01-01", "2025-01-01T00:00:00Z",
                      "2025-01-01 ", " 2025-01-01", "2025-01-01x", "2025-01-01\n", "２０２５-01-01",
                      "-2025-01-01", "+2025-01-01", "2025-0a-01", std::string("2025-01-01\0", 11),
                      "2025-01-01; DROP TABLE events"));

class CanonicalDatetimeGoodTest : public ::testing::TestWithParam<Good> {};

TEST_P(CanonicalDatetimeGoodTest, ConvertsToUtcMilliseconds) {
    const auto out = CanonicalDatetime(GetParam().input);
    ASSERT_TRUE(out.has_value()) << GetParam().input;
    EXPECT_EQ(*out, GetParam().canonical) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalDatetimeGoodTest,
    ::testing::Values(
        Good{"2025-01-01", "2025-01-01T00:00:00.000Z"},  // a date is its midnight UTC
        Good{"2025-01-01T10:00", "2025-01-01T10:00:00.000Z"},
        Good{"2025-01-01T10:00:05", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01T10:00:05Z", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01t10:00:05z", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01 10:00:05", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01T10:00:05.1Z", "2025-01-01T10:00:05.100Z"},
        Good{"2025-01-01T10:00:05.12Z", "2025-01-01T10:00:05.120Z"},
        Good{"2025-01-01T10:00:05.123Z", "2025-01-01T10:00:05.123Z"},
        Good{"2025-01-01T10:00:05.123999999Z", "2025-01-01T10:00:05.123Z"},  // truncated
        Good{"2025-01-01T10:00:05.999999Z", "2025-01-01T10:00:05.999Z"},    // never rounds up
        Good{"2025-01-01T10:00:05+02:00", "2025-01-01T08:00:05.000Z"},
        Good{"2025-01-01T10:00:05-05:30", "2025-01-01T15:30:05.000Z"},
        Good{"2025-01-01T01:00:00+02:00", "2024-12-31T23:00:00.000Z"},  // crosses a year
        Good{"2024-02-28T23:30:00-01:00", "2024-02-29T00:30:00.000Z"},  // into a leap day
        Good{"2025-02-28T23:30:00-01:00", "2025-03-01T00:30:00.000Z"},
        Good{"2025-01-01T10:00:05+00:00", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01T10:00:05-00:00", "2025-01-01T10:00:05.000Z"},
        Good{"2025-01-01T23:59:59.999Z", "2025-01-01T23:59:59.999Z"},
        Good{"2025-06-15T12:00:00+23:59", "2025-06-14T12:01:00.000Z"},
        Good{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"},
        Good{"9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"},
        Good{"1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.500Z"},  // before the epoch
        Good{"1600-02-29T12:00:00Z", "1600-02-29T12:00:00.000Z"},
        Good{"2025-01-01T10:00Z", "2025-01-01T10:00:00.000Z"},
        Good{"2025-01-01T10:00+01:00", "2025-01-01T09:00:00.000Z"}));

class CanonicalDatetimeBadTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CanonicalDatetimeBadTest, RejectsAnythingElse) {
    EXPECT_FALSE(CanonicalDatetime(GetParam()).has_value()) << "accepted: " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalDatetimeBadTest,
    ::testing::Values(
        "", "T10:00:00Z", "2025-02-30T10:00:00Z", "2023-02-29", "2025-01-01T", "2025-01-01T10",
        "2025-01-01T24:00:00Z", "2025-01-01T23:60:00Z", "2025-01-01T23:59:60Z",  // no leap seconds
        "2025-01-01T1:00:00Z", "2025-01-01T10:0:00Z", "2025-01-01T10:00:0Z", "2025-01-01T10:00:00.Z",
        "2025-01-01T10:00:00.", "2025-01-01T10:00:00Zjunk", "2025-01-01T10:00:00+0200",
        "2025-01-01T10:00:00+02", "2025-01-01T10:00:00+24:00", "2025-01-01T10:00:00+02:60",
        "2025-01-01T10:00:00 +02:00", "2025-01-01T10:00:00ZZ", "2025-01-01X10:00:00Z",
        "2025-01-01T10:00:00,123Z", "2025-01-01T10:00:00.12a", "2025-01-01T-1:00:00Z",
        "0000-12-31T23:00:00Z", "10000-01-01T00:00:00Z",
        "0001-01-01T00:30:00+01:00",  // converts to year 0
        "9999-12-31T23:30:00-01:00",  // converts to year 10000
        "2025-01-01T10:00:00Z\n", " 2025-01-01T10:00:00Z", "now", "1735725600",
        "2025-01-01T10:00:00Z' OR '1'='1"));

TEST(FormatDatetimeTest, FormatsEpochAndMilliseconds) {
    using namespace std::chrono;
    EXPECT_EQ(FormatDatetime(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
    const auto t = sys_days{year{2025} / 3 / 9} + hours{7} + minutes{8} + seconds{9} +
                   milliseconds{42} + microseconds{999};
    EXPECT_EQ(FormatDatetime(time_point_cast<system_clock::duration>(t)),
              "2025-03-09T07:08:09.042Z");
}

TEST(FormatDatetimeTest, TruncatesBeforeTheEpochTowardsThePast) {
    using namespace std::chrono;
    const auto t = system_clock::time_point{} - microseconds{1500};
    EXPECT_EQ(FormatDatetime(t), "1969-12-31T23:59:59.998Z");
}

TEST(FormatDatetimeTest, RoundTripsThroughCanonicalDatetime) {
    const auto now = std::chrono::system_clock::now();
    const auto text = FormatDatetime(now);
    const auto again = CanonicalDatetime(text);
    ASSERT_TRUE(again.has_value()) << text;
    EXPECT_EQ(*again, text);
}

TEST(CanonicalDatetimeTest, CanonicalFormsSortAsTimes) {
    // The contract that makes string comparison on every backend correct.
    const auto a = CanonicalDatetime("2025-01-01T23:00:00-05:00");  // 2025-01-02T04:00Z
    const auto b = CanonicalDatetime("2025-01-02T03:00:00Z");
    ASSERT_TRUE(a && b);
    EXPECT_LT(*b, *a);
}

TEST(CanonicalDatetimeTest, HugeInputIsRejectedQuickly) {
    std::string huge = "2025-01-01T10:00:00." + std::string(1'000'000, '9') + "Z";
    const auto out = CanonicalDatetime(huge);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(*out, "2025-01-01T10:00:00.999Z");
    EXPECT_FALSE(CanonicalDatetime(std::string(1'000'000, '2')).has_value());
}

}  // namespace
}  // namespace ea
