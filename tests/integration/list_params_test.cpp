// List parameters over real sockets: page/pageSize, sort, filter (text and JSON), filter_matching,
// view, and the pagination envelope. The suite writes five Events whose titles share a marker, so
// every assertion can name exactly which records come back and in which order.
#include <algorithm>
#include <set>

#include <sqlite3.h>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

class ListParamsTest : public ServerSuite {
protected:
    static void SetUpTestSuite() {
        ServerSuite::SetUpTestSuite();
        if (admin_token().empty()) {
            return;
        }
        marker_ = "qzx" + std::to_string(::getpid());
        // id suffix, title, dateTime, cost, attendees, recurrence, location
        struct Row {
            const char* key;
            const char* title;
            const char* date_time;
            double cost;
            int attendees;
            const char* recurrence;
            const char* location;
        };
        const Row rows[] = {
            {"a", "Alpha", "2025-01-01T09:00:00Z", 10, 100, "weekly", "Zed"},
            {"b", "beta", "2025-01-01T10:00:00Z", 20, 200, nullptr, "alpha"},
            {"c", "Gamma: the sequel, part 2", "2025-01-01T11:30:00Z", 0, 300, "daily", nullptr},
            {"d", "delta", "2025-02-01T10:00:00Z", 30, 400, "monthly", "beta"},
            {"e", "Jazz Night", "2025-03-01T20:00:00Z", 20, 500, nullptr, nullptr},
        };
        for (const auto& row : rows) {
            json::object body{{"id", marker_ + "_" + row.key},
                              {"url", "https://example.com/" + std::string(row.key)},
                              {"title", marker_ + " " + row.title},
                              {"dateTime", row.date_time},
                              {"cost", row.cost},
                              {"numOfExpectedAttendees", row.attendees}};
            if (row.recurrence != nullptr) {
                body["recurrence"] = row.recurrence;
            }
            if (row.location != nullptr) {
                body["location"] = row.location;
            }
            auto created = Admin().Post("/api/event", body);
            if (created.status != 201) {
                ADD_FAILURE() << "could not create the suite's events: " << Describe(created);
            }
        }
    }

    // Ids ("a".."e") of the suite's events matching `params` (the marker filter is added).
    static std::vector<std::string> Keys(const std::string& params,
                                         const std::string& filter = "") {
        std::string target =
            "/api/event?pageSize=100&filter=" +
            ea::testing::UrlEncode("title:" + marker_ + (filter.empty() ? "" : "," + filter));
        if (!params.empty()) {
            target += "&" + params;
        }
        auto response = Admin().Get(target);
        EXPECT_TRUE(IsListEnvelope(response)) << target;
        std::vector<std::string> keys;
        for (const auto& id : IdsOf(response)) {
            keys.push_back(id.substr(id.rfind('_') + 1));
        }
        return keys;
    }

    static std::vector<std::string> Filtered(const std::string& filter) { return Keys("", filter); }

    static HttpResponse ListEvents(const std::string& query) {
        return Admin().Get("/api/event?" + query);
    }

    static std::string marker_;
};

std::string ListParamsTest::marker_;

using List = std::vector<std::string>;

TEST_F(ListParamsTest, PageAndPageSizeBoundsAndIntegers) {
    for (const char* bad : {"page=0", "page=-1", "page=abc", "page=1.5", "page=", "page=1e3"}) {
        EXPECT_TRUE(IsError(ListEvents(bad), 400, "invalid_argument", "", "page")) << bad;
    }
    for (const char* bad : {"pageSize=0", "pageSize=1001", "pageSize=x", "pageSize=-5",
                            "pageSize=99999999999999999999"}) {
        EXPECT_TRUE(IsError(ListEvents(bad), 400, "invalid_argument", "", "pageSize")) << bad;
    }
    auto max = ListEvents("pageSize=1000");
    ASSERT_TRUE(IsListEnvelope(max));
    EXPECT_EQ(RowsOf(max).size(), 1000u);
    auto one = ListEvents("pageSize=1&page=7");
    ASSERT_TRUE(IsListEnvelope(one));
    EXPECT_EQ(RowsOf(one).size(), 1u);
    EXPECT_EQ(one.Json().at("pagination").at("page").as_int64(), 7);
}

