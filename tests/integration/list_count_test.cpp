// The `count` list parameter over real sockets, on a server whose Event table is larger than the
// store's sample (70,000 events, seeded once at build time): the pagination block in each mode, the
// estimate against a count made here with SQLite on the server's own file, count=none walking a
// whole result by hasMore, and a bad value.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <sqlite3.h>

#include "integration/integration_fixture.hpp"
#include "testing/temp_dir.hpp"

namespace ea::integration {
namespace {

class ListCountTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new ea::testing::TempDir();
        // 70 x 1,000 events: more rows than the 65,536 the store counts outright. Seeded once at
        // build time (EA_LARGE_DB); seeded here when the template is missing.
        std::string db = EA_LARGE_DB;
        if (!std::filesystem::exists(db)) {
            db = (dir_->path() / "large.db").string();
            const std::string seed = std::string("'") + EA_BINARY + "' --schema '" + EA_SOURCE_DIR +
                                     "/schema.yaml' --db 'sqlite://" + db +
                                     "' seed-demo --scale 70 > /dev/null";
            if (std::system(seed.c_str()) != 0) {
                ADD_FAILURE() << "seed-demo --scale 70 failed";
                return;
            }
        }
        auto options = DemoServerOptions();
        options.template_db = db;
        server_ = StartServer(options).release();
        if (server_ != nullptr) {
            token_ = LoginToken(server_->port(), "admin", kAdminPassword);
        }
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(server_ != nullptr && !token_.empty()); }

    static HttpResponse List(const std::string& query) {
        return Api(server_->port(), token_).Get("/api/event?" + query);
    }

    // SELECT count(*) FROM Event WHERE <where>, on the server's file (WAL: a reader sees it).
    static std::int64_t CountInDb(const std::string& where) {
        sqlite3* db = nullptr;
        std::int64_t out = -1;
        if (sqlite3_open_v2(server_->db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK) {
            sqlite3_stmt* stmt = nullptr;
            const std::string sql = "SELECT count(*) FROM \"Event\" WHERE " + where;
            if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
                sqlite3_step(stmt) == SQLITE_ROW) {
                out = sqlite3_column_int64(stmt, 0);
            }
            sqlite3_finalize(stmt);
        }
        sqlite3_close(db);
        return out;
    }

    static json::object Pagination(const HttpResponse& response) {
        EXPECT_TRUE(IsListEnvelope(response)) << Describe(response);
        const auto body = response.Json();
        return body.is_object() && body.as_object().contains("pagination")
                   ? body.at("pagination").as_object()
                   : json::object();
    }

    static ea::testing::TempDir* dir_;
    static ea::testing::ServerProcess* server_;
    static std::string token_;
};

ea::testing::TempDir* ListCountTest::dir_ = nullptr;
ea::testing::ServerProcess* ListCountTest::server_ = nullptr;
std::string ListCountTest::token_;

// About half the events: over auto's budget of 10,000 rows.
const std::string kHalf = "filter=numOfExpectedAttendees:ge:500&sort=dateTime:desc&page=2";

