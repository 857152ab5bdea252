// QueueRegistry as a whole: names, idempotent creation, deletion and re-creation, listing, purge
// pacing, tags and optimistic updates, against a real MemoryQueueStore and a ManualClock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "queue_registry_fixture.hpp"

namespace sluice::core::testing {
namespace {

using sdk::ErrorCode;
using namespace std::chrono_literals;

// --- Names and creation ----------------------------------------------------------------------

TEST_F(QueueRegistryTest, CreateReturnsTheNameArnAndType) {
  auto standard = create("orders");
  EXPECT_EQ(standard.name, "orders");
  EXPECT_EQ(standard.arn, "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_FALSE(standard.fifo);
  auto fifo = create_fifo("orders.fifo");
  EXPECT_TRUE(fifo.fifo);
  auto info = registry_.info("orders.fifo");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->arn, "arn:aws:sqs:us-east-1:000000000000:orders.fifo");
}

TEST_F(QueueRegistryTest, InvalidNamesAreInvalidParameterValue) {
  for (const std::string& name :
       {std::string(), std::string(81, 'a'), std::string("has space"), std::string("dot.name"),
        std::string(".fifo"), std::string(77, 'a') + ".fifo"}) {
    auto created = registry_.create({name, {{"FifoQueue", "true"}}, {}});
    ASSERT_FALSE(created.ok()) << "'" << name << "'";
    EXPECT_EQ(created.code(), ErrorCode::kInvalidParameterValue) << name;
  }
}

TEST_F(QueueRegistryTest, NamesOfEightyCharactersAreAcceptedIncludingTheFifoSuffix) {
  create(std::string(80, 'a'));
  create_fifo(std::string(75, 'b') + ".fifo");
}

TEST_F(QueueRegistryTest, CreatingAgainWithTheSameAttributesReturnsTheExistingQueue) {
  create("q", {{"VisibilityTimeout", "45"}});
  auto generation = registry_.settings("q")->generation;
  auto again = registry_.create({"q", {{"VisibilityTimeout", "045"}}, {}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->arn, arn("q"));
  EXPECT_EQ(registry_.settings("q")->generation, generation);
}

TEST_F(QueueRegistryTest, CreatingAgainWithoutAttributesOrWithDefaultValuesSucceeds) {
  create("q", {{"VisibilityTimeout", "45"}});
  EXPECT_TRUE(registry_.create({"q", {}, {}}).ok());
  EXPECT_TRUE(registry_.create({"q", {{"DelaySeconds", "0"}}, {}}).ok());
  EXPECT_EQ(attribute("q", "VisibilityTimeout"), "45");
}

TEST_F(QueueRegistryTest, CreatingAgainWithADifferentValueIsQueueAlreadyExistsNamingTheAttribute) {
  create("q", {{"VisibilityTimeout", "45"}});
  auto again = registry_.create({"q", {{"VisibilityTimeout", "46"}}, {}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), ErrorCode::kQueueAlreadyExists);
  EXPECT_NE(again.error().message.find("A queue already exists with the same name and a "
                                       "different value for attribute VisibilityTimeout"),
            std::string::npos);
}

TEST_F(QueueRegistryTest, CreatingAgainWithTheSamePolicyInAnotherKeyOrderSucceeds) {
  create("q", {{"Policy", R"({"Version":"2012-10-17","Statement":[]})"}});
  EXPECT_TRUE(
      registry_.create({"q", {{"Policy", R"({"Statement":[], "Version":"2012-10-17"})"}}, {}})
          .ok());
}

TEST_F(QueueRegistryTest, ANameDeletedWithinTheDelayCannotBeCreatedUntilTheDelayPasses) {
  create("q");
  auto first_generation = registry_.settings("q")->generation;
  ASSERT_TRUE(registry_.remove("q").ok());
  clock_.advance(59s);
  auto early = registry_.create({"q", {}, {}});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.code(), ErrorCode::kQueueDeletedRecently);
  clock_.advance(1s);
  create("q");
  EXPECT_NE(registry_.settings("q")->generation, first_generation);
}

TEST_F(QueueRegistryTest, DeletingAMissingQueueIsQueueDoesNotExistNamingIt) {
  auto status = registry_.remove("ghost");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kQueueDoesNotExist);
  EXPECT_NE(status.error().message.find("ghost"), std::string::npos);
}

TEST_F(QueueRegistryTest, NameOfAcceptsOnlyQueueArnsOfThisRegionAndAccount) {
  EXPECT_EQ(registry_.name_of("arn:aws:sqs:us-east-1:000000000000:orders").value(), "orders");
  for (const char* arn_text :
       {"arn:aws:sqs:eu-west-1:000000000000:orders", "arn:aws:sqs:us-east-1:123456789012:orders",
        "arn:aws:sns:us-east-1:000000000000:orders",
        "arn:aws:sqs:us-east-1:000000000000:", "orders"}) {
    auto name = registry_.name_of(arn_text);
    ASSERT_FALSE(name.ok()) << arn_text;
    EXPECT_EQ(name.code(), ErrorCode::kResourceNotFound);
  }
}

// --- Listing ---------------------------------------------------------------------------------

TEST_F(QueueRegistryTest, ListReturnsQueuesWithThePrefixInNameOrder) {
  for (const char* name : {"b-2", "a-1", "b-1", "c-1"}) create(name);
  auto page = registry_.list("b-", 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names, (std::vector<std::string>{"b-1", "b-2"}));
  EXPECT_TRUE(page->next_token.empty());
}

TEST_F(QueueRegistryTest, ListPagesWithMaxResultsAndTheReturnedToken) {
  for (const char* name : {"q1", "q2", "q3", "q4", "q5"}) create(name);
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = registry_.list("q", 2, token);
    ASSERT_TRUE(page.ok()) << page.error().message;
    seen.insert(seen.end(), page->names.begin(), page->names.end());
    token = page->next_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"q1", "q2", "q3", "q4", "q5"}));
}

