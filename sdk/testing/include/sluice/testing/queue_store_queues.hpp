// Conformance: queue records. create/get/update/delete/list, optimistic versions, generations
// and the opaque metadata round trip.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "sluice/testing/queue_store_fixture.hpp"

namespace sluice::conformance {

template <typename Factory>
class QueueStoreQueues : public QueueStoreTest<Factory> {};
TYPED_TEST_SUITE_P(QueueStoreQueues);

TYPED_TEST_P(QueueStoreQueues, CreateQueueReturnsTheRecordAtVersionOne) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto created, this->create_queue("orders", false, "attrs"));
  EXPECT_EQ(created.name, this->queue_name("orders"));
  EXPECT_FALSE(created.fifo);
  EXPECT_EQ(created.version, 1u);
  EXPECT_EQ(created.metadata, "attrs");
}

TYPED_TEST_P(QueueStoreQueues, GetQueueReturnsTheCreatedRecordWithBinaryMetadataIntact) {
  std::string metadata("\0\x01\x02meta\xff", 8);
  metadata += std::string(4096, 'm');
  SLUICE_ASSERT_OK_AND_ASSIGN(auto created, this->create_queue("jobs", true, metadata));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto got, this->store().get_queue(this->queue_name("jobs", true)));
  EXPECT_EQ(got.name, this->queue_name("jobs", true));
  EXPECT_TRUE(got.fifo);
  EXPECT_EQ(got.generation, created.generation);
  EXPECT_EQ(got.version, 1u);
  EXPECT_EQ(got.metadata, metadata);
}

TYPED_TEST_P(QueueStoreQueues, CreatingATakenNameFailsWithQueueAlreadyExists) {
  SLUICE_ASSERT_OK(this->create_queue("dup", false, "first"));
  SLUICE_EXPECT_ERROR(this->create_queue("dup", false, "second"),
                      sdk::ErrorCode::kQueueAlreadyExists);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto got, this->store().get_queue(this->queue_name("dup")));
  EXPECT_EQ(got.metadata, "first");
}

TYPED_TEST_P(QueueStoreQueues, GetOfAMissingQueueFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->store().get_queue(this->queue_name("never-created")),
                      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreQueues, UpdateReplacesMetadataAndBumpsTheVersion) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto record, this->create_queue("cfg", false, "v1"));
  record.metadata = "v2";
  SLUICE_ASSERT_OK_AND_ASSIGN(auto updated, this->store().update_queue(record));
  EXPECT_EQ(updated.version, 2u);
  EXPECT_EQ(updated.metadata, "v2");
  updated.metadata = "v3";
  SLUICE_ASSERT_OK_AND_ASSIGN(auto again, this->store().update_queue(updated));
  EXPECT_EQ(again.version, 3u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto got, this->store().get_queue(record.name));
  EXPECT_EQ(got.version, 3u);
  EXPECT_EQ(got.metadata, "v3");
}

TYPED_TEST_P(QueueStoreQueues, UpdateWithAStaleVersionFailsWithConflict) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto original, this->create_queue("race", false, "v1"));
  auto winner = original;
  winner.metadata = "winner";
  SLUICE_ASSERT_OK(this->store().update_queue(winner));
  auto loser = original;  // still carries version 1
  loser.metadata = "loser";
  SLUICE_EXPECT_ERROR(this->store().update_queue(loser), sdk::ErrorCode::kConflict);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto got, this->store().get_queue(original.name));
  EXPECT_EQ(got.metadata, "winner");
  EXPECT_EQ(got.version, 2u);
}

TYPED_TEST_P(QueueStoreQueues, UpdateNeverChangesTheFifoFlagOrTheGeneration) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto original, this->create_queue("fixed"));
  auto changed = original;
  changed.fifo = true;
  changed.metadata = "new";
  (void)this->store().update_queue(changed);  // ok or refused: either way nothing else changes
  SLUICE_ASSERT_OK_AND_ASSIGN(auto got, this->store().get_queue(original.name));
  EXPECT_FALSE(got.fifo);
  EXPECT_EQ(got.generation, original.generation);
  EXPECT_EQ(got.name, original.name);
}

TYPED_TEST_P(QueueStoreQueues, UpdateOfAMissingQueueFailsWithQueueDoesNotExist) {
  sdk::QueueRecord record;
  record.name = this->queue_name("ghost");
  record.version = 1;
  record.generation = 7;
  SLUICE_EXPECT_ERROR(this->store().update_queue(record), sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreQueues, DeletedQueueIsGoneFromGetAndList) {
  SLUICE_ASSERT_OK(this->create_queue("doomed"));
  SLUICE_ASSERT_OK(this->store().delete_queue(this->queue_name("doomed")));
  SLUICE_EXPECT_ERROR(this->store().get_queue(this->queue_name("doomed")),
                      sdk::ErrorCode::kQueueDoesNotExist);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto page, this->store().list_queues(this->name_prefix(), 100, ""));
  EXPECT_TRUE(page.queues.empty());
}

