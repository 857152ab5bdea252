#include "wake_listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <exception>

#include <pqxx/nontransaction>
#include <pqxx/notification>

#include "wake_notifier.hpp"

namespace sluice::plugins::postgres {

// The callbacks per queue. Shared with the handles, so a handle may outlive the listener.
class WakeListener::Registry {
 public:
  std::uint64_t add(const std::string& queue, std::shared_ptr<Registration> registration) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    by_queue_[queue].emplace(id, std::move(registration));
    return id;
  }
  void remove(const std::string& queue, std::uint64_t id) {
    std::lock_guard lock(mutex_);
    auto it = by_queue_.find(queue);
    if (it == by_queue_.end()) return;
    it->second.erase(id);
    if (it->second.empty()) by_queue_.erase(it);
  }
  // The registrations of `queue`, or of every queue when it is empty.
  std::vector<std::shared_ptr<Registration>> find(std::string_view queue) {
    std::vector<std::shared_ptr<Registration>> out;
    std::lock_guard lock(mutex_);
    for (auto& [name, registrations] : by_queue_) {
      if (!queue.empty() && name != queue) continue;
      for (auto& [id, registration] : registrations) out.push_back(registration);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::map<std::uint64_t, std::shared_ptr<Registration>>, std::less<>>
      by_queue_;
  std::uint64_t next_id_ = 1;
};

class WakeListener::Handle final : public sdk::WatchHandle {
 public:
  Handle(std::shared_ptr<Registry> registry, std::string queue,
         std::shared_ptr<Registration> registration)
      : registry_(std::move(registry)),
        queue_(std::move(queue)),
        registration_(std::move(registration)),
        id_(registry_->add(queue_, registration_)) {}
  ~Handle() override {
    registry_->remove(queue_, id_);
    std::lock_guard lock(registration_->mutex);  // waits for a running callback
    registration_->alive = false;
  }

 private:
  std::shared_ptr<Registry> registry_;
  std::string queue_;
  std::shared_ptr<Registration> registration_;
  std::uint64_t id_;
};

// LISTENs on the channel for the lifetime of one connection.
class WakeListener::Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel, WakeListener& listener)
      : pqxx::notification_receiver(connection, channel), listener_(listener) {}
  void operator()(const std::string& payload, int backend_pid) override {
    const WakeNotifier* own = listener_.own_notifier_;
    if (own != nullptr && backend_pid == own->backend_pid()) return;
    if (!payload.empty()) listener_.dispatch(payload);
  }

 private:
  WakeListener& listener_;
};

WakeListener::WakeListener(const ConnectionPool& pool, std::string channel,
                           const WakeNotifier* own_notifier, sdk::Logger* logger)
    : pool_(pool),
      channel_(std::move(channel)),
      own_notifier_(own_notifier),
      logger_(logger),
      registry_(std::make_shared<Registry>()) {}

WakeListener::~WakeListener() {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) {
    const char byte = 1;
    (void)::write(stop_pipe_[1], &byte, 1);
    thread_.join();
  }
  for (int fd : stop_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void WakeListener::start() {
  std::lock_guard lock(thread_mutex_);
  start_locked();
}

void WakeListener::start_locked() {
  if (thread_.joinable()) return;
  if (stop_pipe_[0] < 0 && ::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) return;
  thread_ = std::thread([this] { run(); });
}

std::unique_ptr<sdk::WatchHandle> WakeListener::watch(std::string_view queue,
                                                      std::function<void()> on_change) {
  {
    std::lock_guard lock(thread_mutex_);
    start_locked();
    if (!thread_.joinable()) return nullptr;  // no pipe: cannot run the listener
  }
  auto registration = std::make_shared<Registration>();
  registration->callback = std::move(on_change);
  return std::make_unique<Handle>(registry_, std::string(queue), std::move(registration));
}

void WakeListener::dispatch(std::string_view queue) {
  for (const auto& registration : registry_->find(queue)) {
    std::lock_guard lock(registration->mutex);
    if (registration->alive && registration->callback) registration->callback();
  }
}

bool WakeListener::wait_for_stop(int ms) {
  pollfd p{stop_pipe_[0], POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

void WakeListener::run() {
  // An idle connection is pinged this often, so a silently dead one is noticed.
  constexpr int kKeepaliveMs = 10'000;
  const int retry_ms = static_cast<int>(pool_.settings().reconnect_interval.count());
  bool had_connection = false;
  while (true) {
    std::unique_ptr<pqxx::connection> connection;
    std::unique_ptr<Receiver> receiver;
    try {
      connection = pool_.open();
      receiver = std::make_unique<Receiver>(*connection, channel_, *this);
      connection->get_notifs();
    } catch (const std::exception& e) {
      receiver.reset();
      connection.reset();
      if (logger_ != nullptr && logger_->enabled(sdk::LogLevel::kDebug)) {
        logger_->debug(std::string("wake-up listener cannot connect: ") + e.what());
      }
      if (wait_for_stop(retry_ms > 0 ? retry_ms : 100)) return;
      continue;
    }
    // Anything sent while we were not listening is lost: let every watcher look again.
    if (had_connection) dispatch("");
    had_connection = true;
    try {
      while (true) {
        pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {connection->sock(), POLLIN, 0}};
        const int ready = ::poll(fds, 2, kKeepaliveMs);
        if (fds[0].revents != 0) return;  // stopping (the receiver unlistens on its way out)
        if (ready == 0) {
          pqxx::nontransaction tx(*connection);
          tx.exec("SELECT 1");
          continue;
        }
        if ((fds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 &&
            (fds[1].revents & POLLIN) == 0) {
          break;
        }
        connection->get_notifs();  // runs Receiver::operator() for each notification
        if (!connection->is_open()) break;
      }
    } catch (const std::exception& e) {
      if (logger_ != nullptr && logger_->enabled(sdk::LogLevel::kDebug)) {
        logger_->debug(std::string("wake-up listener lost its connection: ") + e.what());
      }
    }
    try {
      receiver.reset();
    } catch (...) {
      // UNLISTEN on a dead connection: nothing to undo.
    }
    connection.reset();
    if (wait_for_stop(retry_ms > 0 ? retry_ms : 100)) return;
  }
}

}  // namespace sluice::plugins::postgres
