#include "redis_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "redis_connection.hpp"

namespace sluice::plugins::redis {
namespace {

using Clock = std::chrono::steady_clock;
using Callback = std::shared_ptr<std::function<void()>>;

// An idle subscriber connection is pinged this often, and dropped when a ping stays unanswered
// for command_timeout_ms: a dead peer that sent no FIN is noticed even without traffic.
constexpr auto kPingInterval = std::chrono::seconds(5);
// Reconnect attempts while Redis is away, at most this far apart.
constexpr auto kMaxRetryDelay = std::chrono::milliseconds(1000);

}  // namespace

struct RedisWatcher::Shared {
  Shared(RedisStoreOptions o, std::string id, sdk::Logger* l)
      : options(std::move(o)),
        instance_id(std::move(id)),
        logger(l),
        event_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Shared() {
    if (event_fd >= 0) close(event_fd);
  }

  // Wakes the watcher thread's poll(2).
  void signal() const {
    const std::uint64_t one = 1;
    if (event_fd >= 0) (void)!write(event_fd, &one, sizeof(one));
  }

  // Calls the callbacks of `channel`, or of every channel when it is empty. Holds dispatch_mutex
  // from collecting them to the last call, so a handle destroyed meanwhile waits for it.
  void dispatch(const std::string& channel) {
    std::lock_guard dispatching(dispatch_mutex);
    std::vector<Callback> calls;
    {
      std::lock_guard lock(mutex);
      for (const auto& [name, registered] : callbacks) {
        if (!channel.empty() && name != channel) continue;
        for (const auto& [id, callback] : registered) calls.push_back(callback);
      }
    }
    for (const Callback& call : calls) {
      try {
        (*call)();
      } catch (const std::exception& e) {
        logger->error(std::string("a long-poll wake-up callback threw: ") + e.what());
      } catch (...) {
        logger->error("a long-poll wake-up callback threw");
      }
    }
  }

  const RedisStoreOptions options;
  const std::string instance_id;
  sdk::Logger* const logger;
  const int event_fd;

  std::mutex mutex;
  std::condition_variable state_changed;
  std::map<std::string, std::map<std::uint64_t, Callback>> callbacks;  // by channel
  std::set<std::string> confirmed;  // subscriptions Redis acknowledged on the current connection
  bool down = false;  // the latest connect attempt failed, or Redis refused a subscription
  bool stopping = false;
  std::uint64_t next_id = 1;
  std::atomic<std::thread::id> watcher_thread{};

  std::mutex dispatch_mutex;
};

namespace {

class ChannelWatch final : public sdk::WatchHandle {
 public:
  ChannelWatch(std::shared_ptr<RedisWatcher::Shared> shared, std::string channel, std::uint64_t id)
      : shared_(std::move(shared)), channel_(std::move(channel)), id_(id) {}
  ~ChannelWatch() override {
    {
      std::lock_guard lock(shared_->mutex);
      auto it = shared_->callbacks.find(channel_);
      if (it != shared_->callbacks.end()) {
        it->second.erase(id_);
        if (it->second.empty()) shared_->callbacks.erase(it);
      }
    }
    shared_->signal();  // the watcher unsubscribes from a channel nobody watches any more
    if (std::this_thread::get_id() != shared_->watcher_thread.load()) {
      std::lock_guard wait_for_dispatch(shared_->dispatch_mutex);
    }
  }

 private:
  std::shared_ptr<RedisWatcher::Shared> shared_;
  std::string channel_;
  std::uint64_t id_;
};

// The watcher thread's connection state.
class Subscriber {
 public:
  explicit Subscriber(RedisWatcher::Shared& shared) : shared_(shared) {}