TEST_F(ListParamsTest, PaginationWindowsAndTotals) {
    const std::string filter = "filter=" + ea::testing::UrlEncode("title:" + marker_);
    auto first = ListEvents(filter + "&pageSize=2&page=1");
    ASSERT_TRUE(IsListEnvelope(first));
    const auto pagination = first.Json().at("pagination");
    EXPECT_EQ(pagination.at("total").as_int64(), 5);
    EXPECT_EQ(pagination.at("totalPages").as_int64(), 3);  // ceil(5/2)
    EXPECT_EQ(pagination.at("pageSize").as_int64(), 2);
    auto third = ListEvents(filter + "&pageSize=2&page=3");
    ASSERT_TRUE(IsListEnvelope(third));
    EXPECT_EQ(IdsOf(third), List{marker_ + "_e"});
    auto beyond = ListEvents(filter + "&pageSize=2&page=9");
    ASSERT_TRUE(IsListEnvelope(beyond));
    EXPECT_TRUE(RowsOf(beyond).empty());
    EXPECT_EQ(beyond.Json().at("pagination").at("total").as_int64(), 5);
    EXPECT_EQ(Keys("pageSize=5"), (List{"a", "b", "c", "d", "e"}));
}

TEST_F(ListParamsTest, EmptyResultHasZeroTotalPages) {
    auto response = ListEvents("filter=title:nothing-matches-this-zzzz");
    ASSERT_TRUE(IsListEnvelope(response));
    EXPECT_TRUE(RowsOf(response).empty());
    EXPECT_EQ(response.Json().at("pagination").at("total").as_int64(), 0);
    EXPECT_EQ(response.Json().at("pagination").at("totalPages").as_int64(), 0);
}

TEST_F(ListParamsTest, UnknownParameterIs400NamingTheValidOnes) {
    auto response = ListEvents("limit=5");
    EXPECT_TRUE(IsError(response, 400, "invalid_argument",
                        "page, pageSize, sort, filter, view, filter_matching"));
    EXPECT_NE(ErrorText(response).find("limit"), std::string::npos) << ErrorText(response);
    EXPECT_TRUE(IsError(ListEvents("Limit=5&pageSize=2"), 400, "invalid_argument",
                        "unknown query parameter", "Limit"));
}

// The original lower-cased parameter names before use, and its clients rely on it.
TEST_F(ListParamsTest, ParameterNamesIgnoreCase) {
    const auto same_page = [](const std::string& spelled, const std::string& canonical) {
        auto a = ListEvents(spelled);
        auto b = ListEvents(canonical);
        ASSERT_TRUE(IsListEnvelope(a)) << spelled;
        ASSERT_TRUE(IsListEnvelope(b)) << canonical;
        EXPECT_EQ(IdsOf(a), IdsOf(b)) << spelled;
        EXPECT_EQ(a.Json().at("pagination"), b.Json().at("pagination")) << spelled;
    };
    for (const char* spelled : {"pagesize=3", "PageSize=3", "PAGESIZE=3"}) {
        same_page(spelled, "pageSize=3");
    }
    same_page("Page=2&pagesize=2", "page=2&pageSize=2");
    same_page("PAGE=3&PageSize=2", "page=3&pageSize=2");
    auto sized = ListEvents("PAGESIZE=3");
    ASSERT_TRUE(IsListEnvelope(sized));
    EXPECT_EQ(RowsOf(sized).size(), 3u);
    EXPECT_EQ(sized.Json().at("pagination").at("pageSize").as_int64(), 3);

    const std::string marker = ea::testing::UrlEncode("title:" + marker_);
    EXPECT_EQ(IdsOf(ListEvents("pageSize=100&FILTER=" + marker + "&SORT=cost:desc")),
              IdsOf(ListEvents("pageSize=100&filter=" + marker + "&sort=cost:desc")));
    EXPECT_EQ(Keys("Sort=numOfExpectedAttendees:desc"), (List{"e", "d", "c", "b", "a"}));
    EXPECT_EQ(Keys("Filter_Matching=exact", "location:alph"), List{});
    EXPECT_EQ(Keys("FILTER_MATCHING=contains", "location:ALPH"), (List{"b"}));
    EXPECT_EQ(Keys("No_Consistency=true"), (List{"a", "b", "c", "d", "e"}));
    auto viewed = Admin().Get("/api/user?filter=id:usr_demo_1&VIEW=account(id)");
    ASSERT_TRUE(IsListEnvelope(viewed));
    ASSERT_EQ(RowsOf(viewed).size(), 1u);
    EXPECT_EQ(RowsOf(viewed)[0].at("account").at("id"), "acc_demo_1") << viewed.body;
    EXPECT_TRUE(IsError(ListEvents("PageSize=0"), 400, "invalid_argument", "", "pageSize"));
}

