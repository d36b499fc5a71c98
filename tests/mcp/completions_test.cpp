// completion/complete: entity names, enum values, free-text fields from context, and record ids
// by prefix through the service (bounded to 100, id order).
#include "mcp/completions.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class CompletionsTest : public McpTest {
protected:
    CompletionsTest() { InitializeSession(); }
    value Complete(object ref, std::string_view name, std::string_view prefix,
                   object context = {}) {
        object params{{"ref", std::move(ref)},
                      {"argument", object{{"name", name}, {"value", prefix}}}};
        if (!context.empty()) {
            params["context"] = object{{"arguments", std::move(context)}};
        }
        return Request("completion/complete", std::move(params));
    }
    static object Prompt(std::string_view name) {
        return object{{"type", "ref/prompt"}, {"name", name}};
    }
    static object Template(std::string_view uri) {
        return object{{"type", "ref/resource"}, {"uri", uri}};
    }
    static std::vector<std::string> Values(const value& answer) {
        std::vector<std::string> out;
        if (!answer.as_object().contains("result")) {
            ADD_FAILURE() << boost::json::serialize(answer);
            return out;
        }
        for (const auto& v : answer.at("result").at("completion").at("values").as_array()) {
            out.emplace_back(v.as_string());
        }
        return out;
    }
};

TEST_F(CompletionsTest, EntityNamesByPrefixIgnoringCase) {
    EXPECT_EQ(Values(Complete(Prompt("find_records"), "entity", "uSeR")),
              (std::vector<std::string>{"User", "UserEvent"}));
    EXPECT_EQ(Values(Complete(Template("events://schema/{Entity}"), "Entity", "TAG")),
              (std::vector<std::string>{"TagAffinity"}));
    auto all = Complete(Prompt("find_records"), "entity", "");
    EXPECT_EQ(all.at("result").at("completion").at("total"),
              value(static_cast<std::int64_t>(schema().entities().size())));
    EXPECT_EQ(all.at("result").at("completion").at("hasMore"), value(false));
}

TEST_F(CompletionsTest, EnumValuesOfAField) {
    EXPECT_EQ(Values(Complete(Prompt("summarise_upcoming_events"), "recurrence", "")),
              (std::vector<std::string>{"daily", "weekly", "monthly", "yearly"}));
    EXPECT_EQ(Values(Complete(Prompt("summarise_upcoming_events"), "recurrence", "w")),
              (std::vector<std::string>{"weekly"}));
    EXPECT_TRUE(Values(Complete(Prompt("summarise_upcoming_events"), "city", "Oak")).empty());
}

TEST_F(CompletionsTest, FieldNamesFollowTheEntityInContext) {
    EXPECT_EQ(Values(Complete(Prompt("find_records"), "field", "", object{{"entity", "User"}})),
              (std::vector<std::string>{"username", "email", "firstName", "lastName"}));
    EXPECT_TRUE(Values(Complete(Prompt("find_records"), "field", "")).empty()) << "no entity yet";
}

// Completions follow the caller's role: the default schema's ai_agent is offered neither Crawl
// (which it may not read) nor User fields outside its allowed filters (username, email, gender,
// createdAt; of them username and email are free text).
TEST_F(CompletionsTest, SuggestionsFollowTheCallersRole) {
    connection_.principal = Principal{"usr_agent", "agent", "ai_agent", "", true};
    const auto entities = Values(Complete(Prompt("find_records"), "entity", ""));
    EXPECT_EQ(std::count(entities.begin(), entities.end(), "Crawl"), 0);
    EXPECT_EQ(std::count(entities.begin(), entities.end(), "User"), 1);
    EXPECT_TRUE(Values(Complete(Template("events://schema/{Entity}"), "Entity", "Cr")).empty());
    EXPECT_EQ(Values(Complete(Prompt("find_records"), "field", "", object{{"entity", "User"}})),
              (std::vector<std::string>{"username", "email"}));
    EXPECT_EQ(Values(Complete(Prompt("summarise_upcoming_events"), "recurrence", "w")),
              (std::vector<std::string>{"weekly"}))
        << "the agent may read and filter Event";
}

TEST_F(CompletionsTest, RecordIdsByPrefixThroughTheService) {
    const auto& entity = *schema().FindEntity("Account");
    service::RequestContext ctx{Principal::System(), "t", service::Channel::kCli};
    for (const char* id : {"acc_a1", "acc_a2", "acc_b1", "acz_1"}) {
        ASSERT_TRUE(documents_->Create(ctx, entity, object{{"id", id}}).has_value()) << id;
    }
    EXPECT_EQ(Values(Complete(Template("events://accounts/{id}"), "id", "acc_a")),
              (std::vector<std::string>{"acc_a1", "acc_a2"}));
    EXPECT_EQ(Values(Complete(Template("events://accounts/{id}"), "id", "ACC_")),
              (std::vector<std::string>{"acc_a1", "acc_a2", "acc_b1"}));
    EXPECT_EQ(Values(Complete(Template("events://accounts/{id}"), "id", "")).size(), 4u);
    EXPECT_TRUE(Values(Complete(Template("events://accounts/{id}"), "id", "zzz")).empty());
}

TEST_F(CompletionsTest, AtMostAHundredIdsAndTheTotal) {
    const auto& entity = *schema().FindEntity("Account");
    service::RequestContext ctx{Principal::System(), "t", service::Channel::kCli};
    std::vector<Record> bodies;
    for (int i = 0; i < 130; ++i) {
        bodies.push_back(object{{"id", "acc_" + std::to_string(1000 + i)}});
    }
    ASSERT_TRUE(documents_->CreateMany(ctx, entity, bodies).has_value());
    auto answer = Complete(Template("events://accounts/{id}"), "id", "acc_1");
    const auto& completion = answer.at("result").at("completion");
    EXPECT_EQ(completion.at("values").as_array().size(), 100u);
    EXPECT_EQ(completion.at("values").at(0), value("acc_1000"));
    EXPECT_EQ(completion.at("total"), value(130));
    EXPECT_EQ(completion.at("hasMore"), value(true));
}

TEST_F(CompletionsTest, UnknownReferencesAndArgumentsAreInvalidParams) {
    for (const auto& answer :
         {Complete(Prompt("nope"), "x", ""), Complete(Prompt("find_records"), "nope", ""),
          Complete(Template("events://planets/{id}"), "id", ""),
          Complete(Template("events://users/{id}"), "name", ""),
          Complete(object{{"type", "ref/other"}}, "x", ""),
          Request("completion/complete", object{{"ref", Prompt("find_records")}})}) {
        ASSERT_TRUE(answer.as_object().contains("error")) << boost::json::serialize(answer);
        EXPECT_EQ(answer.at("error").at("code"), value(-32602));
    }
}

TEST_F(CompletionsTest, StatelessResultHasResultType) {
    auto answer = Request("completion/complete",
                          object{{"ref", Prompt("find_records")},
                                 {"argument", object{{"name", "entity"}, {"value", "Ev"}}},
                                 {"_meta", ModernMeta()}});
    EXPECT_EQ(answer.at("result").at("resultType"), value("complete"));
    EXPECT_EQ(answer.at("result").at("completion").at("values"), value(array{"Event"}));
}

}  // namespace
}  // namespace ea::mcp::testing