  void run() {
    while (true) {
      std::set<std::string> wanted;
      {
        std::lock_guard lock(shared_.mutex);
        if (shared_.stopping) return;
        for (const auto& entry : shared_.callbacks) wanted.insert(entry.first);
      }
      if (!connection_ && !wanted.empty() && Clock::now() >= retry_at_) connect();
      if (connection_) sync_subscriptions(wanted);
      wait_and_read();
      if (connection_) keep_alive();
    }
  }

 private:
  void connect() {
    auto opened = RedisConnection::open(shared_.options);
    if (!opened.ok()) {
      if (!reported_down_) {
        shared_.logger->warn("long-poll wake-ups from other brokers are paused: " +
                             opened.error().message);
        reported_down_ = true;
      }
      retry_delay_ = std::min(kMaxRetryDelay, retry_delay_ * 2 + std::chrono::milliseconds(50));
      retry_at_ = Clock::now() + retry_delay_;
      std::lock_guard lock(shared_.mutex);
      shared_.down = true;
      shared_.state_changed.notify_all();
      return;
    }
    connection_ = std::move(opened).value();
    retry_delay_ = std::chrono::milliseconds(0);
    requested_.clear();
    last_activity_ = Clock::now();
    ping_sent_ = false;
    if (reported_down_) {
      shared_.logger->info("long-poll wake-ups from other brokers resumed");
      reported_down_ = false;
    }
    // Wake-ups published while no connection listened are lost: call everyone once the
    // subscriptions are back.
    catch_up_ = was_connected_;
    was_connected_ = true;
    std::lock_guard lock(shared_.mutex);
    shared_.down = false;
    shared_.confirmed.clear();
  }

  void drop(const std::string& why) {
    shared_.logger->warn("long-poll wake-up connection lost (" + why + "); reconnecting");
    reported_down_ = true;
    connection_.reset();
    requested_.clear();
    std::lock_guard lock(shared_.mutex);
    shared_.confirmed.clear();
  }

  void sync_subscriptions(const std::set<std::string>& wanted) {
    Command subscribe{"SUBSCRIBE"};
    for (const std::string& channel : wanted) {
      if (requested_.insert(channel).second) subscribe.push_back(channel);
    }
    Command unsubscribe{"UNSUBSCRIBE"};
    for (auto it = requested_.begin(); it != requested_.end();) {
      if (wanted.count(*it) == 0) {
        unsubscribe.push_back(*it);
        it = requested_.erase(it);
      } else {
        ++it;
      }
    }
    for (const Command* command : {&subscribe, &unsubscribe}) {
      if (command->size() < 2) continue;
      if (auto sent = connection_->send(*command); !sent.ok()) return drop(sent.error().message);
    }
  }

  void wait_and_read() {
    pollfd fds[2] = {{shared_.event_fd, POLLIN, 0}, {-1, POLLIN, 0}};
    if (connection_) fds[1].fd = connection_->fd();
    int timeout_ms = 1000;
    if (!connection_ && retry_at_ > Clock::now()) {
      timeout_ms = static_cast<int>(
          std::chrono::ceil<std::chrono::milliseconds>(retry_at_ - Clock::now()).count());
    }
    if (poll(fds, connection_ ? 2 : 1, timeout_ms) <= 0) return;
    if (fds[0].revents != 0) {
      std::uint64_t count = 0;
      (void)!read(shared_.event_fd, &count, sizeof(count));
    }
    if (connection_ && fds[1].revents != 0) {
      auto replies = connection_->read_available();
      if (!replies.ok()) return drop(replies.error().message);
      last_activity_ = Clock::now();
      ping_sent_ = false;
      for (const Reply& reply : *replies) handle(*reply);
    }
  }

