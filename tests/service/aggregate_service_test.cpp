// DocumentService::Aggregate on a real SQLite file: values checked against sums worked out by
// hand on a six-row dataset, group-by, the group bound, and the read rules (hidden, write-only and
// forbidden-filter fields refused with the read denials; the row scope applied).
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "query/aggregate.hpp"
#include "service_fixture.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::service::testing {
namespace {

constexpr const char* kShopSchema = R"(Account:
  fields:
    name: String
Sale:
  fields:
    city: String
    price: Number
    qty: Integer
    margin: Number
    paid: Boolean
    day: Date
    accountId: ObjectId
rbac:
  admin:
    entities:
      "*": {read: true}
  agent:
    entities:
      Sale:
        read: true
        field_restrictions:
          margin: hidden
        forbidden_filters: [qty]
  tenant:
    row_scope: Account
    entities:
      Sale: {read: true}
)";

// city, price, qty, margin, paid, day, account. Hand-computed:
//   all: count 6, sum(price) 10+20+30+5+15+null = 80, avg(price) 80/5 = 16, sum(qty) 12,
//        min(day) 2026-01-02, max(day) 2026-03-01
//   Oakland (3): sum(price) 60, avg 20, qty 1+2+3 = 6; Berkeley (2): price 5 + 15 = 20, avg 10,
//   qty 4; null city (1): price null, qty 2
//   acc_one (rows 1, 2, 4): count 3, sum(price) 35
struct Row {
    const char* city;
    double price;  // < 0: null
    int qty;
    double margin;
    bool paid;
    const char* day;
    const char* account;
};
const Row kRows[] = {
    {"Oakland", 10, 1, 1.5, true, "2026-01-02", "acc_one"},
    {"Oakland", 20, 2, 2.5, false, "2026-02-01", "acc_one"},
    {"Oakland", 30, 3, 3.5, true, "2026-02-15", "acc_two"},
    {"Berkeley", 5, 1, 0.5, true, "2026-03-01", "acc_one"},
    {"Berkeley", 15, 3, 0.5, false, "2026-01-20", "acc_two"},
    {nullptr, -1, 2, 0.1, true, "2026-02-02", "acc_two"},
};

class AggregateServiceTest : public ::testing::Test {
protected:
    AggregateServiceTest() : schema_(ea::testing::SchemaFromText(kShopSchema)) {
        auto opened = store::OpenStore(
            store::StoreConfig{"sqlite://" + (dir_ / "shop.db").string()}, *schema_);
        if (!opened) {
            ADD_FAILURE() << opened.error().message;
            std::abort();
        }
        store_ = *std::move(opened);
    }
    virtual ServiceLimits Limits() const { return {}; }

    void SetUp() override {
        // Here, not in the constructor, so a subclass's Limits() is the one called.
        documents_ = std::make_unique<DocumentService>(*schema_, *store_, Limits());
        const auto cli = Context(Channel::kCli);
        for (const char* account : {"acc_one", "acc_two"}) {
            ASSERT_TRUE(documents_->Create(cli, Entity("Account"), Record{{"id", account}}));
        }
        for (const auto& row : kRows) {
            Record body{{"qty", row.qty},
                        {"margin", row.margin},
                        {"paid", row.paid},
                        {"day", row.day},
                        {"accountId", row.account}};
            if (row.city != nullptr) {
                body["city"] = row.city;
            }
            if (row.price >= 0) {
                body["price"] = row.price;
            }
            auto created = documents_->Create(cli, Entity("Sale"), body);
            ASSERT_TRUE(created) << created.error().message;
        }
    }