TEST_F(ListCountTest, ExactCountsAndSaysSo) {
    const auto truth = CountInDb("\"numOfExpectedAttendees\" >= 500");
    ASSERT_GT(truth, 30'000);
    for (const char* count : {"count=exact", "count=EXACT"}) {
        auto p = Pagination(List(kHalf + "&" + count));
        EXPECT_EQ(p.at("total").as_int64(), truth) << count;
        EXPECT_EQ(p.at("totalPages").as_int64(), (truth + 24) / 25);
        EXPECT_EQ(p.at("totalIsEstimate"), false);
        EXPECT_EQ(p.at("hasMore"), true);
        EXPECT_EQ(p.at("page").as_int64(), 2);
    }
}

TEST_F(ListCountTest, AutoAndEstimatedEstimateAnUnselectiveTotalWithinTenPercent) {
    const auto truth = CountInDb("\"numOfExpectedAttendees\" >= 500");
    for (const std::string& count :
         {std::string(), std::string("&count=auto"), std::string("&count=estimated")}) {
        auto response = List(kHalf + count);
        auto p = Pagination(response);
        EXPECT_EQ(p.at("totalIsEstimate"), true) << count;
        const auto total = p.at("total").as_int64();
        EXPECT_LE(std::abs(static_cast<double>(total - truth)), 0.10 * static_cast<double>(truth))
            << count << ": " << total << " vs " << truth;
        EXPECT_EQ(p.at("totalPages").as_int64(), (total + 24) / 25);  // follows the total given
        EXPECT_EQ(p.at("hasMore"), true);
        EXPECT_EQ(RowsOf(response).size(), 25u);
    }
}

// A selective filter (~5% of 70,000, within the budget) is still exact by default, so existing
// clients see no change on normal data.
TEST_F(ListCountTest, AutoCountsASelectiveFilterExactly) {
    const auto truth = CountInDb("\"numOfExpectedAttendees\" >= 950");
    ASSERT_GT(truth, 1'000);
    ASSERT_LT(truth, 10'000);
    auto p = Pagination(List("filter=numOfExpectedAttendees:ge:950&sort=dateTime:desc"));
    EXPECT_EQ(p.at("total").as_int64(), truth);
    EXPECT_EQ(p.at("totalIsEstimate"), false);
    EXPECT_EQ(p.at("hasMore"), true);
}

TEST_F(ListCountTest, NoneAnswersNullTotalsAndHasMore) {
    auto response = List(kHalf + "&count=none");
    auto p = Pagination(response);
    EXPECT_TRUE(p.at("total").is_null());
    EXPECT_TRUE(p.at("totalPages").is_null());
    EXPECT_EQ(p.at("totalIsEstimate"), false);
    EXPECT_EQ(p.at("hasMore"), true);
    EXPECT_EQ(RowsOf(response).size(), 25u);
}

// Following hasMore from page 1 visits every matching event once, in order, and stops.
TEST_F(ListCountTest, NonePagesWalkTheWholeResultWithoutGapsOrRepeats) {
    const std::string where = "\"numOfExpectedAttendees\" >= 990";
    const auto truth = CountInDb(where);
    ASSERT_GT(truth, 200);
    std::vector<std::string> ids;
    std::string previous_date = "9999";
    for (int page = 1;; ++page) {
        ASSERT_LT(page, 100);
        auto response = List(
            "filter=numOfExpectedAttendees:ge:990&sort=dateTime:desc&"
            "pageSize=100&count=none&page=" +
            std::to_string(page));
        auto p = Pagination(response);
        for (const auto& row : RowsOf(response)) {
            ids.push_back(Str(row.at("id")));
            const std::string date = Str(row.at("dateTime"));
            EXPECT_LE(date, previous_date);
            previous_date = date;
        }
        if (!p.at("hasMore").as_bool()) {
            EXPECT_LE(RowsOf(response).size(), 100u);
            break;
        }
        EXPECT_EQ(RowsOf(response).size(), 100u);
    }
    EXPECT_EQ(static_cast<std::int64_t>(ids.size()), truth);
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

// The last page knows the exact total from the page itself, even where auto would estimate.
TEST_F(ListCountTest, TheLastPageGivesTheExactTotal) {
    const auto truth = CountInDb("\"numOfExpectedAttendees\" >= 500");
    const auto last = (truth + 999) / 1000;
    auto p =
        Pagination(List("filter=numOfExpectedAttendees:ge:500&sort=dateTime:desc&"
                        "pageSize=1000&page=" +
                        std::to_string(last)));
    EXPECT_EQ(p.at("total").as_int64(), truth);
    EXPECT_EQ(p.at("totalIsEstimate"), false);
    EXPECT_EQ(p.at("hasMore"), false);
}

TEST_F(ListCountTest, ABadCountIs400NamingTheValidValues) {
    for (const char* bad : {"count=planned", "count=1", "count=exactly"}) {
        EXPECT_TRUE(IsError(List(bad), 400, "invalid_argument",
                            "must be auto, exact, estimated or none, got", "count"))
            << bad;
    }
    // Empty means absent, as for the other list parameters.
    EXPECT_EQ(Pagination(List("count=&filter=numOfExpectedAttendees:ge:950")).at("totalIsEstimate"),
              false);
}

}  // namespace
}  // namespace ea::integration
