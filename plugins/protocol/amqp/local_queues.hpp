// What this front end knows about queues beyond what the store keeps: which connection owns an
// exclusive queue, which queues are auto-delete, and how many consumers each queue has here.
// All of it is per process (another sluiced sharing the store does not see it); docs/amqp.md
// says so. Thread-safe: connections on different I/O threads share one instance.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reply_codes.hpp"

namespace sluice::plugins::amqp {

class LocalQueues {
 public:
  using ConnectionId = std::uint64_t;

  // 405 RESOURCE_LOCKED if `queue` is exclusive to another connection.
  std::optional<AmqpError> check_access(const std::string& queue, ConnectionId connection) const;
  // Records a declare by `connection`. Checks first, as queue.declare does on an existing queue:
  // exclusive to another connection -> 405; asking for exclusive use of a queue that exists and
  // is not ours -> 405; auto-delete differing from what this process recorded -> 406.
  std::optional<AmqpError> check_declare(const std::string& queue, ConnectionId connection,
                                         bool exclusive, bool auto_delete, bool exists) const;
  void record_declare(const std::string& queue, ConnectionId connection, bool exclusive,
                      bool auto_delete);

  // Consumers: 403 ACCESS_REFUSED if the queue has an exclusive consumer, or if `exclusive` and
  // it has any consumer.
  std::optional<AmqpError> add_consumer(const std::string& queue, bool exclusive);
  // True when that was the last consumer of an auto-delete queue that must now be deleted.
  bool remove_consumer(const std::string& queue);
  std::uint32_t consumer_count(const std::string& queue) const;

  // The queue is gone: forget everything about it.
  void forget(const std::string& queue);
  // The exclusive queues of a closing connection (to delete), forgotten here.
  std::vector<std::string> release_connection(ConnectionId connection);

 private:
  struct State {
    std::optional<ConnectionId> owner;  // exclusive queues
    bool auto_delete = false;
    std::uint32_t consumers = 0;
    bool exclusive_consumer = false;
  };

  mutable std::mutex mutex_;
  std::map<std::string, State> queues_;
};

}  // namespace sluice::plugins::amqp