TEST_F(ListParamsTest, DuplicateParametersLastOneWins) {
    // Each duplicated request answers exactly what the request with only the last value does.
    const std::pair<std::string, std::string> cases[] = {
        {"pageSize=1&pageSize=3", "pageSize=3"},
        {"page=abc&page=2&pageSize=4", "page=2&pageSize=4"},
        {"pageSize=1&PAGESIZE=3", "pageSize=3"},  // the same parameter in another spelling
        {"page=2&page=1&pageSize=2", "page=1&pageSize=2"},
    };
    for (const auto& [duplicated, last] : cases) {
        auto a = ListEvents(duplicated);
        auto b = ListEvents(last);
        ASSERT_TRUE(IsListEnvelope(a)) << duplicated;
        ASSERT_TRUE(IsListEnvelope(b)) << last;
        EXPECT_EQ(RowsOf(a), RowsOf(b)) << duplicated;
        EXPECT_EQ(a.Json().at("pagination"), b.Json().at("pagination")) << duplicated;
    }
    EXPECT_EQ(ListEvents("pageSize=1&pageSize=3").Json().at("pagination").at("pageSize"), 3);
    EXPECT_EQ(Keys("sort=title:asc&sort=numOfExpectedAttendees:desc"),
              (List{"e", "d", "c", "b", "a"}));
    EXPECT_EQ(Keys("sort=title:asc&sort=numOfExpectedAttendees:desc"),
              Keys("sort=numOfExpectedAttendees:desc"));
    EXPECT_EQ(Keys("filter_matching=exact&filter_matching=contains", "location:ALPH"), (List{"b"}));
}

TEST_F(ListParamsTest, EmptySortFilterAndViewMeanNone) {
    auto plain = ListEvents("pageSize=10");
    auto empty = ListEvents("pageSize=10&sort=&filter=&view=&filter_matching=");
    ASSERT_TRUE(IsListEnvelope(plain));
    ASSERT_TRUE(IsListEnvelope(empty));
    EXPECT_EQ(IdsOf(plain), IdsOf(empty));
    EXPECT_EQ(plain.Json().at("pagination"), empty.Json().at("pagination"));
}

TEST_F(ListParamsTest, NoConsistencyIsAcceptedAndIgnored) {
    auto plain = ListEvents("pageSize=7&page=2&sort=cost:desc");
    ASSERT_TRUE(IsListEnvelope(plain));
    ASSERT_EQ(RowsOf(plain).size(), 7u);
    for (const char* value : {"true", "", "1", "false"}) {
        auto with =
            ListEvents(std::string("pageSize=7&page=2&sort=cost:desc&no_consistency=") + value);
        ASSERT_TRUE(IsListEnvelope(with)) << value;
        EXPECT_EQ(RowsOf(with), RowsOf(plain)) << value;
        EXPECT_EQ(with.Json().at("pagination"), plain.Json().at("pagination")) << value;
    }
    auto one = Admin().Get("/api/event/evt_demo_1");
    auto one_with = Admin().Get("/api/event/evt_demo_1?no_consistency=1");
    ASSERT_TRUE(IsSuccess(one));
    ASSERT_TRUE(IsSuccess(one_with));
    EXPECT_EQ(DataOf(one_with), DataOf(one));
}

