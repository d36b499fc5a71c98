// The fixed role table of DocumentService (document_service.cpp RoleOperations) on every
// operation, for every role and both API channels, on a real SQLite file. The expected answer of
// each case is written out below, not derived from the code. An allowed call must succeed and
// change what it says; a refused one must be kForbidden and change nothing.
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

enum class Op { kList, kGet, kCreate, kReplace, kPatch, kDelete, kBatchCreate, kBatchPatch };

struct Role {
    const char* name;  // test name part
    Principal principal;
};

const Role kRoles[] = {
    {"admin", Principal{"u1", "ada", "admin", "acc", true}},
    {"read", Principal{"u2", "rita", "read", "acc", true}},
    {"ai_agent", Principal{"u3", "claude", "ai_agent", "acc", true}},
    {"unknown", Principal{"u4", "eve", "superuser", "acc", true}},
    // Not authenticated: even the admin role name grants nothing.
    {"unauthenticated", Principal{"", "", "admin", "", false}},
};

// The whole table, spelled out: which role may do which operation. Reads are list and get.
bool Expected(std::string_view role, Op op) {
    const bool read = op == Op::kList || op == Op::kGet;
    if (role == "admin") {
        return true;
    }
    if (role == "read" || role == "ai_agent") {
        return read;
    }
    return false;  // unknown and unauthenticated: nothing
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

using Case = std::tuple<int, Channel, Op>;  // role index, channel, operation

class RoleTableTest : public ServiceTest, public ::testing::WithParamInterface<Case> {
protected:
    void SetUp() override {
        auto created = documents_->Create(Context(Channel::kCli), Entity("Event"), EventBody("E"));
        ASSERT_TRUE(created) << created.error().message;
        id_ = std::string(created->at("id").as_string());
    }

    // Runs `op` as `ctx`; returns the error code, or nullopt on success.
    std::optional<ErrorCode> Run(const RequestContext& ctx, Op op) {
        const auto& event = Entity("Event");
        auto code = [](const auto& result) -> std::optional<ErrorCode> {
            if (result) {
                return std::nullopt;
            }
            return result.error().code;
        };
        switch (op) {
            case Op::kList:
                return code(documents_->List(ctx, event, query::Query{}));
            case Op::kGet:
                return code(documents_->Get(ctx, event, id_));
            case Op::kCreate:
                return code(documents_->Create(ctx, event, EventBody("New")));
            case Op::kReplace:
                return code(documents_->Replace(ctx, event, id_, EventBody("Put")));
            case Op::kPatch:
                return code(documents_->Patch(ctx, event, id_, Json(R"({"title": "Patched"})")));
            case Op::kDelete:
                return code(documents_->Delete(ctx, event, id_));
            case Op::kBatchCreate:
                return code(documents_->CreateMany(ctx, event, {EventBody("B1"), EventBody("B2")}));
            case Op::kBatchPatch: {
                Record body{{"id", id_}, {"title", "Batch patched"}};
                return code(documents_->PatchMany(ctx, event, {body}));
            }
        }
        return ErrorCode::kInternal;
    }

    // The Event rows (titles), to see what a call changed.
    std::vector<std::string> Titles() {
        std::vector<std::string> titles;
        for (const auto& row : AllRows(*store_, Entity("Event"))) {
            titles.emplace_back(row.at("title").as_string());
        }
        std::sort(titles.begin(), titles.end());
        return titles;
    }

    std::string id_;
};

TEST_P(RoleTableTest, RoleDecidesTheOperation) {
    const auto& [role_index, channel, op] = GetParam();
    const Role& role = kRoles[role_index];
    const auto before = Titles();
    const auto error = Run(Context(channel, kT0, role.principal), op);
    const auto after = Titles();

    if (!Expected(role.name, op)) {
        ASSERT_TRUE(error.has_value()) << role.name << " may not " << OpName(op);
        EXPECT_EQ(*error, ErrorCode::kForbidden);
        EXPECT_EQ(after, before) << "a refused call changed the data";
        return;
    }
    ASSERT_FALSE(error.has_value())
        << role.name << " may " << OpName(op) << ": " << ToString(*error);
    using V = std::vector<std::string>;
    switch (op) {
        case Op::kList:
        case Op::kGet:
            EXPECT_EQ(after, before);
            break;
        case Op::kCreate:
            EXPECT_EQ(after, (V{"E", "New"}));
            break;
        case Op::kReplace:
            EXPECT_EQ(after, V{"Put"});
            break;
        case Op::kPatch:
            EXPECT_EQ(after, V{"Patched"});
            break;
        case Op::kDelete:
            EXPECT_EQ(after, V{});
            break;
        case Op::kBatchCreate:
            EXPECT_EQ(after, (V{"B1", "B2", "E"}));
            break;
        case Op::kBatchPatch:
            EXPECT_EQ(after, V{"Batch patched"});
            break;
    }
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
    const auto& [role_index, channel, op] = info.param;
    std::string role = kRoles[role_index].name;
    role.erase(std::remove(role.begin(), role.end(), '_'), role.end());
    return role + (channel == Channel::kRest ? "Rest" : "Mcp") + OpName(op);
}

INSTANTIATE_TEST_SUITE_P(EveryRoleChannelAndOperation, RoleTableTest,
                         ::testing::Combine(::testing::Range(0, 5),
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
