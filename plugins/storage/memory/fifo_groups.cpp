#include "fifo_groups.hpp"

namespace sluice::plugins::memory {

FifoGroup& FifoGroups::get_or_add(const std::string& id) {
  auto [it, inserted] = groups_.try_emplace(id);
  if (inserted) it->second.id = id;
  return it->second;
}

void FifoGroups::unindex(FifoGroup& group) {
  switch (group.slot) {
    case FifoGroup::Slot::kReady:
      ready_.erase(group.indexed_head);
      break;
    case FifoGroup::Slot::kWaiting:
      waiting_.erase({group.ready_at, group.indexed_head});
      break;
    case FifoGroup::Slot::kNone:
      break;
  }
  group.slot = FifoGroup::Slot::kNone;
}

void FifoGroups::reindex(FifoGroup& group, sdk::TimePoint ready_at, sdk::TimePoint watermark) {
  unindex(group);
  if (group.seqs.empty()) {
    groups_.erase(group.id);  // destroys `group`
    return;
  }
  group.indexed_head = *group.seqs.begin();
  group.ready_at = ready_at;
  if (ready_at <= watermark) {
    ready_.emplace(group.indexed_head, &group);
    group.slot = FifoGroup::Slot::kReady;
  } else {
    waiting_.emplace(std::make_pair(ready_at, group.indexed_head), &group);
    group.slot = FifoGroup::Slot::kWaiting;
  }
}

void FifoGroups::advance(sdk::TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first.first <= now) {
    FifoGroup* group = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    ready_.emplace(group->indexed_head, group);
    group->slot = FifoGroup::Slot::kReady;
  }
}

FifoGroup* FifoGroups::pop_claimable(sdk::TimePoint now, std::uint64_t& cursor) {
  for (auto it = ready_.lower_bound(cursor); it != ready_.end(); ++it) {
    FifoGroup* group = it->second;
    if (group->ready_at > now) continue;  // filed by a call with a later `now`
    cursor = it->first + 1;
    ready_.erase(it);
    group->slot = FifoGroup::Slot::kNone;
    return group;
  }
  cursor = UINT64_MAX;
  return nullptr;
}

void FifoGroups::clear() {
  ready_.clear();
  waiting_.clear();
  groups_.clear();
}

}  // namespace sluice::plugins::memory