TEST_F(ListParamsTest, SortByOneFieldBothDirections) {
    EXPECT_EQ(Keys("sort=numOfExpectedAttendees"), (List{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(Keys("sort=numOfExpectedAttendees:desc"), (List{"e", "d", "c", "b", "a"}));
    EXPECT_EQ(Keys("sort=dateTime:desc"), (List{"e", "d", "c", "b", "a"}));
}

TEST_F(ListParamsTest, SortByManyFieldsWithStableIdTiebreak) {
    // cost: a=10 b=20 c=0 d=30 e=20; b and e tie on cost.
    EXPECT_EQ(Keys("sort=cost:desc,numOfExpectedAttendees:asc"), (List{"d", "b", "e", "a", "c"}));
    EXPECT_EQ(Keys("sort=cost:desc,numOfExpectedAttendees:desc"), (List{"d", "e", "b", "a", "c"}));
    EXPECT_EQ(Keys("sort=cost"), (List{"c", "a", "b", "e", "d"}));  // tie broken by id
}

TEST_F(ListParamsTest, StringsSortCaseInsensitively) {
    // Titles: Alpha, beta, Gamma…, delta, Jazz Night (after the shared marker).
    EXPECT_EQ(Keys("sort=title"), (List{"a", "b", "d", "c", "e"}));
    EXPECT_EQ(Keys("sort=title:desc"), (List{"e", "c", "d", "b", "a"}));
}

TEST_F(ListParamsTest, NullsSortFirstAscendingAndLastDescending) {
    // location: a=Zed b=alpha c=null d=beta e=null
    EXPECT_EQ(Keys("sort=location"), (List{"c", "e", "b", "d", "a"}));
    EXPECT_EQ(Keys("sort=location:desc"), (List{"a", "d", "b", "c", "e"}));
    // recurrence: a=weekly b=null c=daily d=monthly e=null
    EXPECT_EQ(Keys("sort=recurrence:asc"), (List{"b", "e", "c", "d", "a"}));
    EXPECT_EQ(Keys("sort=recurrence:desc"), (List{"a", "d", "c", "b", "e"}));
}

TEST_F(ListParamsTest, UnknownSortFieldOrDirectionIs400) {
    EXPECT_TRUE(IsError(ListEvents("sort=nosuchfield"), 400, "invalid_argument", "nosuchfield"));
    EXPECT_TRUE(IsError(ListEvents("sort=title:sideways"), 400, "invalid_argument", "sideways"));
    EXPECT_TRUE(IsError(ListEvents("sort=title,nosuch:desc"), 400, "invalid_argument", "nosuch"));
}

TEST_F(ListParamsTest, FilterFieldValueMeansEquals) {
    EXPECT_EQ(Filtered("numOfExpectedAttendees:300"), (List{"c"}));
    EXPECT_EQ(Filtered("cost:20"), (List{"b", "e"}));
    EXPECT_EQ(Filtered("cost:20,numOfExpectedAttendees:500"), (List{"e"}));  // ANDed
}

TEST_F(ListParamsTest, EveryComparisonOperatorWorks) {
    const std::string f = "numOfExpectedAttendees:";
    EXPECT_EQ(Filtered(f + "eq:200"), (List{"b"}));
    EXPECT_EQ(Filtered(f + "ne:200"), (List{"a", "c", "d", "e"}));  // fix: ne was dropped
    EXPECT_EQ(Filtered(f + "lt:300"), (List{"a", "b"}));
    EXPECT_EQ(Filtered(f + "le:300"), (List{"a", "b", "c"}));  // fix: le was dropped
    EXPECT_EQ(Filtered(f + "lte:300"), (List{"a", "b", "c"}));
    EXPECT_EQ(Filtered(f + "gt:300"), (List{"d", "e"}));
    EXPECT_EQ(Filtered(f + "ge:300"), (List{"c", "d", "e"}));  // fix: ge was dropped
    EXPECT_EQ(Filtered(f + "gte:300"), (List{"c", "d", "e"}));
    EXPECT_EQ(Filtered(f + "in:100|400|999"), (List{"a", "d"}));
    EXPECT_EQ(Filtered("recurrence:in:daily|weekly"), (List{"a", "c"}));
    EXPECT_EQ(Filtered("recurrence:ne:daily"), (List{"a", "b", "d", "e"}));
}

// Browsers (WHATWG URL) and curl send '|', '{', '}', '[' and ']' raw in a query, so
// `filter=field:in:a|b` and JSON filters from existing clients arrive that way: only the path is
// held to the RFC 3986 grammar.
TEST_F(ListParamsTest, RawPipeAndBracesInTheQueryAreAccepted) {
    auto in = ListEvents("pageSize=100&filter=title:" + marker_ + ",recurrence:in:daily|weekly");
    EXPECT_TRUE(IsListEnvelope(in)) << Describe(in);
    EXPECT_EQ(IdsOf(in), (List{marker_ + "_a", marker_ + "_c"}));
    auto json_filter = ListEvents(
        "filter={%22recurrence%22:{%22$in%22:[%22daily%22]},"
        "%22title%22:%22" +
        marker_ + "%22}");
    EXPECT_TRUE(IsListEnvelope(json_filter)) << Describe(json_filter);
    EXPECT_EQ(IdsOf(json_filter), (List{marker_ + "_c"}));
}

TEST_F(ListParamsTest, QuotedValuesMayHoldColonsAndCommas) {
    EXPECT_EQ(Filtered("title:\"Gamma: the sequel, part 2\""), (List{"c"}));
    EXPECT_EQ(Filtered("title:'the sequel, part'"), (List{"c"}));
    EXPECT_EQ(Keys("filter_matching=exact", "title:\"" + marker_ + " Gamma: the sequel, part 2\""),
              List{});  // the marker filter is exact too, so nothing has both titles
    EXPECT_TRUE(IsError(ListEvents("filter=title:%22unterminated"), 400, "invalid_argument"));
}

TEST_F(ListParamsTest, DatesCompareAsDatesWithColonsInTheValue) {
    EXPECT_EQ(Filtered("dateTime:gte:2025-01-01T10:00:00"), (List{"b", "c", "d", "e"}));
    EXPECT_EQ(Filtered("dateTime:lt:2025-01-01T10:00:00Z"), (List{"a"}));
    // The same instant written with an offset: as text it would sort differently.
    EXPECT_EQ(Filtered("dateTime:gte:2025-01-01T10:00:00+01:00"), (List{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(Filtered("dateTime:lt:2025-01-02"), (List{"a", "b", "c"}));
    EXPECT_EQ(Filtered("dateTime:2025-01-01T11:30:00.000Z"), (List{"c"}));
    EXPECT_TRUE(IsError(ListEvents("filter=dateTime:gte:not-a-date"), 400, "invalid_argument"));
}

TEST_F(ListParamsTest, BooleanFilterValuesAcceptTrue1YesAndFalse0No) {
    auto total_of = [](const std::string& filter) {
        auto response = Admin().Get("/api/user?pageSize=1000&filter=" + filter);
        EXPECT_TRUE(IsListEnvelope(response)) << filter;
        for (const auto& row : RowsOf(response)) {
            EXPECT_EQ(row.at("isAccountOwner").as_bool(),
                      filter.ends_with("true") || filter.ends_with("1") || filter.ends_with("yes"))
                << filter;
        }
        return response.Json().at("pagination").at("total").as_int64();
    };
    const auto owners = total_of("isAccountOwner:true");
    EXPECT_EQ(owners, 5);  // demo users 0-4 own their accounts
    EXPECT_EQ(total_of("isAccountOwner:1"), owners);
    EXPECT_EQ(total_of("isAccountOwner:yes"), owners);
    const auto others = total_of("isAccountOwner:false");
    EXPECT_GT(others, 0);
    EXPECT_EQ(total_of("isAccountOwner:0"), others);
    EXPECT_EQ(total_of("isAccountOwner:no"), others);
    EXPECT_TRUE(
        IsError(Admin().Get("/api/user?filter=isAccountOwner:maybe"), 400, "invalid_argument"));
}

TEST_F(ListParamsTest, EnumValuesMatchCaseInsensitively) {
    auto lower = Admin().Get("/api/user?pageSize=1000&filter=gender:male");
    auto upper = Admin().Get("/api/user?pageSize=1000&filter=gender:MALE");
    ASSERT_TRUE(IsListEnvelope(lower));
    ASSERT_TRUE(IsListEnvelope(upper));
    EXPECT_GT(RowsOf(lower).size(), 0u);
    EXPECT_EQ(IdsOf(lower), IdsOf(upper));
    for (const auto& row : RowsOf(upper)) {
        EXPECT_EQ(row.at("gender"), "male");  // exact: "female" does not contain-match
    }
    EXPECT_EQ(Filtered("recurrence:WEEKLY"), (List{"a"}));
}

TEST_F(ListParamsTest, UnknownFieldOrOperatorOrEmptyValueIs400) {
    EXPECT_TRUE(
        IsError(ListEvents("filter=nosuchfield:1"), 400, "invalid_argument", "nosuchfield"));
    EXPECT_TRUE(IsError(ListEvents("filter=cost:foo:1"), 400, "invalid_argument", "foo"));
    EXPECT_TRUE(IsError(ListEvents("filter=title:"), 400, "invalid_argument", "empty"));
    EXPECT_TRUE(IsError(ListEvents("filter=cost:gt:"), 400, "invalid_argument", "empty"));
    EXPECT_TRUE(IsError(ListEvents("filter=cost:in:1%7C%7C2"), 400, "invalid_argument"));
    EXPECT_TRUE(IsError(ListEvents("filter=justaword"), 400, "invalid_argument"));
    EXPECT_TRUE(IsError(ListEvents("filter=cost:abc"), 400, "invalid_argument"));
}

TEST_F(ListParamsTest, JsonFilterStartingWithABrace) {
    const std::string json_filter =
        R"({"$and":[{"title":{"$eq":")" + marker_ + R"( beta"}},{"cost":{"$gte":20}}]})";
    auto exact = ListEvents("filter_matching=exact&filter=" + ea::testing::UrlEncode(json_filter));
    ASSERT_TRUE(IsListEnvelope(exact));
    EXPECT_EQ(IdsOf(exact), List{marker_ + "_b"});

    const std::string any_of =
        R"({"$or":[{"numOfExpectedAttendees":{"$in":[100,500]}},{"recurrence":"daily"}]})";
    EXPECT_EQ(Keys("", "").size(), 5u);
    auto response = ListEvents("pageSize=100&sort=id&filter=" + ea::testing::UrlEncode(any_of));
    ASSERT_TRUE(IsListEnvelope(response));
    std::vector<std::string> ours;
    for (const auto& id : IdsOf(response)) {
        if (id.starts_with(marker_)) {
            ours.push_back(id.substr(id.rfind('_') + 1));
        }
    }
    EXPECT_EQ(ours, (List{"a", "c", "e"}));

    EXPECT_TRUE(IsError(ListEvents("filter=" + ea::testing::UrlEncode(R"({"cost":{"$bogus":1}})")),
                        400, "invalid_argument"));
    EXPECT_TRUE(IsError(ListEvents("filter=" + ea::testing::UrlEncode("{not json")), 400,
                        "invalid_argument"));
}

TEST_F(ListParamsTest, FilterMatchingExactContainsAndFuzzy) {
    // contains (the default) is a case-insensitive substring.
    EXPECT_EQ(Filtered("title:JAZZ nig"), (List{"e"}));
    EXPECT_EQ(Keys("filter_matching=contains", "location:ALPH"), (List{"b"}));
    // exact needs the whole value.
    EXPECT_EQ(Keys("filter_matching=exact", "location:alph"), List{});
    auto exact = ListEvents("filter_matching=exact&filter=" +
                            ea::testing::UrlEncode("title:" + marker_ + " Jazz Night"));
    ASSERT_TRUE(IsListEnvelope(exact));
    EXPECT_EQ(IdsOf(exact), List{marker_ + "_e"});
    EXPECT_TRUE(IsError(ListEvents("filter_matching=sloppy"), 400, "invalid_argument", "sloppy",
                        "filter_matching"));
}

TEST_F(ListParamsTest, FuzzyMatchingFindsATypo) {
    auto contains = ListEvents("filter=" + ea::testing::UrlEncode("title:jaz nigt"));
    ASSERT_TRUE(IsListEnvelope(contains));
    EXPECT_TRUE(RowsOf(contains).empty());

    auto fuzzy = ListEvents("pageSize=1000&filter_matching=fuzzy&filter=" +
                            ea::testing::UrlEncode("title:jaz nigt"));
    ASSERT_TRUE(IsListEnvelope(fuzzy));
    std::set<std::string> fuzzy_ids;
    for (const auto& id : IdsOf(fuzzy)) {
        fuzzy_ids.insert(id);
    }
    EXPECT_TRUE(fuzzy_ids.count(marker_ + "_e")) << "the suite's 'Jazz Night' event was not found";
    // Every Jazz Night is found (other "... Night" titles may be too), but not everything is.
    auto jazz = ListEvents("pageSize=1000&filter=" + ea::testing::UrlEncode("title:Jazz Night"));
    ASSERT_TRUE(IsListEnvelope(jazz));
    ASSERT_GT(RowsOf(jazz).size(), 1u);
    for (const auto& id : IdsOf(jazz)) {
        EXPECT_TRUE(fuzzy_ids.count(id)) << id << " is a Jazz Night the fuzzy search missed";
    }
    EXPECT_LT(fuzzy_ids.size(), 500u) << "fuzzy matched most of the table";
    auto unrelated = ListEvents("filter_matching=fuzzy&filter=" +
                                ea::testing::UrlEncode("title:xylophone quartet"));
    ASSERT_TRUE(IsListEnvelope(unrelated));
    EXPECT_TRUE(RowsOf(unrelated).empty()) << IdsOf(unrelated).size();
}

TEST_F(ListParamsTest, ViewAddsTheReferencedRecord) {
    auto response = Admin().Get("/api/user?filter=id:usr_demo_1&view=account(id,createdAt)");
    ASSERT_TRUE(IsListEnvelope(response));
    ASSERT_EQ(RowsOf(response).size(), 1u);
    auto data = RowsOf(response)[0].as_object();
    ASSERT_TRUE(data.contains("account")) << response.body;
    const auto& account = data.at("account").as_object();
    EXPECT_EQ(account.at("exists"), true);
    EXPECT_EQ(account.at("id"), data.at("accountId"));
    EXPECT_TRUE(account.at("createdAt").is_string());
    EXPECT_FALSE(account.contains("expiredAt")) << "only the named fields";

    auto list = Admin().Get("/api/userevent?pageSize=3&view=user(username),event(title,dateTime)");
    ASSERT_TRUE(IsListEnvelope(list));
    for (const auto& row : RowsOf(list)) {
        EXPECT_EQ(row.at("user").at("exists"), true);
        EXPECT_TRUE(row.at("user").at("username").is_string());
        EXPECT_FALSE(row.at("user").as_object().contains("password"));
        EXPECT_TRUE(row.at("event").at("title").is_string());
    }
    // Unknown fields of a relation that exists are 400, with a hint when one is close.
    EXPECT_TRUE(IsError(Admin().Get("/api/user?view=account(nosuchfield)"), 400, "invalid_argument",
                        "unknown field \"nosuchfield\" on Account in view 'account'"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user?view=account(createdAtt)"), 400, "invalid_argument",
                        "did you mean 'createdAt'?"));
}

// fields= on lists and get-by-id: id always, then the named fields in entity order; views stay.
TEST_F(ListParamsTest, FieldsSelectWhatIsReturned) {
    auto list = Admin().Get("/api/event?filter=id:" + marker_ +
                            "_a&fields=COST,title&view=");
    ASSERT_TRUE(IsListEnvelope(list));
    ASSERT_EQ(RowsOf(list).size(), 1u) << list.body;
    EXPECT_EQ(json::serialize(RowsOf(list)[0]),
              R"({"id":")" + marker_ + R"(_a","title":")" + marker_ + R"( Alpha","cost":1E1})");
    auto one = Admin().Get("/api/event/" + marker_ + "_b?fields=location");
    ASSERT_EQ(one.status, 200) << Describe(one);
    EXPECT_EQ(json::serialize(one.Json().at("data")),
              R"({"id":")" + marker_ + R"(_b","location":"alpha"})");
    EXPECT_TRUE(one.Header("ETag").empty()) << "no updatedAt selected, so no version to tag";
    auto viewed = Admin().Get("/api/user/usr_demo_1?fields=username&view=account(createdAt)");
    ASSERT_EQ(viewed.status, 200) << Describe(viewed);
    const json::value doc = viewed.Json();
    const auto& user = doc.at("data").as_object();
    EXPECT_EQ(user.size(), 3u) << viewed.body;
    EXPECT_TRUE(user.at("account").at("createdAt").is_string());
    auto all = Admin().Get("/api/event/" + marker_ + "_b?fields=");
    EXPECT_TRUE(all.Json().at("data").as_object().contains("dateTime")) << "empty: every field";
    EXPECT_TRUE(IsError(Admin().Get("/api/event?fields=titel"), 400, "invalid_argument",
                        "did you mean 'title'?"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user/usr_demo_1?fields=password"), 400,
                        "invalid_argument", "password is write-only"));
}

// The original ignored a view of a relation the entity does not have; we serve the page the same
// way and say so.
TEST_F(ListParamsTest, ViewOfARelationTheEntityLacksIsIgnoredWithAWarning) {
    auto plain = Admin().Get("/api/user?pageSize=5&sort=id");
    ASSERT_TRUE(IsListEnvelope(plain));
    EXPECT_EQ(plain.Json().at("notifications"), json::object()) << plain.body;
    for (const char* view : {"profile(name)", "profile(id,whatever)", "nosuch(id)"}) {
        auto response = Admin().Get(std::string("/api/user?pageSize=5&sort=id&view=") + view);
        ASSERT_TRUE(IsListEnvelope(response)) << view;
        EXPECT_EQ(RowsOf(response), RowsOf(plain)) << view << ": nothing embedded";
        const json::value warnings = response.Json().at("notifications").at("request_warnings");
        ASSERT_EQ(warnings.as_array().size(), 1u) << response.body;
        EXPECT_EQ(warnings.at(0).at("field"), "view");
        const std::string name(std::string_view(view).substr(0, std::string_view(view).find('(')));
        EXPECT_EQ(Str(warnings.at(0).at("message")),
                  "view \"" + name + "\": User has no reference \"" + name +
                      "\"; ignored (references of User: account (accountId -> Account))");
    }
    // With a relation that exists beside it, that one is embedded.
    auto both = Admin().Get("/api/user?filter=id:usr_demo_1&view=profile(name),account(id)");
    ASSERT_TRUE(IsListEnvelope(both));
    ASSERT_EQ(RowsOf(both).size(), 1u);
    EXPECT_EQ(RowsOf(both)[0].at("account").at("id"), "acc_demo_1");
    EXPECT_FALSE(RowsOf(both)[0].as_object().contains("profile"));
    EXPECT_EQ(both.Json().at("notifications").at("request_warnings").as_array().size(), 1u);
    // And on get-by-id.
    auto one = Admin().Get("/api/user/usr_demo_1?view=profile(name)");
    ASSERT_TRUE(IsSuccess(one));
    EXPECT_FALSE(DataOf(one).as_object().contains("profile"));
    EXPECT_TRUE(Str(one.Json().at("notifications").at("request_warnings").at(0).at("message"))
                    .starts_with("view \"profile\": User has no reference \"profile\"; ignored"))
        << one.body;
}

// Get-by-id embeds a view exactly as the list does.
TEST_F(ListParamsTest, ViewOnGetByIdEmbedsLikeTheList) {
    for (const char* view : {"account(id,createdAt)", "ACCOUNT(ID,createdat)", "account(id,)"}) {
        auto list = Admin().Get(std::string("/api/user?filter=id:usr_demo_1&view=") + view);
        auto one = Admin().Get(std::string("/api/user/usr_demo_1?view=") + view);
        ASSERT_TRUE(IsListEnvelope(list)) << view;
        ASSERT_TRUE(IsSuccess(one)) << view;
        ASSERT_EQ(RowsOf(list).size(), 1u);
        EXPECT_EQ(DataOf(one), RowsOf(list)[0]) << view;
        EXPECT_EQ(DataOf(one).at("account").at("exists"), true) << one.body;
        EXPECT_EQ(DataOf(one).at("account").at("id"), "acc_demo_1");
    }
    auto two = Admin().Get("/api/userevent/uev_demo_1?view=user(username),event(title)");
    ASSERT_TRUE(IsSuccess(two));
    const auto data = DataOf(two);
    EXPECT_EQ(data.at("user").at("id"), data.at("userId"));
    EXPECT_TRUE(data.at("user").at("username").is_string());
    EXPECT_EQ(data.at("event").at("id"), data.at("eventId"));
    EXPECT_TRUE(data.at("event").at("title").is_string());
    auto plain = Admin().Get("/api/user/usr_demo_1");
    ASSERT_TRUE(IsSuccess(plain));
    EXPECT_FALSE(DataOf(plain).as_object().contains("account"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user/usr_demo_1?view=account(nosuchfield)"), 400,
                        "invalid_argument", "nosuchfield"));
    EXPECT_TRUE(IsError(Admin().Get("/api/user/usr_missing_zz?view=account(id)"), 404));
}

TEST_F(ListParamsTest, ViewOfAWriteOnlyFieldIsRefused) {
    for (const char* target : {"/api/userevent?filter=id:uev_demo_1&view=user(id,password)",
                               "/api/userevent/uev_demo_1?view=user(id,PASSWORD)",
                               "/api/userevent?view=user(password)"}) {
        auto response = Admin().Get(target);
        EXPECT_TRUE(IsError(response, 400, "invalid_argument",
                            "view 'user': field 'password' of User is never returned", "password"))
            << target;
        EXPECT_EQ(response.body.find("argon2"), std::string::npos) << response.body;
    }
}

// The API cannot leave a dangling reference (every reference is required and checked, and
// deletes restrict or cascade), so the test removes the target behind the server's back, the way
// an outside tool or a partial restore could.
TEST_F(ListParamsTest, ViewOfAMissingTargetSaysExistsFalse) {
    const std::string account_id = UniqueId("acc_gone");
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/account", json::object{{"id", account_id}}), 201));
    const std::string username = UniqueId("orphan");
    auto user = Admin().Post("/api/user", json::object{{"username", username},
                                                       {"email", username + "@example.org"},
                                                       {"password", "orphan-password"},
                                                       {"firstName", "Casey"},
                                                       {"lastName", "Tester"},
                                                       {"isAccountOwner", true},
                                                       {"accountId", account_id}});
    ASSERT_TRUE(IsSuccess(user, 201));
    const std::string user_id(DataOf(user).at("id").as_string());

    // Through the API the account cannot go: the user still references it.
    auto refused = Admin().Delete("/api/account/" + account_id);
    EXPECT_TRUE(IsError(refused, 409)) << Describe(refused);

    // Behind the server's back (PostgreSQL enforces the foreign key itself: the replica role
    // skips it, as a restore from an older backup might).
    const std::string sql =
        std::string(OnPostgres() ? "SET session_replication_role = replica; " : "") +
        "DELETE FROM \"Account\" WHERE id = '" + account_id + "'";
    EXPECT_EQ(StoreExec(server(), sql), "");

    auto response = Admin().Get("/api/user?filter=id:" + user_id + "&view=account(id,createdAt)");
    ASSERT_TRUE(IsListEnvelope(response));
    ASSERT_EQ(RowsOf(response).size(), 1u);
    const auto account = RowsOf(response)[0].at("account").as_object();
    EXPECT_EQ(account.at("exists"), false) << response.body;
}

TEST_F(ListParamsTest, IdsAndReferencesMatchExactlyAndCaseInsensitively) {
    // Under the default contains-matching, an id still matches only itself (not evt_demo_1x).
    auto one = ListEvents("filter=id:evt_demo_1");
    ASSERT_TRUE(IsListEnvelope(one));
    EXPECT_EQ(IdsOf(one), List{"evt_demo_1"});
    auto upper = ListEvents("filter=id:EVT_DEMO_1");
    ASSERT_TRUE(IsListEnvelope(upper));
    EXPECT_EQ(IdsOf(upper), List{"evt_demo_1"});
    auto in = ListEvents("sort=id&filter=" + ea::testing::UrlEncode("id:in:EVT_DEMO_2|evt_demo_3"));
    ASSERT_TRUE(IsListEnvelope(in));
    EXPECT_EQ(IdsOf(in), (List{"evt_demo_2", "evt_demo_3"}));
    auto by_user = Admin().Get("/api/userevent?pageSize=100&filter=userId:USR_DEMO_1");
    ASSERT_TRUE(IsListEnvelope(by_user));
    ASSERT_FALSE(RowsOf(by_user).empty());
    for (const auto& row : RowsOf(by_user)) {
        EXPECT_EQ(row.at("userId"), "usr_demo_1");
    }
}

TEST_F(ListParamsTest, NumbersCompareAsNumbers) {
    // As text "100" < "20" < "300"; as numbers they sort and compare the other way.
    EXPECT_EQ(Filtered("numOfExpectedAttendees:lt:1000"), (List{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(Filtered("numOfExpectedAttendees:gt:99"), (List{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(Filtered("cost:lt:9.5"), (List{"c"}));
    EXPECT_EQ(Filtered("cost:gte:20.0"), (List{"b", "d", "e"}));
}

}  // namespace
}  // namespace ea::integration
