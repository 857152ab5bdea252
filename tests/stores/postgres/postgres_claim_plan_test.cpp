// Claims cost O(batch): checked on the query plans PostgreSQL actually runs. The claim function is
// called directly with auto_explain on (plans of the statements inside it, with actual row
// counts, arrive as notices), on queues where a scan would have to walk thousands of rows: the
// statements that pick messages or groups must use their indexes and touch only about as many
// rows as the claim takes.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "postgres_test_env.hpp"

namespace sluice::plugins::postgres::testing {
namespace {

sdk::TimePoint at(std::int64_t ms) { return sdk::from_unix_millis(1'700'000'000'000 + ms); }

class NoticeCollector final : public pqxx::errorhandler {
 public:
  explicit NoticeCollector(pqxx::connection_base& connection) : pqxx::errorhandler(connection) {}
  bool operator()(const char message[]) noexcept override {
    try {
      notices.emplace_back(message);
    } catch (...) {
    }
    return true;
  }
  std::vector<std::string> notices;
};

class PostgresClaimPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = fresh_schema("plans");
    auto store = PostgresQueueStore::open(test_options(schema_), nullptr);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
  }

  // Appends `count` messages to `queue` in batches, sent at `sent`, visible after `delay` ms, all
  // of tenant `group`, or (fifo_groups > 0) spread over FIFO groups <group>0 .. <group>N-1.
  void fill(const std::string& queue, int count, const std::string& tag, std::int64_t sent,
            std::int64_t delay = 0, const std::string& group = "", int fifo_groups = 0) {
    for (int first = 0; first < count; first += 500) {
      std::vector<sdk::NewMessage> batch;
      for (int i = first; i < std::min(count, first + 500); ++i) {
        sdk::NewMessage m;
        m.message_id = tag + std::to_string(i);
        m.envelope = "body";
        m.sent_at = at(sent);
        m.visible_at = at(sent + delay);
        m.group_id = fifo_groups > 0 ? group + std::to_string(i % fifo_groups) : group;
        if (fifo_groups > 0) m.dedup_key = m.message_id;
        batch.push_back(std::move(m));
      }
      sdk::AppendSpec spec;
      spec.now = at(sent);
      ASSERT_TRUE(store_->append(queue, batch, spec).ok());
    }
  }
  void hold(const std::string& queue, std::uint32_t count, std::int64_t now) {
    sdk::ClaimSpec spec;
    spec.now = at(now);
    spec.max_messages = count;
    spec.visibility = std::chrono::hours(1);
    auto claimed = store_->claim(queue, spec);
    ASSERT_TRUE(claimed.ok()) << claimed.error().message;
    ASSERT_EQ(claimed->deliveries.size(), count);
  }

  // The plans of the row-picking statements (FOR UPDATE) of one claim of up to 10 messages.
  std::vector<std::string> picking_plans(const std::string& queue, std::int64_t now) {
    pqxx::connection connection(test_conninfo());
    std::vector<std::string> plans;
    {
      NoticeCollector notices(connection);
      pqxx::nontransaction tx(connection);
      tx.exec("ANALYZE \"" + schema_ + "\".messages");
      tx.exec("ANALYZE \"" + schema_ + "\".fifo_groups");
      tx.exec("LOAD 'auto_explain'");
      tx.exec(
          "SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; "
          "SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice; "
          "SET client_min_messages = notice");
      const auto sql = "SELECT * FROM \"" + schema_ + "\".claim(" + tx.quote(queue) + ", " +
                       std::to_string(sdk::to_unix_millis(at(now))) +
                       ", 30000, 10, 0, '', false, 120000, 30, 10)";
      const auto rows = tx.exec(sql);
      delivered_ = static_cast<int>(rows.size()) - 1;
      for (const auto& notice : notices.notices) {
        if (notice.find("FOR UPDATE") != std::string::npos) plans.push_back(notice);
      }
    }
    return plans;
  }

  // Fails unless no plan scans a whole table and no index scan node returns more than `limit`
  // rows in total (rows x loops).
  static void expect_bounded(const std::vector<std::string>& plans, long limit) {
    ASSERT_FALSE(plans.empty()) << "auto_explain reported no row-picking statement";
    static const std::regex node(
        R"(((?:Index|Index Only) Scan[^\n(]*)\(cost=[^)]*\) \(actual time=[0-9.]+\.\.[0-9.]+ rows=([0-9]+) loops=([0-9]+)\))");
    for (const auto& plan : plans) {
      EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
      EXPECT_EQ(plan.find("Bitmap Heap Scan"), std::string::npos) << plan;
      int nodes = 0;
      for (auto it = std::sregex_iterator(plan.begin(), plan.end(), node);
           it != std::sregex_iterator(); ++it, ++nodes) {
        const long rows = std::stol((*it)[2]) * std::stol((*it)[3]);
        EXPECT_LE(rows, limit) << (*it)[1] << "returned " << rows << " rows in\n" << plan;
      }
      EXPECT_GT(nodes, 0) << "no index scan in\n" << plan;
    }
  }

  std::string schema_;
  std::unique_ptr<PostgresQueueStore> store_;
  int delivered_ = 0;
};

TEST_F(PostgresClaimPlanTest, AStandardClaimStepsOverNeitherInFlightNorDelayedMessages) {
  ASSERT_TRUE(store_->create_queue({"std", false, 1, 0, ""}).ok());
  fill("std", 3000, "held-", 0);
  hold("std", 3000, 1);
  fill("std", 3000, "later-", 2, 3'600'000);
  fill("std", 10, "ready-", 3);
  expect_bounded(picking_plans("std", 10), 10);
  EXPECT_EQ(delivered_, 10);
}

TEST_F(PostgresClaimPlanTest, AFifoClaimStepsOverNoLockedGroup) {
  ASSERT_TRUE(store_->create_queue({"g.fifo", true, 1, 0, ""}).ok());
  fill("g.fifo", 1000, "head-", 0, 0, "busy", 1000);
  for (int i = 0; i < 10; ++i) hold("g.fifo", 100, 1);   // 1000 groups, each head in flight
  fill("g.fifo", 2000, "backlog-", 2, 0, "busy", 1000);  // and a backlog behind every head
  fill("g.fifo", 5, "free-", 3, 0, "free", 5);           // 5 more groups, ready
  expect_bounded(picking_plans("g.fifo", 10), 10);
  EXPECT_EQ(delivered_, 5);
}

TEST_F(PostgresClaimPlanTest, AFairClaimNeverWalksANoisyTenantsBacklog) {
  ASSERT_TRUE(store_->create_queue({"fair", false, 1, 0, ""}).ok());
  fill("fair", 4000, "noisy-", 0, 0, "noisy");
  hold("fair", 40, 1);  // "noisy" holds all 40 messages in flight: it is noisy
  fill("fair", 2, "quiet-", 2, 0, "quiet");
  fill("fair", 1, "loose-", 2);
  // Three tenants ("", noisy, quiet): at most a batch from each of the two quiet ones, and the
  // oldest-first pass then takes the rest of the batch from the noisy backlog.
  expect_bounded(picking_plans("fair", 10), 20);
  EXPECT_EQ(delivered_, 10);
}

}  // namespace
}  // namespace sluice::plugins::postgres::testing
