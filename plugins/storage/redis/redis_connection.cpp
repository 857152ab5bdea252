#include "redis_connection.hpp"

#include <poll.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sluice::plugins::redis {
namespace {

timeval to_timeval(std::int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

sdk::Error unavailable(std::string message) {
  return sdk::make_error(sdk::ErrorCode::kServiceUnavailable, std::move(message));
}

}  // namespace

RedisConnection::RedisConnection(redisContext* context, std::string endpoint,
                                 std::int64_t timeout_ms)
    : context_(context), endpoint_(std::move(endpoint)), timeout_ms_(timeout_ms) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

sdk::Result<std::unique_ptr<RedisConnection>> RedisConnection::open(
    const RedisStoreOptions& options) {
  const std::string endpoint = describe_endpoint(options);
  redisContext* context = redisConnectWithTimeout(
      options.host.c_str(), static_cast<int>(options.port), to_timeval(options.connect_timeout_ms));
  if (context == nullptr) {
    return unavailable("cannot connect to Redis at " + endpoint + ": out of memory");
  }
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    return unavailable("cannot connect to Redis at " + endpoint + ": " + why);
  }
  std::unique_ptr<RedisConnection> connection(
      new RedisConnection(context, endpoint, options.command_timeout_ms));
  if (redisSetTimeout(context, to_timeval(options.command_timeout_ms)) != REDIS_OK ||
      redisEnableKeepAlive(context) != REDIS_OK) {
    return unavailable("cannot set socket options for Redis at " + endpoint + ": " +
                       context->errstr);
  }

  std::vector<Command> handshake;
  if (!options.password.empty()) {
    if (options.user.empty()) {
      handshake.push_back({"AUTH", options.password});
    } else {
      handshake.push_back({"AUTH", options.user, options.password});
    }
  }
  if (options.database != 0) handshake.push_back({"SELECT", std::to_string(options.database)});
  if (handshake.empty()) return connection;
  auto replies = connection->run(handshake);
  if (!replies.ok()) return replies.error();
  for (std::size_t i = 0; i < replies->size(); ++i) {
    const redisReply& reply = *(*replies)[i];
    if (is_error(reply)) {
      const bool auth = handshake[i][0] == "AUTH";
      return unavailable(
          "Redis at " + endpoint + " refused " +
          (auth ? std::string("AUTH") +
                      (options.user.empty() ? std::string() : " as user '" + options.user + "'")
                : "SELECT " + std::to_string(options.database)) +
          ": " + std::string(reply_text(reply)));
    }
  }
  return connection;
}

sdk::Error RedisConnection::io_failure(std::string_view doing) {
  broken_ = true;
  std::string why = context_->errstr;
  if (context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    why = "no reply within " + std::to_string(timeout_ms_) + " ms";
  }
  if (context_->err == REDIS_ERR_EOF) why = "the server closed the connection";
  return unavailable("Redis at " + endpoint_ + ": " + std::string(doing) + " failed: " + why);
}

sdk::Status RedisConnection::append(const Command& command) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(command.size());
  lengths.reserve(command.size());
  for (const std::string& word : command) {
    argv.push_back(word.data());
    lengths.push_back(word.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                             lengths.data()) != REDIS_OK) {
    return io_failure("formatting a command");
  }
  return sdk::Status::Ok();
}

sdk::Result<std::vector<Reply>> RedisConnection::run(std::span<const Command> commands) {
  if (broken_) return unavailable("Redis at " + endpoint_ + ": connection already failed");
  for (const Command& command : commands) {
    if (auto appended = append(command); !appended.ok()) return appended.error();
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK) return io_failure(commands[i][0]);
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

sdk::Result<Reply> RedisConnection::run(const Command& command) {
  auto replies = run(std::span<const Command>(&command, 1));
  if (!replies.ok()) return replies.error();
  return std::move(replies->front());
}

bool RedisConnection::usable() const {
  if (broken_ || context_->err != 0) return false;
  pollfd pfd{context_->fd, POLLIN, 0};
  const int ready = poll(&pfd, 1, 0);
  return ready == 0;
}

sdk::Status RedisConnection::send(const Command& command) {
  if (auto appended = append(command); !appended.ok()) return appended;
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) return io_failure(command[0]);
  }
  return sdk::Status::Ok();
}

sdk::Result<std::vector<Reply>> RedisConnection::read_available() {
  if (redisBufferRead(context_) != REDIS_OK) return io_failure("reading");
  std::vector<Reply> replies;
  while (true) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) return io_failure("parsing a reply");
    if (raw == nullptr) break;
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

}  // namespace sluice::plugins::redis
