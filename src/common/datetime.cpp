#include "common/datetime.hpp"

#include <cstdint>
#include <cstdio>

namespace ea {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// A small cursor over the input: every accessor checks bounds, so no parse step can read past the
// end of `text` whatever it contains.
class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool AtEnd() const { return pos_ == text_.size(); }
    char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
    bool Consume(char c) {
        if (AtEnd() || text_[pos_] != c)
            return false;
        ++pos_;
        return true;
    }
    // Exactly `count` ASCII digits as a number.
    std::optional<int> Digits(int count) {
        if (text_.size() - pos_ < static_cast<std::size_t>(count))
            return std::nullopt;
        int value = 0;
        for (int i = 0; i < count; ++i) {
            const char c = text_[pos_ + static_cast<std::size_t>(i)];
            if (c < '0' || c > '9')
                return std::nullopt;
            value = value * 10 + (c - '0');
        }
        pos_ += static_cast<std::size_t>(count);
        return value;
    }
    // One or more digits; keeps the first three as milliseconds (truncation, never rounding, so a
    // value never moves into the next second) and skips the rest.
    std::optional<int> FractionMillis() {
        int millis = 0;
        int seen = 0;
        while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            if (seen < 3)
                millis = millis * 10 + (text_[pos_] - '0');
            ++seen;
            ++pos_;
        }
        if (seen == 0)
            return std::nullopt;
        for (int i = seen; i < 3; ++i)
            millis *= 10;
        return millis;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;

// "YYYY-MM-DD" at the cursor, checked against the real calendar.
std::optional<year_month_day> ParseDatePart(Cursor& in) {
    const auto year = in.Digits(4);
    if (!year || !in.Consume('-'))
        return std::nullopt;
    const auto month = in.Digits(2);
    if (!month || !in.Consume('-'))
        return std::nullopt;
    const auto day = in.Digits(2);
    if (!day)
        return std::nullopt;
    if (*year < kMinYear || *year > kMaxYear)
        return std::nullopt;
    const year_month_day ymd{std::chrono::year{*year},
                             std::chrono::month{static_cast<unsigned>(*month)},
                             std::chrono::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok())
        return std::nullopt;
    return ymd;
}

std::string FormatDate(const year_month_day& ymd) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

// Formats a millisecond count since the epoch; nullopt when the year leaves 0001-9999 (which an
// offset can cause at either end of the range).
std::optional<std::string> FormatMillis(milliseconds since_epoch) {
    const auto day_start = std::chrono::floor<days>(since_epoch);
    const year_month_day ymd{sys_days{day_start}};
    const int year = static_cast<int>(ymd.year());
    if (year < kMinYear || year > kMaxYear)
        return std::nullopt;
    const auto in_day = since_epoch - day_start;
    const auto total_ms = in_day.count();
    const auto hours = total_ms / 3'600'000;
    const auto minutes = total_ms / 60'000 % 60;
    const auto seconds = total_ms / 1000 % 60;
    const auto millis = total_ms % 1000;
    // Fixed-width digits written in place (snprintf was most of the cost of a call, which every
    // audit event makes twice): YYYY-MM-DDTHH:MM:SS.mmmZ, each part already in its range.
    char buffer[] = "0000-00-00T00:00:00.000Z";
    const auto put = [&buffer](std::size_t at, long long value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10) {
            buffer[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        }
    };
    put(0, year, 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, hours, 2);
    put(14, minutes, 2);
    put(17, seconds, 2);
    put(20, millis, 3);
    return std::string(buffer, sizeof buffer - 1);
}

}  // namespace

std::optional<std::string> CanonicalDate(std::string_view text) {
    Cursor in(text);
    const auto ymd = ParseDatePart(in);
    if (!ymd || !in.AtEnd())
        return std::nullopt;
    return FormatDate(*ymd);
}

namespace {

// The instant `text` names (see CanonicalDatetime), in milliseconds since the epoch.
std::optional<milliseconds> ParseMillis(std::string_view text) {
    Cursor in(text);
    const auto ymd = ParseDatePart(in);
    if (!ymd)
        return std::nullopt;
    milliseconds local = sys_days{*ymd}.time_since_epoch();
    if (in.AtEnd())
        return local;

    if (!in.Consume('T') && !in.Consume('t') && !in.Consume(' '))
        return std::nullopt;
    const auto hour = in.Digits(2);
    if (!hour || *hour > 23 || !in.Consume(':'))
        return std::nullopt;
    const auto minute = in.Digits(2);
    if (!minute || *minute > 59)
        return std::nullopt;
    int second = 0;
    int millis = 0;
    if (in.Consume(':')) {
        const auto parsed = in.Digits(2);
        if (!parsed || *parsed > 59)
            return std::nullopt;
        second = *parsed;
        if (in.Consume('.')) {
            const auto fraction = in.FractionMillis();
            if (!fraction)
                return std::nullopt;
            millis = *fraction;
        }
    }
    local += std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
             std::chrono::seconds{second} + milliseconds{millis};

    // The offset: "Z", "+HH:MM", "-HH:MM", or nothing (already UTC).
    milliseconds offset{0};
    if (in.Consume('Z') || in.Consume('z')) {
    } else if (in.Peek() == '+' || in.Peek() == '-') {
        const bool negative = in.Peek() == '-';
        in.Consume(in.Peek());
        const auto offset_hours = in.Digits(2);
        if (!offset_hours || *offset_hours > 23 || !in.Consume(':'))
            return std::nullopt;
        const auto offset_minutes = in.Digits(2);
        if (!offset_minutes || *offset_minutes > 59)
            return std::nullopt;
        offset = std::chrono::hours{*offset_hours} + std::chrono::minutes{*offset_minutes};
        if (negative)
            offset = -offset;
    }
    if (!in.AtEnd())
        return std::nullopt;
    // Local time = UTC + offset, so UTC = local - offset.
    return local - offset;
}

}  // namespace

std::optional<std::string> CanonicalDatetime(std::string_view text) {
    const auto millis = ParseMillis(text);
    if (!millis)
        return std::nullopt;
    return FormatMillis(*millis);
}

std::optional<std::chrono::system_clock::time_point> ParseDatetime(std::string_view text) {
    const auto millis = ParseMillis(text);
    if (!millis || !FormatMillis(*millis))
        return std::nullopt;
    return std::chrono::system_clock::time_point(*millis);
}

std::string FormatDatetime(std::chrono::system_clock::time_point time) {
    const auto since_epoch = std::chrono::floor<milliseconds>(time.time_since_epoch());
    // A real clock never leaves 0001-9999; if a test clock does, say so rather than crash.
    return FormatMillis(since_epoch).value_or("out-of-range datetime");
}

}  // namespace ea