    const schema::Entity& Entity(std::string_view name) const { return *schema_->FindEntity(name); }
    static RequestContext As(const std::string& role, const std::string& account = "") {
        return Context(Channel::kRest, kT0, Principal{"usr_1", "u", role, account, true});
    }
    query::AggregateQuery Parse(const char* metrics, const char* group_by = nullptr,
                                const char* filter = nullptr) const {
        query::AggregateArguments arguments;
        arguments.metrics = metrics;
        if (group_by != nullptr) {
            arguments.group_by = group_by;
        }
        if (filter != nullptr) {
            arguments.filter = boost::json::parse(filter);
        }
        auto parsed =
            query::BuildAggregateQuery(Entity("Sale"), arguments, query::kMcpListDefaults);
        if (!parsed) {
            ADD_FAILURE() << parsed.error().message;
            return {};
        }
        return *std::move(parsed);
    }
    Result<store::AggregateResult> Run(const RequestContext& ctx, const char* metrics,
                                       const char* group_by = nullptr,
                                       const char* filter = nullptr) {
        return documents_->Aggregate(ctx, Entity("Sale"), Parse(metrics, group_by, filter));
    }
    static std::string Text(const std::vector<boost::json::value>& values) {
        return boost::json::serialize(boost::json::array(values.begin(), values.end()));
    }

    ea::testing::TempDir dir_;
    schema::SchemaPtr schema_;
    store::DocumentStorePtr store_;
    std::unique_ptr<DocumentService> documents_;
};

TEST_F(AggregateServiceTest, EveryMetricOverAllRows) {
    auto result = Run(As("admin"), "count,sum:price,avg:price,sum:qty,min:day,max:day,count:city");
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->groups.size(), 1u);
    EXPECT_FALSE(result->truncated);
    EXPECT_TRUE(result->groups[0].keys.empty());
    EXPECT_EQ(Text(result->groups[0].values), R"([6,8E1,1.6E1,12,"2026-01-02","2026-03-01",5])");
}

TEST_F(AggregateServiceTest, GroupByOrdersGroupsNullFirst) {
    auto result = Run(As("admin"), "count,sum:price,avg:price,sum:qty", "city");
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->groups.size(), 3u);
    EXPECT_EQ(Text(result->groups[0].keys), "[null]");
    EXPECT_EQ(Text(result->groups[0].values), "[1,null,null,2]");
    EXPECT_EQ(Text(result->groups[1].keys), R"(["Berkeley"])");
    EXPECT_EQ(Text(result->groups[1].values), "[2,2E1,1E1,4]");
    EXPECT_EQ(Text(result->groups[2].keys), R"(["Oakland"])");
    EXPECT_EQ(Text(result->groups[2].values), "[3,6E1,2E1,6]");
}

TEST_F(AggregateServiceTest, FilterAndTwoGroupFields) {
    auto result =
        Run(As("admin"), "count,max:price", "city,paid", R"({"day": {"$gte": "2026-02-01"}})");
    ASSERT_TRUE(result) << result.error().message;
    // Rows 2 (Oakland, unpaid, 20), 3 (Oakland, paid, 30), 4 (Berkeley, paid, 5), 6 (null).
    ASSERT_EQ(result->groups.size(), 4u);
    EXPECT_EQ(Text(result->groups[0].keys), "[null,true]");
    EXPECT_EQ(Text(result->groups[1].keys), R"(["Berkeley",true])");
    EXPECT_EQ(Text(result->groups[1].values), "[1,5E0]");
    EXPECT_EQ(Text(result->groups[2].keys), R"(["Oakland",false])");
    EXPECT_EQ(Text(result->groups[3].keys), R"(["Oakland",true])");
    EXPECT_EQ(Text(result->groups[3].values), "[1,3E1]");
}

TEST_F(AggregateServiceTest, NoMatchingRowGivesOneGroupOfZero) {
    auto result = Run(As("admin"), "count,sum:price", nullptr, R"({"city": "Nowhere"})");
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->groups.size(), 1u);
    EXPECT_EQ(Text(result->groups[0].values), "[0,null]");
}

class SmallGroupBound : public AggregateServiceTest {
protected:
    ServiceLimits Limits() const override { return ServiceLimits{1000, 2}; }
};

TEST_F(SmallGroupBound, GroupsPastTheBoundAreTruncated) {
    auto result = Run(As("admin"), "count", "city");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_TRUE(result->truncated);
    ASSERT_EQ(result->groups.size(), 2u);
    EXPECT_EQ(Text(result->groups[1].keys), R"(["Berkeley"])");
    auto day = Run(As("admin"), "count", "paid");  // two groups: exactly at the bound
    ASSERT_TRUE(day) << day.error().message;
    EXPECT_FALSE(day->truncated);
    EXPECT_EQ(day->groups.size(), 2u);
}

