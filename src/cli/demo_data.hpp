// Deterministic, realistic demo data for the default Events schema: the same scale always gives the
// same records (ids, names, dates), so demos, docs and benchmarks can rely on them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/record.hpp"

namespace ea::cli {

// How many records of each entity one unit of --scale makes. Events grow 1,000 per unit, so
// --scale 1000 gives 1,000,000 Events.
struct DemoCounts {
    std::int64_t accounts, users, profiles, tag_affinities, events, user_events, urls, crawls;
    static DemoCounts ForScale(std::int64_t scale);
};

// The demo password of every demo user; printed by seed-demo, documented in the README.
inline constexpr const char* kDemoPassword = "demo-password";
// The id of the first demo account: its presence means the demo data is already loaded.
inline constexpr const char* kDemoMarkerAccount = "acc_demo_0";

class DemoData {
public:
    explicit DemoData(std::int64_t scale);

    const DemoCounts& counts() const { return counts_; }

    // Record `index` of an entity, in canonical form with id, createdAt and updatedAt set.
    // `password_hash` fills every User's password (one hash for all demo users: hashing each is
    // the slowest part of seeding and buys nothing for demo data).
    Record Account(std::int64_t index) const;
    Record User(std::int64_t index, const std::string& password_hash) const;
    Record Profile(std::int64_t index) const;
    Record TagAffinity(std::int64_t index) const;
    Record Event(std::int64_t index) const;
    Record UserEvent(std::int64_t index) const;
    Record Url(std::int64_t index) const;
    Record Crawl(std::int64_t index) const;

private:
    DemoCounts counts_;
};

}  // namespace ea::cli