  void handle(const redisReply& reply) {
    if (is_error(reply)) {
      // An ACL without channel permissions, say. watch() must not wait for a confirmation that
      // will never come; long polls then wake on the broker's recheck tick only.
      shared_.logger->error("Redis refused a long-poll wake-up subscription (" +
                            std::string(reply_text(reply)) +
                            "): other brokers' sends wake this broker's long polls only on its "
                            "recheck tick");
      std::lock_guard lock(shared_.mutex);
      shared_.down = true;
      shared_.state_changed.notify_all();
      return;
    }
    const redisReply* kind = reply_element(reply, 0);
    const redisReply* channel = reply_element(reply, 1);
    if (kind == nullptr || channel == nullptr) return;
    const std::string_view type = reply_text(*kind);
    const std::string name(reply_text(*channel));
    if (type == "message") {
      const redisReply* payload = reply_element(reply, 2);
      if (payload != nullptr && reply_text(*payload) == shared_.instance_id) return;
      shared_.dispatch(name);
    } else if (type == "subscribe" || type == "unsubscribe") {
      bool all_confirmed = false;
      {
        std::lock_guard lock(shared_.mutex);
        if (type == "subscribe") {
          shared_.confirmed.insert(name);
        } else {
          shared_.confirmed.erase(name);
        }
        all_confirmed = shared_.confirmed.size() >= requested_.size();
        shared_.state_changed.notify_all();
      }
      if (catch_up_ && all_confirmed) {
        catch_up_ = false;
        shared_.dispatch(std::string());
      }
    }
  }

  void keep_alive() {
    const auto now = Clock::now();
    if (ping_sent_) {
      if (now - last_activity_ >
          kPingInterval + std::chrono::milliseconds(shared_.options.command_timeout_ms)) {
        drop("no answer to PING within " + std::to_string(shared_.options.command_timeout_ms) +
             " ms");
      }
      return;
    }
    if (now - last_activity_ >= kPingInterval) {
      if (auto sent = connection_->send({"PING"}); !sent.ok()) return drop(sent.error().message);
      ping_sent_ = true;
    }
  }

  RedisWatcher::Shared& shared_;
  std::unique_ptr<RedisConnection> connection_;
  std::set<std::string> requested_;  // SUBSCRIBE sent on connection_ (maybe not yet confirmed)
  Clock::time_point last_activity_{};
  Clock::time_point retry_at_{};
  std::chrono::milliseconds retry_delay_{0};
  bool ping_sent_ = false;
  bool catch_up_ = false;
  bool was_connected_ = false;
  bool reported_down_ = false;
};

}  // namespace

RedisWatcher::RedisWatcher(RedisStoreOptions options, std::string instance_id, sdk::Logger* logger)
    : shared_(std::make_shared<Shared>(std::move(options), std::move(instance_id), logger)) {
  thread_ = std::thread([this] { run(); });
}

RedisWatcher::~RedisWatcher() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->state_changed.notify_all();
  }
  shared_->signal();
  if (thread_.joinable()) thread_.join();
}

void RedisWatcher::run() {
  shared_->watcher_thread.store(std::this_thread::get_id());
  try {
    Subscriber(*shared_).run();
  } catch (const std::exception& e) {
    shared_->logger->error(std::string("the long-poll wake-up thread stopped: ") + e.what());
  } catch (...) {
    shared_->logger->error("the long-poll wake-up thread stopped");
  }
}

std::unique_ptr<sdk::WatchHandle> RedisWatcher::watch(const std::string& channel,
                                                      std::function<void()> on_change) {
  auto callback = std::make_shared<std::function<void()>>(std::move(on_change));
  std::unique_lock lock(shared_->mutex);
  const std::uint64_t id = shared_->next_id++;
  shared_->callbacks[channel].emplace(id, std::move(callback));
  shared_->signal();
  const auto limit = std::chrono::milliseconds(shared_->options.connect_timeout_ms +
                                               shared_->options.command_timeout_ms);
  shared_->state_changed.wait_for(lock, limit, [&] {
    return shared_->stopping || shared_->down || shared_->confirmed.count(channel) != 0;
  });
  return std::make_unique<ChannelWatch>(shared_, channel, id);
}

}  // namespace sluice::plugins::redis