TEST_F(AggregateServiceTest, HiddenAndForbiddenFieldsAreRefusedAsReadsAre) {
    const auto agent = As("agent");
    const auto expect = [](const Result<store::AggregateResult>& result, const char* message) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::kForbidden);
        EXPECT_EQ(result.error().message, message);
    };
    expect(Run(agent, "sum:margin"), "agent role cannot sum Sale on margin");
    expect(Run(agent, "max:margin"), "agent role cannot max Sale on margin");
    expect(Run(agent, "count:margin"), "agent role cannot count Sale on margin");
    expect(Run(agent, "count", "margin"), "agent role cannot group Sale on margin");
    expect(Run(agent, "avg:qty"), "agent role cannot avg Sale on qty");
    expect(Run(agent, "count", "qty"), "agent role cannot group Sale on qty");
    // The filter's rule is the list's, with the list's message.
    expect(Run(agent, "count", nullptr, R"({"qty": {"$gt": 1}})"),
           "agent role cannot filter Sale on qty");
    expect(
        Run(agent, "count", nullptr, R"({"$or": [{"city": "x"}, {"margin": {"$exists": true}}]})"),
        "agent role cannot filter Sale on margin");
    expect(Run(As("nobody"), "count"), "nobody role cannot read Sale");
    // What the role may use still works.
    auto allowed = Run(agent, "sum:price", "city");
    ASSERT_TRUE(allowed) << allowed.error().message;
    EXPECT_EQ(allowed->groups.size(), 3u);
}

TEST_F(AggregateServiceTest, RowScopeApplies) {
    auto result = Run(As("tenant", "acc_one"), "count,sum:price");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(Text(result->groups[0].values), "[3,3.5E1]");
    auto grouped = Run(As("tenant", "acc_one"), "count", "city");
    ASSERT_TRUE(grouped) << grouped.error().message;
    ASSERT_EQ(grouped->groups.size(), 2u);  // Berkeley 1, Oakland 2: no row of acc_two
    EXPECT_EQ(Text(grouped->groups[0].values), "[1]");
    EXPECT_EQ(Text(grouped->groups[1].values), "[2]");
    auto no_account = Run(As("tenant"), "count");
    ASSERT_FALSE(no_account);
    EXPECT_EQ(no_account.error().message, "tenant role cannot read Sale without an account");
}

TEST(AggregateQueryTest, ShapeErrorsNameTheArgument) {
    const auto schema = ea::testing::SchemaFromText(kShopSchema);
    const auto& sale = *schema->FindEntity("Sale");
    const auto error = [&](const char* metrics, const char* group_by) {
        query::AggregateArguments arguments;
        arguments.metrics = metrics;
        if (group_by != nullptr) {
            arguments.group_by = group_by;
        }
        auto parsed = query::BuildAggregateQuery(sale, arguments, query::kMcpListDefaults);
        return parsed ? std::string("accepted") : parsed.error().message;
    };
    EXPECT_EQ(error("sum:city", nullptr),
              "metrics: sum needs a numeric field; Sale.city is String");
    EXPECT_EQ(error("avg:day", nullptr), "metrics: avg needs a numeric field; Sale.day is Date");
    EXPECT_EQ(error("median:price", nullptr),
              "metrics: unknown op \"median\"; ops: count, sum, avg, min, max");
    EXPECT_EQ(error("sum", nullptr), "metrics: sum needs a field");
    EXPECT_EQ(error("count,count", nullptr), "metrics: count is asked for twice");
    EXPECT_EQ(error("count", "city,city"), "groupBy: city is named twice");
    EXPECT_EQ(error("count", "a,b,c,d"), "groupBy: at most 3 fields");
    EXPECT_NE(error("sum:nope", nullptr).find("unknown field"), std::string::npos);
    EXPECT_EQ(error("count,sum:price", "City"), "accepted") << "field names ignore case";
}

}  // namespace
}  // namespace ea::service::testing
