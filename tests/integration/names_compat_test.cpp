// Names as the original Events API's clients spell them, over real sockets: field names in
// filter, sort and view in any case, empty items in comma lists, entity names in snake_case and
// plural form, and repeated trailing slashes. Each answer is compared with the canonical request's.
#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

class NamesCompatTest : public ServerSuite {
protected:
    // The users answering `query` (the rows, in order), after checking the list envelope.
    static json::array Users(const std::string& query) {
        auto response = Admin().Get("/api/user?pageSize=100&" + query);
        EXPECT_TRUE(IsListEnvelope(response)) << query << "\n" << Describe(response);
        return RowsOf(response);
    }

    static void ExpectSameUsers(const std::string& spelled, const std::string& canonical) {
        const auto expected = Users(canonical);
        EXPECT_FALSE(expected.empty()) << canonical << " should match some users";
        EXPECT_EQ(Users(spelled), expected) << spelled << " vs " << canonical;
    }
};

TEST_F(NamesCompatTest, FilterFieldNamesIgnoreCase) {
    ExpectSameUsers("filter=networth:gt:1000", "filter=netWorth:gt:1000");
    ExpectSameUsers("filter=isaccountowner:true", "filter=isAccountOwner:true");
    ExpectSameUsers("filter=FIRSTNAME:James", "filter=firstName:James");
    ExpectSameUsers("filter=GENDER:male", "filter=gender:male");
    ExpectSameUsers("filter=gender:male,NetWorth:lt:2000000",
                    "filter=gender:male,netWorth:lt:2000000");
    // The JSON form too.
    ExpectSameUsers("filter=" + ea::testing::UrlEncode(R"({"NETWORTH": {"$gt": 1000}})"),
                    "filter=" + ea::testing::UrlEncode(R"({"netWorth": {"$gt": 1000}})"));
    ExpectSameUsers("filter=" + ea::testing::UrlEncode(
                                    R"({"$or": [{"GENDER": "male"}, {"isaccountowner": true}]})"),
                    "filter=" + ea::testing::UrlEncode(
                                    R"({"$or": [{"gender": "male"}, {"isAccountOwner": true}]})"));
    // The filter really applies: every row satisfies it.
    for (const auto& row : Users("filter=FIRSTNAME:James")) {
        EXPECT_NE(Str(row.at("firstName")).find("James"), std::string::npos);
    }
}

TEST_F(NamesCompatTest, SortAndViewFieldNamesIgnoreCase) {
    ExpectSameUsers("sort=firstname", "sort=firstName");
    ExpectSameUsers("sort=lastname:desc", "sort=lastName:desc");
    ExpectSameUsers("sort=GENDER,NETWORTH:DESC", "sort=gender,netWorth:desc");
    ExpectSameUsers("filter=id:usr_demo_2&view=account(ID,CREATEDAT)",
                    "filter=id:usr_demo_2&view=account(id,createdAt)");
    const auto viewed = Users("filter=id:usr_demo_2&view=Account(createdat)");
    ASSERT_EQ(viewed.size(), 1u);
    EXPECT_TRUE(viewed[0].at("account").at("createdAt").is_string()) << viewed[0];
}

TEST_F(NamesCompatTest, UnknownFieldNamesStay400WithAHint) {
    auto sort = Admin().Get("/api/user?sort=firstNme");
    EXPECT_TRUE(IsError(sort, 400, "invalid_argument",
                        "unknown field \"firstNme\" on User in sort; did you mean 'firstName'?",
                        "firstNme"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user?filter=netwrth:gt:1"), 400, "invalid_argument",
                        "did you mean 'netWorth'?", "netwrth"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user?filter=zzzzzz:1"), 400, "invalid_argument",
                        "unknown field \"zzzzzz\" on User in filter; valid fields: id"));
}

