// The schema's rbac policy (schema.yaml `rbac`, enforced by DocumentService) on every operation,
// for every role, both API channels and four entities that differ in what each role may do, on a
// real SQLite file. The expected answer of each case is written out below (from schema.yaml's
// rbac section and each entity's `operations`), not derived from the code. An allowed call must
// succeed and change what it says; a refused one must name the rule and change nothing.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

enum class Op { kList, kGet, kCreate, kReplace, kPatch, kDelete, kBatchCreate, kBatchPatch };

struct Role {
    const char* name;     // test name part
    const char* subject;  // how a denial names the caller
    Principal principal;
};

const Role kRoles[] = {
    {"admin", "admin role", Principal{"u1", "ada", "admin", "acc", true}},
    {"read", "read role", Principal{"u2", "rita", "read", "acc", true}},
    {"ai_agent", "ai_agent role", Principal{"u3", "claude", "ai_agent", "acc", true}},
    {"unknown", "superuser role", Principal{"u4", "eve", "superuser", "acc", true}},
    // Not authenticated: even the admin role name grants nothing.
    {"unauthenticated", "unauthenticated caller", Principal{"", "", "admin", "", false}},
};

const char* const kEntities[] = {"Event", "Profile", "User", "Crawl"};

bool IsRead(Op op) {
    return op == Op::kList || op == Op::kGet;
}
bool IsCreate(Op op) {
    return op == Op::kCreate || op == Op::kBatchCreate;
}
bool IsUpdate(Op op) {
    return op == Op::kReplace || op == Op::kPatch || op == Op::kBatchPatch;
}

// The entity's own `operations` (schema.yaml): User is rcu, Crawl rd, the others all four.
bool EntityAllows(std::string_view entity, Op op) {
    if (entity == "User") {
        return op != Op::kDelete;
    }
    if (entity == "Crawl") {
        return IsRead(op) || op == Op::kDelete;
    }
    return true;
}

// What the role is granted on the entity (schema.yaml `rbac`), spelled out.
bool RoleGrants(std::string_view role, std::string_view entity, Op op) {
    if (role == "admin") {
        return true;
    }
    if (role == "read") {
        return IsRead(op);
    }
    if (role == "ai_agent") {
        if (entity == "Event") {
            return IsRead(op);
        }
        if (entity == "User") {
            return IsRead(op) || IsCreate(op);
        }
        if (entity == "Profile") {
            return IsRead(op) || IsCreate(op) || IsUpdate(op);
        }
        return false;  // Crawl: no rule, nothing
    }
    return false;  // unknown and unauthenticated: nothing
}

const char* Verb(Op op) {
    return IsRead(op) ? "read" : IsCreate(op) ? "create" : IsUpdate(op) ? "update" : "delete";
}

const char* OpName(Op op) {
    switch (op) {
        case Op::kList:
            return "List";
        case Op::kGet:
            return "Get";
        case Op::kCreate:
            return "Create";
        case Op::kReplace:
            return "Replace";
        case Op::kPatch:
            return "Patch";
        case Op::kDelete:
            return "Delete";
        case Op::kBatchCreate:
            return "BatchCreate";
        case Op::kBatchPatch:
            return "BatchPatch";
    }
    return "?";
}

using Case = std::tuple<int, int, Channel, Op>;  // role index, entity index, channel, operation

