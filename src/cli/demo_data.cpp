#include "cli/demo_data.hpp"

#include <array>
#include <cstdio>

#include <boost/json.hpp>

#include "common/ids.hpp"

namespace ea::cli {
namespace {

// 2025-01-01T00:00:00Z: every demo timestamp is an offset from here.
constexpr std::int64_t kEpochMs = 1735689600000;
constexpr std::int64_t kDayMs = 86'400'000;

// SplitMix64: a tiny, well-mixed PRNG; seeding it with (entity, index) makes record i independent
// of how many records came before it.
std::uint64_t Mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

class Rng {
public:
    Rng(std::uint64_t salt, std::int64_t index)
        : state_(Mix(salt * 0x100000001B3ULL + static_cast<std::uint64_t>(index))) {}
    std::uint64_t Next() { return state_ = Mix(state_); }
    std::int64_t Below(std::int64_t n) {
        return static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(n));
    }
    template <class T, std::size_t N>
    const T& Pick(const std::array<T, N>& items) {
        return items[static_cast<std::size_t>(Below(static_cast<std::int64_t>(N)))];
    }

private:
    std::uint64_t state_;
};

constexpr std::array<const char*, 24> kFirstNames = {
    "Olivia", "Liam",  "Emma",   "Noah",  "Amelia", "Oliver", "Sophia", "Elijah",
    "Mia",    "James", "Ava",    "Lucas", "Isabel", "Mateo",  "Chloe",  "Hiroshi",
    "Priya",  "Arjun", "Fatima", "Omar",  "Ingrid", "Lars",   "Zoe",    "Diego"};
constexpr std::array<const char*, 20> kLastNames = {
    "Smith",  "Johnson", "Garcia",   "Miller", "Davis", "Martinez", "Lopez",
    "Wilson", "Nguyen",  "Tanaka",   "Patel",  "Kumar", "Hassan",   "Berg",
    "Rossi",  "Moreau",  "Kowalski", "Okafor", "Silva", "Novak"};
constexpr std::array<const char*, 16> kCities = {
    "Austin, TX",    "Portland, OR", "Chicago, IL",  "Denver, CO",  "Seattle, WA", "Boston, MA",
    "Nashville, TN", "Atlanta, GA",  "Brooklyn, NY", "Oakland, CA", "Madison, WI", "Tucson, AZ",
    "Raleigh, NC",   "Omaha, NE",    "Boise, ID",    "Richmond, VA"};
// Event titles: "<adjective> <thing>[ with <host>] in <city>". Real titles are diverse, and the
// search benchmarks measure cost by how many rows a word matches, so no common word should be in
// more than a few percent of titles: 40 adjectives, 64 things (a word like "jazz" is in ~1.6%),
// and for two events in three a host from 48 x 48 generated names.
constexpr std::array<const char*, 40> kAdjectives = {
    "Sunset",    "Midnight",  "Acoustic",  "Vintage",     "Open-Air",     "Candlelit", "Electric",
    "Riverside", "Downtown",  "Rooftop",   "Community",   "Late-Night",   "Family",    "Indie",
    "Classical", "Summer",    "Winter",    "Harvest",     "Neighborhood", "Garden",    "Spring",
    "Autumn",    "Moonlit",   "Lakeside",  "Uptown",      "Backyard",     "Grand",     "Pop-Up",
    "Annual",    "Monthly",   "Weekend",   "Twilight",    "Historic",     "Seaside",   "Mountain",
    "Urban",     "Cozy",      "Festive",   "Unplugged",   "Underground"};
constexpr std::array<const char*, 64> kThings = {
    "Jazz Night",       "Food Truck Rally",   "Book Fair",           "Farmers Market",
    "Film Screening",   "Poetry Slam",        "Yoga Session",        "Craft Beer Tasting",
    "Art Walk",         "Comedy Show",        "Hackathon",           "Chess Tournament",
    "Salsa Class",      "Trivia Night",       "Wine Tasting",        "Photography Meetup",
    "Startup Pitch Night", "Charity Run",     "Pottery Workshop",    "Blues Jam",
    "Choir Concert",    "Chamber Recital",     "Open Mic",            "Flea Market",
    "Bike Tour",        "Cooking Class",      "Science Fair",        "Robotics Demo",
    "Dance Party",      "Tango Lesson",       "Improv Theater",      "Stand-Up Showcase",
    "Ceramics Sale",    "Quilting Circle",    "Board Game Social",   "Karaoke Contest",
    "Silent Disco",     "Drag Brunch",        "Orchestra Rehearsal", "Opera Preview",
    "Ballet Recital",   "Street Festival",    "Lantern Parade",      "Kite Festival",
    "Birdwatching Walk", "Stargazing Party",  "Coding Bootcamp",     "Design Sprint",
    "Career Fair",      "Networking Mixer",   "Book Club",           "Writing Workshop",
    "Sketching Session", "Mural Unveiling",   "Gallery Opening",     "Vinyl Swap",
    "Coffee Cupping",   "Cheese Tasting",     "Chili Cook-Off",      "Dumpling Workshop",
    "Marathon Training", "Climbing Meetup",   "Paddleboard Outing",  "Folk Revival"};
constexpr std::array<const char*, 48> kHostFirst = {
    "Velvet", "Copper", "Silver", "Crimson", "Golden", "Hollow", "Paper", "Neon",
    "Wild",   "Quiet",  "Rusty",  "Lucky",   "Blue",   "Amber",  "Iron",  "Glass",
    "Brass",  "Cedar",  "Maple",  "Willow",  "Stone",  "Saffron", "Indigo", "Scarlet",
    "Marble", "Cobalt", "Ivory",  "Jade",    "Onyx",   "Pepper", "Honey", "Thunder",
    "Lunar",  "Solar",  "Prairie", "Harbor", "Meadow", "Canyon", "Delta", "Aurora",
    "Cosmic", "Tidal",  "Wander", "Kindred", "Northern", "Southern", "Electric", "Sleepy"};
constexpr std::array<const char*, 48> kHostSecond = {
    "Owls",     "Foxes",    "Lanterns", "Pilots",   "Sparrows", "Collective", "Society", "Club",
    "Players",  "Ramblers", "Strings",  "Horns",    "Drifters", "Dreamers",   "Makers",  "Guild",
    "Ensemble", "Trio",     "Harmonics", "Orchestra", "Crew",    "Kitchen",    "Studio",  "Workshop",
    "Brigade",  "Union",    "Circle",   "Alliance", "Choir",    "Band",       "Sisters", "Brothers",
    "Rovers",   "Wolves",   "Herons",   "Magpies",  "Comets",   "Echoes",     "Rivers",  "Pines",
    "Saints",   "Scholars", "Poets",    "Painters", "Bakers",   "Brewers",    "Cyclists", "Dancers"};
constexpr std::array<const char*, 16> kTags = {
    "music", "food",     "outdoors", "family",    "art",  "tech",  "sports", "nightlife",
    "free",  "learning", "wellness", "community", "film", "books", "dance",  "comedy"};
constexpr std::array<const char*, 3> kGenders = {"male", "female", "other"};
constexpr std::array<const char*, 4> kRecurrence = {"daily", "weekly", "monthly", "yearly"};
constexpr std::array<const char*, 8> kSites = {"https://www.eventbrite.com/d/",
                                               "https://www.meetup.com/find/",
                                               "https://allevents.in/",
                                               "https://www.songkick.com/metro-areas/",
                                               "https://do512.com/events/",
                                               "https://www.visitdenver.com/events/",
                                               "https://chicago.suntimes.com/events/",
                                               "https://www.timeout.com/newyork/things-to-do/"};

enum Salt : std::uint64_t {
    kSaltUser = 1,
    kSaltProfile,
    kSaltTag,
    kSaltEvent,
    kSaltUserEvent,
    kSaltUrl,
    kSaltCrawl,
    kSaltAccount
};

std::string Id(const char* prefix, std::int64_t index) {
    return std::string(prefix) + std::to_string(index);
}

std::string Timestamp(std::int64_t ms) {
    const std::int64_t days = ms / kDayMs;
    const std::int64_t rest = ms % kDayMs;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char out[64];  // 24 needed; room for any int64 so -Wformat-truncation can prove it fits
    std::snprintf(out, sizeof out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                  static_cast<long long>(rest / 3600000), static_cast<long long>(rest / 60000 % 60),
                  static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
    return out;
}

Record Stamped(std::string id, std::int64_t created_ms) {
    Record record;
    record["id"] = std::move(id);
    const auto stamp = Timestamp(created_ms);
    record["createdAt"] = stamp;
    record["updatedAt"] = stamp;
    return record;
}

}  // namespace

DemoCounts DemoCounts::ForScale(std::int64_t scale) {
    return DemoCounts{
        .accounts = 5 * scale,
        .users = 20 * scale,
        .profiles = 20 * scale,
        .tag_affinities = 60 * scale,
        .events = 1000 * scale,
        .user_events = 100 * scale,
        .urls = 20 * scale,
        .crawls = 40 * scale,
    };
}

DemoData::DemoData(std::int64_t scale) : counts_(DemoCounts::ForScale(scale)) {}

Record DemoData::Account(std::int64_t index) const {
    Rng rng(kSaltAccount, index);
    auto record = Stamped(Id("acc_demo_", index), kEpochMs + index * 60'000);
    record["expiredAt"] = Timestamp(kEpochMs + (365 + rng.Below(730)) * kDayMs).substr(0, 10);
    return record;
}

Record DemoData::User(std::int64_t index, const std::string& password_hash) const {
    Rng rng(kSaltUser, index);
    const std::string first = rng.Pick(kFirstNames);
    const std::string last = rng.Pick(kLastNames);
    std::string handle = first + "." + last + std::to_string(index);
    for (auto& c : handle) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto record = Stamped(Id("usr_demo_", index), kEpochMs + index * 1000);
    record["username"] = handle;
    record["email"] = handle + "@example.com";
    record["password"] = password_hash;
    record["firstName"] = first;
    record["lastName"] = last;
    record["gender"] = rng.Pick(kGenders);
    record["dob"] = Timestamp(kEpochMs - (6570 + rng.Below(18250)) * kDayMs).substr(0, 10);
    record["isAccountOwner"] = index < counts_.accounts;
    record["netWorth"] = static_cast<double>(rng.Below(200'000'000)) / 100.0;
    // Never "admin": demo users share a published password, and an administrator must not.
    record["role"] = "read";
    record["accountId"] = Id("acc_demo_", index % counts_.accounts);
    return record;
}

Record DemoData::Profile(std::int64_t index) const {
    Rng rng(kSaltProfile, index);
    auto record = Stamped(Id("prf_demo_", index), kEpochMs + index * 1000 + 500);
    const std::string city = rng.Pick(kCities);
    record["name"] = city.substr(0, city.find(',')) + " weekends";
    record["preferences"] =
        boost::json::object{{"newsletter", rng.Below(2) == 0}, {"maxCost", rng.Below(200)}};
    record["radiusMiles"] = 5 + rng.Below(95);
    record["userId"] = Id("usr_demo_", index % counts_.users);
    return record;
}

Record DemoData::TagAffinity(std::int64_t index) const {
    Rng rng(kSaltTag, index);
    auto record = Stamped(Id("tag_demo_", index), kEpochMs + index * 1000 + 700);
    // Three tags per profile, distinct by construction: unique (profileId, tag) holds.
    const std::int64_t profile = index / 3;
    const std::int64_t start =
        static_cast<std::int64_t>(Mix(static_cast<std::uint64_t>(profile)) % kTags.size());
    record["tag"] = kTags[static_cast<std::size_t>((start + index % 3 * 5) % 16)];
    record["affinity"] = rng.Below(201) - 100;
    record["profileId"] = Id("prf_demo_", profile % counts_.profiles);
    return record;
}

Record DemoData::Event(std::int64_t index) const {
    Rng rng(kSaltEvent, index);
    auto record = Stamped(Id("evt_demo_", index), kEpochMs + index * 37);
    const std::string city = rng.Pick(kCities);
    std::string title = std::string(rng.Pick(kAdjectives)) + " " + rng.Pick(kThings);
    if (rng.Below(3) != 0) {
        title += std::string(" with the ") + rng.Pick(kHostFirst) + " " + rng.Pick(kHostSecond);
    }
    record["title"] = title + " in " + city.substr(0, city.find(','));
    record["url"] = std::string(rng.Pick(kSites)) + "e" + std::to_string(index);
    record["dateTime"] = Timestamp(kEpochMs + rng.Below(3 * 365) * kDayMs +
                                   (10 + rng.Below(12)) * 3'600'000 + rng.Below(4) * 900'000);
    record["location"] = city;
    record["cost"] = rng.Below(4) == 0 ? 0.0 : static_cast<double>(5 + rng.Below(120));
    record["numOfExpectedAttendees"] = 10 + rng.Below(990);
    if (rng.Below(5) == 0) {
        record["recurrence"] = rng.Pick(kRecurrence);
    }
    boost::json::array tags;
    const auto first = rng.Below(16);
    tags.emplace_back(kTags[static_cast<std::size_t>(first)]);
    if (rng.Below(2) == 0) {
        tags.emplace_back(kTags[static_cast<std::size_t>((first + 1 + rng.Below(15)) % 16)]);
    }
    record["tags"] = std::move(tags);
    return record;
}

Record DemoData::UserEvent(std::int64_t index) const {
    Rng rng(kSaltUserEvent, index);
    auto record = Stamped(Id("uev_demo_", index), kEpochMs + index * 1000 + 900);
    record["attended"] = rng.Below(3) != 0;
    record["rating"] = 1 + rng.Below(5);
    if (rng.Below(3) == 0) {
        record["note"] = "Would go again with friends.";
    }
    record["userId"] = Id("usr_demo_", index % counts_.users);
    record["eventId"] = Id("evt_demo_", rng.Below(counts_.events));
    return record;
}

Record DemoData::Url(std::int64_t index) const {
    Rng rng(kSaltUrl, index);
    auto record = Stamped(Id("url_demo_", index), kEpochMs + index * 1000 + 300);
    record["url"] = std::string(kSites[static_cast<std::size_t>(index % kSites.size())]) + "page/" +
                    std::to_string(index);
    record["params"] = boost::json::object{{"page", 1 + rng.Below(10)}, {"sort", "date"}};
    return record;
}

Record DemoData::Crawl(std::int64_t index) const {
    Rng rng(kSaltCrawl, index);
    auto record = Stamped(Id("crl_demo_", index), kEpochMs + index * 1000 + 400);
    record["lastParsedDate"] = Timestamp(kEpochMs + rng.Below(365) * kDayMs).substr(0, 10);
    const bool failed = rng.Below(6) == 0;
    record["parseStatus"] = boost::json::object{{"ok", !failed}, {"events", rng.Below(80)}};
    boost::json::array errors;
    if (failed) {
        errors.emplace_back("HTTP 503 from origin");
    }
    record["errorsEncountered"] = std::move(errors);
    record["urlId"] = Id("url_demo_", index % counts_.urls);
    return record;
}

}  // namespace ea::cli