TEST_F(NamesCompatTest, EmptySortItemsAreSkipped) {
    for (const char* spelled : {"sort=firstName,", "sort=,firstName", "sort=,firstName,,"}) {
        ExpectSameUsers(spelled, "sort=firstName");
    }
    ExpectSameUsers("sort=firstName,,lastName", "sort=firstName,lastName");
    ExpectSameUsers("sort=,", "");
}

TEST_F(NamesCompatTest, EmptyViewItemsAreSkippedButARelationNeedsAField) {
    const std::string one = "filter=id:usr_demo_3&";
    ExpectSameUsers(one + "view=account(id,)", one + "view=account(id)");
    ExpectSameUsers(one + "view=account(,id)", one + "view=account(id)");
    ExpectSameUsers(one + "view=account(id,,createdAt)", one + "view=account(id,createdAt)");
    const auto embedded = Users(one + "view=account(id,,createdAt)");
    ASSERT_EQ(embedded.size(), 1u);
    EXPECT_TRUE(embedded[0].at("account").at("createdAt").is_string());
    for (const char* view : {"account()", "account(,)", "account(%20)"}) {
        EXPECT_TRUE(IsError(Admin().Get(std::string("/api/user?view=") + view), 400,
                            "invalid_argument", "\"account\" names no field", "view"))
            << view;
        EXPECT_TRUE(IsError(Admin().Get(std::string("/api/user/usr_demo_3?view=") + view), 400,
                            "invalid_argument", "names no field"))
            << view;
    }
}

TEST_F(NamesCompatTest, EntityNamesInSnakeCaseAndPluralForm) {
    const std::pair<const char*, const char*> cases[] = {
        {"/api/users", "/api/user"},
        {"/api/Users", "/api/user"},
        {"/api/user_events", "/api/userevent"},
        {"/api/user_event", "/api/userevent"},
        {"/api/tag_affinities", "/api/tagaffinity"},
        {"/api/TagAffinity", "/api/tagaffinity"},
        {"/api/TagAffinities", "/api/tagaffinity"},
        {"/api/crawls", "/api/crawl"},
    };
    for (const auto& [spelled, canonical] : cases) {
        auto a = Admin().Get(std::string(spelled) + "?pageSize=5&sort=id");
        auto b = Admin().Get(std::string(canonical) + "?pageSize=5&sort=id");
        ASSERT_TRUE(IsListEnvelope(a)) << spelled << "\n" << Describe(a);
        ASSERT_TRUE(IsListEnvelope(b)) << canonical;
        EXPECT_FALSE(RowsOf(b).empty()) << canonical;
        EXPECT_EQ(RowsOf(a), RowsOf(b)) << spelled;
    }
    auto one = Admin().Get("/api/users/usr_demo_1");
    ASSERT_TRUE(IsSuccess(one));
    EXPECT_EQ(DataOf(one).at("id"), "usr_demo_1");
    auto unknown = Admin().Get("/api/userz");
    EXPECT_TRUE(IsError(unknown, 404, "not_found",
                        "unknown entity 'userz'; entities: Account, User, Profile"));
}

TEST_F(NamesCompatTest, RepeatedTrailingSlashesAreServedLikeThePath) {
    auto canonical = Admin().Get("/api/user?pageSize=5&sort=id");
    ASSERT_TRUE(IsListEnvelope(canonical));
    for (const char* path : {"/api/User/", "/api/User//", "/api/user///"}) {
        auto response = Admin().Get(std::string(path) + "?pageSize=5&sort=id");
        ASSERT_TRUE(IsListEnvelope(response)) << path << "\n" << Describe(response);
        EXPECT_EQ(RowsOf(response), RowsOf(canonical)) << path;
    }
    auto one = Admin().Get("/api/user/usr_demo_1//");
    ASSERT_TRUE(IsSuccess(one)) << Describe(one);
    EXPECT_EQ(DataOf(one).at("id"), "usr_demo_1");
    EXPECT_TRUE(IsError(Admin().Get("/api//user"), 404));  // an empty segment inside stays 404
}

}  // namespace
}  // namespace ea::integration
