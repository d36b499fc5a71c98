// DocumentService::WriteAll: creates and updates of several entities in one transaction. A bad
// item anywhere (invalid, denied, or failing in the store) writes nothing, and the error names
// the item.
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using Write = DocumentService::BatchWrite;

class BatchWriteTest : public ServiceTest {
protected:
    std::size_t Count(std::string_view entity) { return AllRows(*store_, Entity(entity)).size(); }
};

TEST_F(BatchWriteTest, CreatesAndUpdatesTogether) {
    const auto rest = Context(Channel::kRest);
    auto event = documents_->Create(rest, Entity("Event"), EventBody("Before"));
    ASSERT_TRUE(event) << event.error().message;
    const std::string id(event->at("id").as_string());
    auto written = documents_->WriteAll(
        rest, {Write{Write::Op::kCreate, &Entity("Account"), "", Json(R"({"id": "acc_batch"})")},
               Write{Write::Op::kUpdate, &Entity("Event"), id, Json(R"({"title": "After"})")},
               Write{Write::Op::kCreate, &Entity("Event"), "", EventBody("New")}});
    ASSERT_TRUE(written) << written.error().message;
    ASSERT_EQ(written->size(), 3u);
    EXPECT_EQ((*written)[0].at("id"), boost::json::value("acc_batch"));
    EXPECT_EQ((*written)[1].at("title"), boost::json::value("After"));
    EXPECT_EQ((*written)[1].at("url"), boost::json::value("https://example.com/e")) << "a patch";
    EXPECT_EQ((*written)[2].at("title"), boost::json::value("New"));
    auto stored = documents_->Get(rest, Entity("Event"), id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->at("title"), boost::json::value("After"));
}

TEST_F(BatchWriteTest, ABadItemInTheMiddleWritesNothing) {
    const auto rest = Context(Channel::kRest);
    auto event = documents_->Create(rest, Entity("Event"), EventBody("Kept"));
    ASSERT_TRUE(event);
    const std::string id(event->at("id").as_string());
    const auto accounts = Count("Account");
    const auto events = Count("Event");
    Record bad = EventBody("Bad");
    bad["url"] = "not a url";
    auto written = documents_->WriteAll(
        rest, {Write{Write::Op::kCreate, &Entity("Account"), "", Json(R"({"id": "acc_gone"})")},
               Write{Write::Op::kUpdate, &Entity("Event"), id, Json(R"({"title": "Changed"})")},
               Write{Write::Op::kCreate, &Entity("Event"), "", bad},
               Write{Write::Op::kCreate, &Entity("Event"), "", EventBody("Fine")}});
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(written.error().fields.size(), 1u);
    EXPECT_EQ(written.error().fields[0].field, "[2].url");
    EXPECT_EQ(Count("Account"), accounts);
    EXPECT_EQ(Count("Event"), events);
    EXPECT_EQ(documents_->Get(rest, Entity("Event"), id)->at("title"), boost::json::value("Kept"));

    // A failure only the store sees (item 3 names no stored record) rolls back items 0-2 too.
    auto duplicate = documents_->WriteAll(
        rest,
        {Write{Write::Op::kCreate, &Entity("Account"), "", Json(R"({"id": "acc_gone"})")},
         Write{Write::Op::kUpdate, &Entity("Event"), id, Json(R"({"title": "Changed"})")},
         Write{Write::Op::kCreate, &Entity("Event"), "", EventBody("Dup")},
         Write{Write::Op::kUpdate, &Entity("Event"), "evt_missing", Json(R"({"title": "x"})")}});
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, ErrorCode::kNotFound) << duplicate.error().message;
    EXPECT_EQ(duplicate.error().message.rfind("[3] ", 0), 0u) << duplicate.error().message;
    EXPECT_EQ(Count("Account"), accounts);
    EXPECT_EQ(Count("Event"), events);
    EXPECT_EQ(documents_->Get(rest, Entity("Event"), id)->at("title"), boost::json::value("Kept"));
}

TEST_F(BatchWriteTest, ADeniedItemNamesItsIndexAndWritesNothing) {
    const std::string account = MakeAccount();
    const auto agent =
        Context(Channel::kMcp, kT0, Principal{"usr_agent", "claude", "ai_agent", account, true});
    const auto events = Count("Event");
    auto written = documents_->WriteAll(
        agent, {Write{Write::Op::kCreate, &Entity("Profile"), "",
                      Json(R"({"name": "x", "userId": "usr_nobody"})")},
                Write{Write::Op::kCreate, &Entity("Event"), "", EventBody("Nope")}});
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(written.error().message, "[1] ai_agent role cannot create Event");
    EXPECT_EQ(Count("Event"), events);
    EXPECT_EQ(Count("Profile"), 0u);
}

}  // namespace
}  // namespace ea::service::testing