TEST_F(QueueRegistryTest, ListWithoutMaxResultsNeverReturnsAToken) {
  for (int i = 0; i < 3; ++i) create("q" + std::to_string(i));
  auto page = registry_.list("", 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->names.size(), 3u);
  EXPECT_TRUE(page->next_token.empty());
}

TEST_F(QueueRegistryTest, ListMaxResultsAboveOneThousandIsInvalidParameterValue) {
  auto page = registry_.list("", 1001, "");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRegistryTest, AllNamesReturnsEveryQueue) {
  for (const char* name : {"x", "y", "z"}) create(name);
  auto names = registry_.all_names();
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names.value(), (std::vector<std::string>{"x", "y", "z"}));
}

// --- Purge -----------------------------------------------------------------------------------

TEST_F(QueueRegistryTest, PurgeDeletesEveryMessage) {
  create("q");
  auto now = clock_.now();
  std::vector<sdk::NewMessage> messages = {{"m1", "a", now, now, "", ""},
                                           {"m2", "b", now, now + 30s, "", ""}};
  ASSERT_TRUE(store_->append("q", messages, sdk::AppendSpec{now}).ok());
  ASSERT_TRUE(registry_.purge("q").ok());
  auto counts = store_->counts("q", now);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->visible + counts->delayed + counts->in_flight, 0u);
}

TEST_F(QueueRegistryTest, ASecondPurgeWithinTheIntervalIsPurgeQueueInProgress) {
  create("q");
  ASSERT_TRUE(registry_.purge("q").ok());
  clock_.advance(59s);
  auto again = registry_.purge("q");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), ErrorCode::kPurgeQueueInProgress);
  EXPECT_EQ(again.error().message,
            "Only one PurgeQueue operation on q is allowed every 60 seconds.");
  clock_.advance(1s);
  EXPECT_TRUE(registry_.purge("q").ok());
}

TEST_F(QueueRegistryTest, PurgePacingHoldsAcrossBrokersSharingAStore) {
  create("q");
  QueueRegistry other(store_, options_, clock_, nullptr);
  ASSERT_TRUE(other.purge("q").ok());
  auto again = registry_.purge("q");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.code(), ErrorCode::kPurgeQueueInProgress);
}

TEST_F(QueueRegistryTest, PurgingAMissingQueueIsQueueDoesNotExist) {
  auto status = registry_.purge("ghost");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kQueueDoesNotExist);
}

// --- Tags ------------------------------------------------------------------------------------

TEST_F(QueueRegistryTest, TagsGivenAtCreationAreListed) {
  create("q", {}, {{"team", "payments"}, {"env", ""}});
  auto tags = registry_.tags("q");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value(), (sdk::TagMap{{"team", "payments"}, {"env", ""}}));
}

TEST_F(QueueRegistryTest, TagQueueAddsAndOverwritesAndUntagIgnoresUnknownKeys) {
  create("q", {}, {{"team", "payments"}});
  ASSERT_TRUE(registry_.tag("q", {{"team", "billing"}, {"cost", "42"}}).ok());
  ASSERT_TRUE(registry_.untag("q", {"cost", "never-set"}).ok());
  EXPECT_EQ(registry_.tags("q").value(), (sdk::TagMap{{"team", "billing"}}));
}

