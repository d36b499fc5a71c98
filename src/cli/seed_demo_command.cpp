// `events-api seed-demo [--scale N]`: loads deterministic demo data for all eight entities. It is a
// bulk importer: each record passes the same validator as the API, then goes to the store in large
// all-or-nothing batches. Running it again on a seeded database changes nothing.
#include <chrono>
#include <functional>
#include <iostream>

#include <boost/json.hpp>

#include "app/core.hpp"
#include "auth/password.hpp"
#include "cli/command.hpp"
#include "cli/demo_data.hpp"
#include "validate/validator.hpp"

namespace ea::cli {
namespace {

constexpr std::int64_t kBatchSize = 10'000;

// Validates and writes `count` records made by `make`, kBatchSize per transaction.
template <class Make>
Status Load(store::DocumentStore& store, const schema::Entity& entity, std::int64_t count,
            Make make) {
    std::vector<store::DocumentStore::BatchItem> batch;
    batch.reserve(static_cast<std::size_t>(std::min(count, kBatchSize)));
    for (std::int64_t i = 0; i < count; ++i) {
        Record record = make(i);
        auto valid = validate::Validate(entity, record, validate::Mode::kCreate);
        if (!valid) {
            auto error = valid.error();
            error.message = entity.name() + " #" + std::to_string(i) + ": " + error.message;
            return error;
        }
        for (const char* key : {"id", "createdAt", "updatedAt"}) {
            (*valid)[key] = record[key];
        }
        batch.push_back({&entity, *std::move(valid), false});
        if (static_cast<std::int64_t>(batch.size()) == kBatchSize || i + 1 == count) {
            auto written = store.Batch(std::move(batch));
            if (!written) {
                auto error = written.error();
                error.message = entity.name() + ": " + error.message;
                return error;
            }
            batch.clear();
        }
    }
    return Ok();
}

Result<const schema::Entity*> Need(const schema::Schema& schema, const char* name) {
    const auto* entity = schema.FindEntity(name);
    if (entity == nullptr) {
        return InvalidArgument(
            std::string("seed-demo needs the default Events schema; it has no ") + name +
            " entity");
    }
    return entity;
}

int Seed(const app::Config& config, app::Core& core, std::int64_t scale) {
    const auto& schema = *core.schema;
    auto& store = *core.store;
    const schema::Entity* entities[8];
    const char* names[8] = {"Account", "User",      "Profile", "TagAffinity",
                            "Event",   "UserEvent", "Url",     "Crawl"};
    for (int i = 0; i < 8; ++i) {
        auto entity = Need(schema, names[i]);
        if (!entity) {
            PrintError(entity.error());
            return 1;
        }
        entities[i] = *entity;
    }
    if (store.Get(*entities[0], kDemoMarkerAccount)) {
        std::cout << "demo data already present in " << RedactedUrl(config.db)
                  << "; nothing to do\n";
        return 0;
    }

    const auto started = std::chrono::steady_clock::now();
    auto hash = auth::HashPassword(kDemoPassword);
    if (!hash) {
        PrintError(hash.error());
        return 1;
    }
    DemoData data(scale);
    const auto& n = data.counts();
    const auto password_hash = *hash;
    // In reference order, so every foreign key points at a record already written.
    const std::function<Status()> steps[] = {
        [&] {
            return Load(store, *entities[0], n.accounts, [&](auto i) { return data.Account(i); });
        },
        [&] {
            return Load(store, *entities[1], n.users,
                        [&](auto i) { return data.User(i, password_hash); });
        },
        [&] {
            return Load(store, *entities[2], n.profiles, [&](auto i) { return data.Profile(i); });
        },
        [&] {
            return Load(store, *entities[3], n.tag_affinities,
                        [&](auto i) { return data.TagAffinity(i); });
        },
        [&] { return Load(store, *entities[4], n.events, [&](auto i) { return data.Event(i); }); },
        [&] {
            return Load(store, *entities[5], n.user_events,
                        [&](auto i) { return data.UserEvent(i); });
        },
        [&] { return Load(store, *entities[6], n.urls, [&](auto i) { return data.Url(i); }); },
        [&] { return Load(store, *entities[7], n.crawls, [&](auto i) { return data.Crawl(i); }); },
    };
    // Bulk mode: the store defers its search and secondary indexes to one rebuild at the end.
    if (auto began = store.BeginBulkLoad(); !began) {
        PrintError(began.error());
        return 1;
    }
    for (const auto& step : steps) {
        if (auto loaded = step(); !loaded) {
            PrintError(loaded.error());
            (void)store.EndBulkLoad();  // the rows written so far stay consistent and indexed
            return 1;
        }
    }
    if (auto ended = store.EndBulkLoad(); !ended) {
        PrintError(ended.error());
        return 1;
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    std::cout << "seeded " << RedactedUrl(config.db) << " in " << seconds.count()
              << " s: " << n.accounts << " accounts, " << n.users << " users, " << n.profiles
              << " profiles, " << n.tag_affinities << " tag affinities, " << n.events << " events, "
              << n.user_events << " user events, " << n.urls << " urls, " << n.crawls << " crawls\n"
              << "demo users log in with password '" << kDemoPassword << "' (e.g. "
              << data.User(0, "")["username"].as_string().c_str() << ")\n";
    return 0;
}

}  // namespace

Command AddSeedDemoCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* seed = root.add_subcommand("seed-demo", "load deterministic demo data (all 8 entities)");
    auto scale = std::make_shared<std::int64_t>(1);
    seed->add_option("--scale", *scale, "multiplier; 1 = 1,000 events, 1000 = 1,000,000 events")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000}));
    return Command{seed, [&flags, scale]() {
                       return WithOpened(flags, app::OpenCore,
                                         [&](const app::Config& config, app::Core& core) {
                                             return Seed(config, core, *scale);
                                         });
                   }};
}

}  // namespace ea::cli