TYPED_TEST_P(QueueStoreQueues, DeleteOfAMissingQueueFailsWithQueueDoesNotExist) {
  SLUICE_EXPECT_ERROR(this->store().delete_queue(this->queue_name("ghost")),
                      sdk::ErrorCode::kQueueDoesNotExist);
}

TYPED_TEST_P(QueueStoreQueues, DeleteQueueDropsItsMessages) {
  SLUICE_ASSERT_OK(this->create_queue("drop"));
  const std::string q = this->queue_name("drop");
  SLUICE_ASSERT_OK(this->append(q, {this->message("a"), this->message("b")}));
  SLUICE_ASSERT_OK(this->store().delete_queue(q));
  SLUICE_ASSERT_OK(this->create_queue("drop"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto counts, this->store().counts(q, this->at(0)));
  EXPECT_EQ(counts.visible + counts.in_flight + counts.delayed, 0u);
  SLUICE_ASSERT_OK_AND_ASSIGN(auto claimed, this->claim(q, this->at(0)));
  EXPECT_TRUE(claimed.deliveries.empty());
}

TYPED_TEST_P(QueueStoreQueues, RecreatedQueueHasANewGenerationAndStartsAtVersionOne) {
  SLUICE_ASSERT_OK_AND_ASSIGN(auto first, this->create_queue("phoenix", false, "old"));
  auto bumped = first;
  SLUICE_ASSERT_OK(this->store().update_queue(bumped));
  SLUICE_ASSERT_OK(this->store().delete_queue(first.name));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto second, this->create_queue("phoenix", false, "new"));
  EXPECT_NE(second.generation, first.generation);
  EXPECT_EQ(second.version, 1u);
  EXPECT_EQ(second.metadata, "new");
}

TYPED_TEST_P(QueueStoreQueues, ListQueuesReturnsOnlyMatchingNamesInAscendingOrder) {
  for (const char* role : {"list-b", "list-a", "other", "list-c"}) {
    SLUICE_ASSERT_OK(this->create_queue(role, false, std::string("meta-") + role));
  }
  SLUICE_ASSERT_OK(this->create_queue("list-d", true, "meta-list-d"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto page,
                              this->store().list_queues(this->name_prefix() + "list-", 100, ""));
  std::vector<std::string> names;
  for (const auto& record : page.queues) names.push_back(record.name);
  EXPECT_EQ(names, (std::vector<std::string>{this->queue_name("list-a"), this->queue_name("list-b"),
                                             this->queue_name("list-c"),
                                             this->queue_name("list-d", true)}));
  EXPECT_TRUE(page.next_token.empty());
  ASSERT_EQ(page.queues.size(), 4u);
  EXPECT_EQ(page.queues[0].metadata, "meta-list-a");
  EXPECT_FALSE(page.queues[0].fifo);
  EXPECT_TRUE(page.queues[3].fifo);
}

TYPED_TEST_P(QueueStoreQueues, ListQueuesPagesThroughEveryQueueWithTokens) {
  std::vector<std::string> expected;
  for (const char* role : {"p3", "p1", "p5", "p2", "p4"}) {
    SLUICE_ASSERT_OK(this->create_queue(role));
    expected.push_back(this->queue_name(role));
  }
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    ASSERT_LT(++pages, 10) << "paging did not end; last token: " << token;
    SLUICE_ASSERT_OK_AND_ASSIGN(auto page,
                                this->store().list_queues(this->name_prefix(), 2, token));
    EXPECT_LE(page.queues.size(), 2u);
    for (const auto& record : page.queues) seen.push_back(record.name);
    token = page.next_token;
  } while (!token.empty());
  EXPECT_EQ(seen, expected);
}

TYPED_TEST_P(QueueStoreQueues, ListQueuesWithAnUnmatchedPrefixReturnsAnEmptyPage) {
  SLUICE_ASSERT_OK(this->create_queue("present"));
  SLUICE_ASSERT_OK_AND_ASSIGN(auto page,
                              this->store().list_queues(this->name_prefix() + "absent", 10, ""));
  EXPECT_TRUE(page.queues.empty());
  EXPECT_TRUE(page.next_token.empty());
}

REGISTER_TYPED_TEST_SUITE_P(
    QueueStoreQueues, CreateQueueReturnsTheRecordAtVersionOne,
    GetQueueReturnsTheCreatedRecordWithBinaryMetadataIntact,
    CreatingATakenNameFailsWithQueueAlreadyExists, GetOfAMissingQueueFailsWithQueueDoesNotExist,
    UpdateReplacesMetadataAndBumpsTheVersion, UpdateWithAStaleVersionFailsWithConflict,
    UpdateNeverChangesTheFifoFlagOrTheGeneration, UpdateOfAMissingQueueFailsWithQueueDoesNotExist,
    DeletedQueueIsGoneFromGetAndList, DeleteOfAMissingQueueFailsWithQueueDoesNotExist,
    DeleteQueueDropsItsMessages, RecreatedQueueHasANewGenerationAndStartsAtVersionOne,
    ListQueuesReturnsOnlyMatchingNamesInAscendingOrder, ListQueuesPagesThroughEveryQueueWithTokens,
    ListQueuesWithAnUnmatchedPrefixReturnsAnEmptyPage);

}  // namespace sluice::conformance