TEST_F(QueueRegistryTest, TagQueueWithoutTagsIsMissingParameter) {
  create("q");
  auto status = registry_.tag("q", {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kMissingParameter);
}

TEST_F(QueueRegistryTest, UntagWithoutKeysIsInvalidParameterValue) {
  create("q");
  auto status = registry_.untag("q", {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRegistryTest, MoreThanFiftyTagsAreRejectedAndNoneOfTheRequestIsApplied) {
  sdk::TagMap fifty;
  for (int i = 0; i < 50; ++i) fifty.emplace("k" + std::to_string(i), "v");
  create("q", {}, fifty);
  auto status = registry_.tag("q", {{"k0", "changed"}, {"one-more", "v"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(status.error().message.find("Too many tags added for queue q."), std::string::npos);
  EXPECT_EQ(registry_.tags("q")->at("k0"), "v");
  fifty.emplace("k50", "v");
  auto created = registry_.create({"r", {}, fifty});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(QueueRegistryTest, TagKeysMayHaveOneTo128CharactersAndValuesUpTo256) {
  create("q");
  EXPECT_TRUE(registry_.tag("q", {{std::string(128, 'k'), std::string(256, 'v')}}).ok());
  for (const auto& [key, value] : {std::pair{std::string(129, 'k'), std::string("v")},
                                   std::pair{std::string(), std::string("v")},
                                   std::pair{std::string("k"), std::string(257, 'v')},
                                   std::pair{std::string("aws:reserved"), std::string("v")},
                                   std::pair{std::string("bad#char"), std::string("v")}}) {
    auto status = registry_.tag("q", {{key, value}});
    ASSERT_FALSE(status.ok()) << key;
    EXPECT_EQ(status.code(), ErrorCode::kInvalidParameterValue) << key;
  }
}

// --- Optimistic updates ----------------------------------------------------------------------

// Forwards to a real store, but lets a test slip another write in just before the next
// update_queue, so the registry's write meets a newer version (kConflict) and must retry.
class InterferingStore final : public sdk::QueueStore {
 public:
  explicit InterferingStore(std::shared_ptr<sdk::QueueStore> inner) : inner_(std::move(inner)) {}
  std::function<void()> before_next_update;
  int updates = 0;

  sdk::Result<sdk::QueueRecord> create_queue(const sdk::QueueRecord& q) override {
    return inner_->create_queue(q);
  }
  sdk::Result<sdk::QueueRecord> get_queue(std::string_view name) override {
    return inner_->get_queue(name);
  }
  sdk::Result<sdk::QueueRecord> update_queue(const sdk::QueueRecord& q) override {
    ++updates;
    if (auto hook = std::exchange(before_next_update, nullptr)) hook();
    return inner_->update_queue(q);
  }
  sdk::Status delete_queue(std::string_view name) override { return inner_->delete_queue(name); }
  sdk::Result<sdk::ListQueuesPage> list_queues(std::string_view prefix, std::size_t max,
                                               std::string_view token) override {
    return inner_->list_queues(prefix, max, token);
  }
  sdk::Result<std::vector<sdk::AppendOutcome>> append(std::string_view queue,
                                                      std::span<const sdk::NewMessage> messages,
                                                      const sdk::AppendSpec& spec) override {
    return inner_->append(queue, messages, spec);
  }
  sdk::Result<sdk::ClaimResult> claim(std::string_view queue, const sdk::ClaimSpec& spec) override {
    return inner_->claim(queue, spec);
  }
  sdk::Result<std::vector<sdk::Status>> remove(std::string_view queue,
                                               std::span<const std::string> receipts) override {
    return inner_->remove(queue, receipts);
  }
  sdk::Result<std::vector<sdk::Status>> set_visibility(
      std::string_view queue, std::span<const sdk::VisibilityChange> changes,
      sdk::TimePoint now) override {
    return inner_->set_visibility(queue, changes, now);
  }
  sdk::Result<std::uint64_t> purge(std::string_view queue) override { return inner_->purge(queue); }
  sdk::Result<sdk::QueueCounts> counts(std::string_view queue, sdk::TimePoint now) override {
    return inner_->counts(queue, now);
  }
  sdk::Result<std::uint64_t> expire(std::string_view queue, sdk::TimePoint cutoff) override {
    return inner_->expire(queue, cutoff);
  }
  sdk::Result<sdk::MoveResult> move(std::string_view from, const sdk::MoveSpec& spec) override {
    return inner_->move(from, spec);
  }

 private:
  std::shared_ptr<sdk::QueueStore> inner_;
};

TEST_F(QueueRegistryTest, AWriteThatLosesARaceIsReappliedOnTopOfTheWinner) {
  auto interfering = std::make_shared<InterferingStore>(store_);
  QueueRegistry racing(interfering, options_, clock_, nullptr);
  ASSERT_TRUE(racing.create({"q", {}, {}}).ok());
  interfering->before_next_update = [&] {
    ASSERT_TRUE(registry_.tag("q", {{"by", "other"}}).ok());
  };
  ASSERT_TRUE(racing.set_attributes("q", {{"DelaySeconds", "12"}}).ok());
  EXPECT_EQ(interfering->updates, 2);  // the lost write and its retry
  EXPECT_EQ(attribute("q", "DelaySeconds"), "12");
  EXPECT_EQ(registry_.tags("q")->at("by"), "other");
}

TEST_F(QueueRegistryTest, ConcurrentTaggersNeverLoseEachOthersTags) {
  create("q");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        if (!registry_.tag("q", {{"t" + std::to_string(t) + "-" + std::to_string(i), "v"}}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(registry_.tags("q")->size(), 40u);
}

}  // namespace
}  // namespace sluice::core::testing
