// RedisConnection: one synchronous hiredis connection, authenticated and on the right database.
//
// Threading: not thread-safe; one thread uses a connection at a time (the pool hands it out).
// Failures are values: a connection that hit an I/O error (reset, EOF, timeout) reports
// kServiceUnavailable naming the endpoint and marks itself broken(); its owner discards it.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "redis_reply.hpp"
#include "redis_store_options.hpp"
#include "sluice/sdk/result.hpp"

namespace sluice::plugins::redis {

class RedisConnection {
 public:
  // Connects within options.connect_timeout_ms, sets options.command_timeout_ms as the socket
  // timeout and TCP keep-alive, sends AUTH (user + password, or password alone) and SELECT.
  // kServiceUnavailable when the server is unreachable or refuses AUTH/SELECT.
  static sdk::Result<std::unique_ptr<RedisConnection>> open(const RedisStoreOptions& options);

  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends every command in one write and reads one reply per command: one round trip. Error
  // replies are returned as replies (the caller interprets them); only I/O failures are errors.
  sdk::Result<std::vector<Reply>> run(std::span<const Command> commands);
  sdk::Result<Reply> run(const Command& command);

  bool broken() const { return broken_; }
  // False when the server has closed the connection or sent something nobody asked for (its
  // socket is readable while no command is outstanding). Costs one poll(2), no round trip.
  bool usable() const;

  // --- For an event loop (the watcher): send without waiting, read what has arrived. ---------
  int fd() const { return context_->fd; }
  sdk::Status send(const Command& command);
  // Reads what the socket holds (call when poll(2) says it is readable) and returns the complete
  // replies received so far, possibly none.
  sdk::Result<std::vector<Reply>> read_available();

  const std::string& endpoint() const { return endpoint_; }

 private:
  RedisConnection(redisContext* context, std::string endpoint, std::int64_t timeout_ms);
  sdk::Error io_failure(std::string_view doing);
  sdk::Status append(const Command& command);

  redisContext* context_;
  std::string endpoint_;
  std::int64_t timeout_ms_;
  bool broken_ = false;
};

}  // namespace sluice::plugins::redis