class RoleTableTest : public ServiceTest, public ::testing::WithParamInterface<Case> {
protected:
    void SetUp() override {
        const auto cli = Context(Channel::kCli);
        account_ = MakeAccount();
        auto owner = documents_->Create(cli, Entity("User"), UserBody("owner", "read"));
        ASSERT_TRUE(owner) << owner.error().message;
        user_ = std::string(owner->at("id").as_string());
        auto url = documents_->Create(cli, Entity("Url"), Json(R"({"url": "https://e.org/"})"));
        ASSERT_TRUE(url) << url.error().message;
        url_ = std::string(url->at("id").as_string());
        for (const char* name : kEntities) {
            if (std::string_view(name) == "User") {
                ids_[name] = user_;
                continue;
            }
            auto created = documents_->Create(cli, Entity(name), Body(name, "E"));
            ASSERT_TRUE(created) << name << ": " << created.error().message;
            ids_[name] = std::string(created->at("id").as_string());
        }
    }

    Record UserBody(const std::string& label, std::optional<std::string> role = std::nullopt) {
        // A username from the label: at least 3 characters, no spaces.
        std::string name = "user_" + label;
        std::replace(name.begin(), name.end(), ' ', '_');
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        Record body{{"isAccountOwner", false},        {"username", name},
                    {"email", name + "@example.com"}, {"password", "secret 1"},
                    {"firstName", "Casey"},           {"lastName", "Tester"},
                    {"accountId", account_}};
        if (role) {
            body["role"] = *role;
        }
        return body;
    }

    // A valid body of `entity` labelled `label` (see Label).
    Record Body(std::string_view entity, const std::string& label) {
        if (entity == "Event") {
            return EventBody(label);
        }
        if (entity == "Profile") {
            return Record{{"name", label}, {"userId", user_}};
        }
        if (entity == "User") {
            return UserBody(label);  // no role: a role only ai_agent may not set
        }
        return Record{{"lastParsedDate", "2025-01-0" + std::to_string(label.size() % 9 + 1)},
                      {"urlId", url_}};
    }

    static std::string Label(std::string_view entity, const Record& row) {
        const char* key = entity == "Event"     ? "title"
                          : entity == "Profile" ? "name"
                          : entity == "User"    ? "username"
                                                : "lastParsedDate";
        const auto* value = row.if_contains(key);
        return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
    }

    // Runs `op` as `ctx` on `entity`; returns the error, or nullopt on success.
    std::optional<Error> Run(const RequestContext& ctx, std::string_view name, Op op) {
        const auto& entity = Entity(name);
        const std::string& id = ids_[std::string(name)];
        auto error = [](const auto& result) -> std::optional<Error> {
            if (result) {
                return std::nullopt;
            }
            return result.error();
        };
        switch (op) {
            case Op::kList:
                return error(documents_->List(ctx, entity, query::Query{}));
            case Op::kGet:
                return error(documents_->Get(ctx, entity, id));
            case Op::kCreate:
                return error(documents_->Create(ctx, entity, Body(name, "New")));
            case Op::kReplace:
                return error(documents_->Replace(ctx, entity, id, Body(name, "Put")));
            case Op::kPatch: {
                Record patch = Body(name, "Patched");
                patch.erase("userId");
                patch.erase("urlId");
                patch.erase("accountId");
                patch.erase("password");
                return error(documents_->Patch(ctx, entity, id, patch));
            }
            case Op::kDelete:
                return error(documents_->Delete(ctx, entity, id));
            case Op::kBatchCreate:
                return error(
                    documents_->CreateMany(ctx, entity, {Body(name, "B1"), Body(name, "B22")}));
            case Op::kBatchPatch: {
                Record body = Body(name, "Batch patched");
                body.erase("userId");
                body.erase("urlId");
                body.erase("accountId");
                body.erase("password");
                body["id"] = id;
                return error(documents_->PatchMany(ctx, entity, {body}));
            }
        }
        return Error{ErrorCode::kInternal, "?"};
    }

    // The labels of an entity's rows, sorted, to see what a call changed.
    std::vector<std::string> Labels(std::string_view entity) {
        std::vector<std::string> labels;
        for (const auto& row : AllRows(*store_, Entity(entity))) {
            labels.push_back(Label(entity, row));
        }
        std::sort(labels.begin(), labels.end());
        return labels;
    }

    std::string account_, user_, url_;
    std::map<std::string, std::string> ids_;
};

TEST_P(RoleTableTest, PolicyDecidesTheOperation) {
    const auto& [role_index, entity_index, channel, op] = GetParam();
    const Role& role = kRoles[role_index];
    const std::string entity = kEntities[entity_index];
    const auto before = Labels(entity);
    const auto error = Run(Context(channel, kT0, role.principal), entity, op);
    const auto after = Labels(entity);

    if (!EntityAllows(entity, op)) {
        ASSERT_TRUE(error.has_value()) << entity << " does not allow " << OpName(op);
        EXPECT_EQ(error->code, ErrorCode::kMethodNotAllowed) << error->message;
        EXPECT_EQ(after, before) << "a refused call changed the data";
        return;
    }
    if (!RoleGrants(role.name, entity, op)) {
        ASSERT_TRUE(error.has_value()) << role.name << " may not " << OpName(op) << " " << entity;
        EXPECT_EQ(error->code, ErrorCode::kForbidden);
        // A batch create names the item it refused; the rest name the rule alone.
        const std::string prefix = op == Op::kBatchCreate ? "[0] " : "";
        EXPECT_EQ(error->message, prefix + role.subject + " cannot " + Verb(op) + " " + entity);
        EXPECT_EQ(after, before) << "a refused call changed the data";
        return;
    }
    ASSERT_FALSE(error.has_value())
        << role.name << " may " << OpName(op) << " " << entity << ": " << error->message;
    using V = std::vector<std::string>;
    // User's seed row is the owner, "user_owner"; the others "E".
    const std::string seed = entity == "User" ? "user_owner" : "E";
    auto with = [&](V labels) {
        std::sort(labels.begin(), labels.end());
        return labels;
    };
    switch (op) {
        case Op::kList:
        case Op::kGet:
            EXPECT_EQ(after, before);
            break;
        case Op::kCreate:
            EXPECT_EQ(after, with({seed, Label(entity, Body(entity, "New"))}));
            break;
        case Op::kReplace:
            EXPECT_EQ(after, V{Label(entity, Body(entity, "Put"))});
            break;
        case Op::kPatch:
            EXPECT_EQ(after, V{Label(entity, Body(entity, "Patched"))});
            break;
        case Op::kDelete:
            EXPECT_EQ(after, V{});
            break;
        case Op::kBatchCreate:
            EXPECT_EQ(after, with({seed, Label(entity, Body(entity, "B1")),
                                   Label(entity, Body(entity, "B22"))}));
            break;
        case Op::kBatchPatch:
            EXPECT_EQ(after, V{Label(entity, Body(entity, "Batch patched"))});
            break;
    }
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
    const auto& [role_index, entity_index, channel, op] = info.param;
    std::string role = kRoles[role_index].name;
    role.erase(std::remove(role.begin(), role.end(), '_'), role.end());
    return role + kEntities[entity_index] + (channel == Channel::kRest ? "Rest" : "Mcp") +
           OpName(op);
}

INSTANTIATE_TEST_SUITE_P(EveryRoleEntityChannelAndOperation, RoleTableTest,
                         ::testing::Combine(::testing::Range(0, 5), ::testing::Range(0, 4),
                                            ::testing::Values(Channel::kRest, Channel::kMcp),
                                            ::testing::Values(Op::kList, Op::kGet, Op::kCreate,
                                                              Op::kReplace, Op::kPatch, Op::kDelete,
                                                              Op::kBatchCreate, Op::kBatchPatch)),
                         CaseName);

// The channel is part of the decision: a context that names none is refused everything, even
// for the system principal, while the CLI channel (the operator's shell, named explicitly) may
// do everything.
class ChannelTest : public ServiceTest {};

TEST_F(ChannelTest, AContextWithoutAChannelIsRefusedEverything) {
    RequestContext unset;  // every field at its default
    unset.principal = Principal::System();
    EXPECT_EQ(unset.channel, Channel::kUnset);
    const auto& event = Entity("Event");
    auto created = documents_->Create(unset, event, EventBody("X"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kForbidden);
    auto listed = documents_->List(unset, event, query::Query{});
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code, ErrorCode::kForbidden);
    EXPECT_TRUE(AllRows(*store_, event).empty());

    auto cli = documents_->Create(Context(Channel::kCli), event, EventBody("X"));
    ASSERT_TRUE(cli) << cli.error().message;
    const std::string id(cli->at("id").as_string());
    for (auto result : {documents_->Get(unset, event, id), documents_->Delete(unset, event, id),
                        documents_->Patch(unset, event, id, Json(R"({"title": "Y"})"))}) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::kForbidden);
    }
    EXPECT_EQ(AllRows(*store_, event).size(), 1u);
}

}  // namespace
}  // namespace ea::service::testing
