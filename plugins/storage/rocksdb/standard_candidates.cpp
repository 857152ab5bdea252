#include "standard_candidates.hpp"

#include <algorithm>
#include <utility>

#include "key_codec.hpp"
#include "status_macros.hpp"

namespace sluice::plugins::rocksdb {

struct StandardCandidates::Cursor {
  std::string tenant;
  std::string lower, upper;
  rdb::Slice lower_slice, upper_slice;
  std::unique_ptr<rdb::Iterator> it;
};

namespace {

// <at><seq> of an ordered key (kReady, kTenantHead); nullopt if malformed.
std::optional<FloorKey> ordered_position(const rdb::Iterator& it) {
  const std::string_view key(it.key().data(), it.key().size());
  const auto at = component_of(key);
  const auto seq = ordered_seq_of(key);
  if (!at || !seq) return std::nullopt;
  return FloorKey{*at, *seq};
}

bool less(std::uint64_t at, std::uint64_t seq, const std::optional<Candidate>& than) {
  return !than || std::tie(at, seq) < std::tie(than->at, than->seq);
}

}  // namespace

StandardCandidates::StandardCandidates(Database& db, const QueueHandle& queue, QueueState& state,
                                       std::vector<std::string> noisy, TenantIndex tenants,
                                       sdk::TimePoint now)
    : db_(db),
      queue_(queue),
      state_(state),
      noisy_(std::move(noisy)),
      tenants_(tenants),
      now_(time_component(now)) {
  // An index whose floor is past its end is empty: no iterator, no read.
  if (const FloorKey floor = state_.floors.get(Floor::kReady); floor != kPastEnd) {
    ready_lower_ = floor_seek(queue_.id, Tag::kReady, floor);
    ready_upper_ = tag_limit(queue_.id, Tag::kReady);
    ready_lower_slice_ = ready_lower_;
    ready_upper_slice_ = ready_upper_;
    ready_ = db_.iterate(db_.index(), &ready_lower_slice_, &ready_upper_slice_);
    ready_->Seek(ready_lower_slice_);
  }
  if (const FloorKey floor = state_.floors.get(Floor::kTenantHeads); floor != kPastEnd) {
    heads_lower_ = floor_seek(queue_.id, Tag::kTenantHead, floor);
    heads_upper_ = tag_limit(queue_.id, Tag::kTenantHead);
    heads_lower_slice_ = heads_lower_;
    heads_upper_slice_ = heads_upper_;
    heads_ = db_.iterate(db_.index(), &heads_lower_slice_, &heads_upper_slice_);
    heads_->Seek(heads_lower_slice_);
  }
}

StandardCandidates::~StandardCandidates() = default;

sdk::Error StandardCandidates::corrupt(std::string_view index) const {
  return sdk::make_error(
      sdk::ErrorCode::kInternal,
      "queue '" + queue_.name + "': malformed entry in its " + std::string(index));
}

bool StandardCandidates::is_noisy(std::string_view tenant) const {
  return std::find(noisy_.begin(), noisy_.end(), tenant) != noisy_.end();
}

sdk::Status StandardCandidates::skip_noisy_heads() {
  if (!heads_) return sdk::Status::Ok();
  for (; heads_->Valid(); heads_->Next()) {
    if (!is_noisy(std::string_view(heads_->value().data(), heads_->value().size()))) break;
    const auto position = ordered_position(*heads_);
    if (!position) return corrupt("tenant head index");
    skipped_head_ = std::min(skipped_head_, *position);
  }
  if (!heads_->status().ok()) return storage_error("scan", heads_->status());
  return sdk::Status::Ok();
}

sdk::Result<const Candidate*> StandardCandidates::peek() {
  if (current_) return &*current_;
  while (phase_ != Phase::kDone) {
    std::optional<Candidate> best;
    Source from = Source::kReady;
    if (phase_ == Phase::kQuiet) {
      if (ready_ && !ready_->Valid() && !ready_->status().ok()) {
        return storage_error("scan", ready_->status());
      }
      if (ready_ && ready_->Valid()) {
        const auto position = ordered_position(*ready_);
        if (!position) return corrupt("ready index");
        best = Candidate{position->component, position->seq, Placement::kReady, {}};
      }
      SLUICE_RDB_RETURN_IF_ERROR(skip_noisy_heads());
      if (heads_ && heads_->Valid()) {
        const auto position = ordered_position(*heads_);
        if (!position) return corrupt("tenant head index");
        if (less(position->component, position->seq, best)) {
          best = Candidate{position->component, position->seq, Placement::kTenantReady,
                           heads_->value().ToString()};
          from = Source::kHead;
        }
      }
    }
    if (!next_.empty()) {
      const auto& [at, seq, cursor] = *next_.begin();
      if (less(at, seq, best)) {
        best = Candidate{at, seq, Placement::kTenantReady, cursor->tenant};
        from = Source::kTenant;
      }
    }
    if (best && best->at <= now_) {
      current_ = std::move(best);
      source_ = from;
      return &*current_;
    }
    // Nothing left that is visible at `now`: on to the noisy tenants, or done.
    if (phase_ == Phase::kQuiet && !noisy_.empty()) {
      SLUICE_RDB_RETURN_IF_ERROR(start_noisy_phase());
    } else {
      phase_ = Phase::kDone;
    }
  }
  return nullptr;
}

sdk::Status StandardCandidates::start_noisy_phase() {
  phase_ = Phase::kNoisy;
  next_.clear();  // quiet tenants' next messages are not visible at `now`
  for (const std::string& tenant : noisy_) {
    SLUICE_RDB_ASSIGN_OR_RETURN(const TenantRow row, tenants_.stored_row(tenant));
    if (!row.has_head) continue;
    SLUICE_RDB_ASSIGN_OR_RETURN(Cursor * cursor, open_cursor(tenant, row.head_at, row.head_seq));
    next_.emplace(row.head_at, row.head_seq, cursor);
  }
  return sdk::Status::Ok();
}

sdk::Result<StandardCandidates::Cursor*> StandardCandidates::open_cursor(const std::string& tenant,
                                                                         std::uint64_t at,
                                                                         std::uint64_t seq) {
  for (const auto& open : cursors_) {
    if (open->tenant == tenant) {  // one head entry per tenant, so one cursor per claim
      return sdk::make_error(sdk::ErrorCode::kInternal, "queue '" + queue_.name + "': tenant '" +
                                                            tenant + "' has two head entries");
    }
  }
  auto cursor = std::make_unique<Cursor>();
  cursor->tenant = tenant;
  cursor->lower = tenant_member_prefix(queue_.id, tenant);
  cursor->upper = prefix_successor(cursor->lower);
  cursor->lower_slice = cursor->lower;
  cursor->upper_slice = cursor->upper;
  cursor->it = db_.iterate(db_.index(), &cursor->lower_slice, &cursor->upper_slice);
  const std::string head = tenant_member_key(queue_.id, tenant, at, seq);
  cursor->it->Seek(head);
  if (!cursor->it->status().ok()) return storage_error("scan", cursor->it->status());
  if (!cursor->it->Valid() || cursor->it->key() != rdb::Slice(head)) {
    return sdk::make_error(sdk::ErrorCode::kInternal, "queue '" + queue_.name +
                                                          "': the head of tenant '" + tenant +
                                                          "' (message seq " + std::to_string(seq) +
                                                          ") is missing from its index");
  }
  cursors_.push_back(std::move(cursor));
  return cursors_.back().get();
}

sdk::Status StandardCandidates::step(Cursor& cursor) {
  cursor.it->Next();
  if (cursor.it->Valid()) {
    const auto position = member_position(
        std::string_view(cursor.it->key().data(), cursor.it->key().size()), cursor.lower.size());
    if (!position) return corrupt("tenant index");
    next_.emplace(position->first, position->second, &cursor);
  }
  if (!cursor.it->status().ok()) return storage_error("scan", cursor.it->status());
  return sdk::Status::Ok();
}

sdk::Status StandardCandidates::pop() {
  if (!current_) return sdk::Status::Ok();
  const Candidate taken = std::move(*current_);
  current_.reset();
  switch (source_) {
    case Source::kReady:
      ready_->Next();
      return sdk::Status::Ok();  // a failed step shows in the next peek
    case Source::kHead: {
      heads_->Next();
      SLUICE_RDB_ASSIGN_OR_RETURN(Cursor * cursor, open_cursor(taken.tenant, taken.at, taken.seq));
      return step(*cursor);
    }
    case Source::kTenant: {
      Cursor* cursor = std::get<2>(*next_.begin());
      next_.erase(next_.begin());
      return step(*cursor);
    }
  }
  return sdk::Status::Ok();
}

void StandardCandidates::finish() {
  if (ready_) {
    if (ready_->Valid()) {
      if (const auto position = ordered_position(*ready_)) {
        state_.floors.raise(Floor::kReady, *position);
      }
    } else if (ready_->status().ok()) {
      state_.floors.raise(Floor::kReady, kPastEnd);
    }
  }
  if (heads_) {
    // Noisy tenants' head entries stay: the floor stops at the first one stepped over.
    FloorKey unconsumed = skipped_head_;
    if (heads_->Valid()) {
      if (const auto position = ordered_position(*heads_)) {
        unconsumed = std::min(unconsumed, *position);
      } else {
        return;
      }
    } else if (!heads_->status().ok()) {
      return;
    }
    state_.floors.raise(Floor::kTenantHeads, unconsumed);
  }
}

}  // namespace sluice::plugins::rocksdb
