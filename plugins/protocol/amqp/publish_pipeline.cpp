#include "publish_pipeline.hpp"

#include "amqp_options.hpp"

namespace sluice::plugins::amqp {
namespace {

constexpr std::size_t kMaxBatch = 10;            // SendMessageBatch's limit
constexpr std::size_t kMaxBatchBytes = 1048576;  // and its total size limit

bool publisher_fault(sdk::ErrorCode code) {
  switch (code) {
    case sdk::ErrorCode::kInvalidParameterValue:
    case sdk::ErrorCode::kInvalidMessageContents:
    case sdk::ErrorCode::kMissingParameter:
    case sdk::ErrorCode::kInvalidAttributeValue:
    case sdk::ErrorCode::kInvalidAttributeName:
    case sdk::ErrorCode::kBatchRequestTooLong:
    case sdk::ErrorCode::kAccessDenied:
      return true;
    default:
      return false;
  }
}

PublishOutcome outcome_of(const sdk::Error& error) {
  PublishOutcome o;
  if (error.code == sdk::ErrorCode::kQueueDoesNotExist) {
    o.kind = PublishOutcome::Kind::kNoRoute;
  } else {
    o.kind = publisher_fault(error.code) ? PublishOutcome::Kind::kRejected
                                         : PublishOutcome::Kind::kFailed;
  }
  o.error = error;
  return o;
}

}  // namespace

PublishPipeline::PublishPipeline(std::shared_ptr<ServerContext> server, sdk::RequestContext context,
                                 boost::asio::any_io_executor strand)
    : server_(std::move(server)), context_(std::move(context)), strand_(std::move(strand)) {}

void PublishPipeline::push(PublishItem item) {
  bytes_ += item.entry.body.size();
  queued_.push_back(std::move(item));
  pump();
}

void PublishPipeline::when_idle(std::function<void()> done) {
  if (idle()) {
    done();
    return;
  }
  idle_waiters_.push_back(std::move(done));
}

void PublishPipeline::notify_if_idle() {
  if (!idle() || idle_waiters_.empty()) return;
  auto waiters = std::move(idle_waiters_);
  idle_waiters_.clear();
  for (auto& waiter : waiters) waiter();
}

void PublishPipeline::pump() {
  while (in_flight_ == 0 && !queued_.empty()) {
    // Items whose routing key cannot name a queue complete at once, in their turn.
    if (!queued_.front().routable) {
      PublishItem item = std::move(queued_.front());
      queued_.pop_front();
      bytes_ -= item.entry.body.size();
      PublishOutcome o;
      o.kind = PublishOutcome::Kind::kNoRoute;
      if (item.done) item.done(o);
      if (batch_end_) batch_end_();
      notify_if_idle();
      continue;
    }
    std::deque<PublishItem> batch;
    std::vector<sdk::SendEntry> entries;
    std::size_t batch_bytes = 0;
    const std::string queue = queued_.front().queue;
    while (!queued_.empty() && batch.size() < kMaxBatch && queued_.front().routable &&
           queued_.front().queue == queue &&
           (batch.empty() || batch_bytes + queued_.front().entry.body.size() <= kMaxBatchBytes)) {
      batch_bytes += queued_.front().entry.body.size();
      batch.push_back(std::move(queued_.front()));
      queued_.pop_front();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      sdk::SendEntry entry = batch[i].entry;  // kept in the item for basic.return
      entry.entry_id = std::to_string(i);
      entries.push_back(std::move(entry));
    }
    if (entries.size() == 1) entries[0].entry_id.clear();
    in_flight_ = batch.size();
    server_->begin_work();
    auto self = shared_from_this();
    auto shared_batch = std::make_shared<std::deque<PublishItem>>(std::move(batch));
    server_->broker.send_messages(
        context_, queue, std::move(entries),
        [self, shared_batch](sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> result) {
          self->server_->post_to(self->strand_, [self, shared_batch, result = std::move(result)] {
            self->complete(std::move(*shared_batch), result);
          });
          self->server_->end_work();
        });
  }
}

void PublishPipeline::complete(std::deque<PublishItem> batch,
                               sdk::Result<std::vector<sdk::Result<sdk::SendOutcome>>> result) {
  in_flight_ = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    PublishItem& item = batch[i];
    bytes_ -= item.entry.body.size();
    PublishOutcome o;
    if (!result.ok() && result.code() == sdk::ErrorCode::kBatchRequestTooLong) {
      // Batches stay under the limit, so only one message over it alone gets here.
      o.kind = PublishOutcome::Kind::kRejected;
      o.error = sdk::make_error(
          sdk::ErrorCode::kInvalidParameterValue,
          "message size " + std::to_string(item.entry.body.size()) +
              " bytes as stored (binary bodies are stored base64-encoded) is larger than the "
              "maximum of " +
              std::to_string(kMaxBatchBytes) + " bytes");
    } else if (!result.ok()) {
      o = outcome_of(result.error());
    } else if (i >= result->size()) {
      o.kind = PublishOutcome::Kind::kFailed;
      o.error = sdk::make_error(sdk::ErrorCode::kInternal, "the broker returned too few results");
    } else if (!(*result)[i].ok()) {
      o = outcome_of((*result)[i].error());
    }
    if (item.done) item.done(o);
  }
  if (batch_end_) batch_end_();
  pump();
  notify_if_idle();
}

}  // namespace sluice::plugins::amqp
