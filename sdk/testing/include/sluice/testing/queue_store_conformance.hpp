// The storage conformance kit in one include: every QueueStore must pass all of these suites.
//
// Usage, at global namespace scope in one test file of your store:
//
//   #include "sluice/testing/queue_store_conformance.hpp"
//   struct MyStoreFactory {
//     static std::shared_ptr<sluice::sdk::QueueStore> create() { return ...; }
//   };
//   SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(MyStore, MyStoreFactory);
//
// and link the CMake target sluice_storage_kit (plus GTest::gtest_main, or your own main). Each
// test calls Factory::create() for a fresh store object and uses queue names no other test shares,
// so a factory may hand out stores over one shared backend (PostgreSQL, Redis) that keeps old data.
#pragma once

#include "sluice/testing/queue_store_concurrency.hpp"
#include "sluice/testing/queue_store_dead_letter.hpp"
#include "sluice/testing/queue_store_dedup.hpp"
#include "sluice/testing/queue_store_delays_and_counts.hpp"
#include "sluice/testing/queue_store_fair_queues.hpp"
#include "sluice/testing/queue_store_fifo.hpp"
#include "sluice/testing/queue_store_fixture.hpp"
#include "sluice/testing/queue_store_messages.hpp"
#include "sluice/testing/queue_store_missing_queue.hpp"
#include "sluice/testing/queue_store_queues.hpp"
#include "sluice/testing/queue_store_receipts.hpp"
#include "sluice/testing/queue_store_retention_and_move.hpp"
#include "sluice/testing/queue_store_visibility.hpp"

// Instantiates every conformance suite for FactoryType, naming the tests Prefix/<Suite>/0.<Test>.
// Use it once per store, at global namespace scope (it opens namespace sluice::conformance).
#define SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE(Prefix, FactoryType)            \
  namespace sluice::conformance {                                                  \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreQueues, FactoryType);           \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreMessages, FactoryType);         \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreDelaysAndCounts, FactoryType);  \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreVisibility, FactoryType);       \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreReceipts, FactoryType);         \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreDeadLetter, FactoryType);       \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreRetentionAndMove, FactoryType); \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreFifo, FactoryType);             \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreDedup, FactoryType);            \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreMissingQueue, FactoryType);     \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreConcurrency, FactoryType);      \
  INSTANTIATE_TYPED_TEST_SUITE_P(Prefix, QueueStoreFairQueues, FactoryType);       \
  }                                                                                \
  static_assert(true, "SLUICE_INSTANTIATE_QUEUE_STORE_CONFORMANCE needs a trailing semicolon")
