#include "value_codec.hpp"

#include "key_codec.hpp"

namespace sluice::plugins::rocksdb {
namespace {

constexpr char kFormat = 1;

class Writer {
 public:
  Writer() { out_.push_back(kFormat); }
  Writer& u64(std::uint64_t value) {
    put_u64(out_, value);
    return *this;
  }
  Writer& time(sdk::TimePoint t) { return u64(time_component(t)); }
  Writer& u8(std::uint8_t value) {
    out_.push_back(static_cast<char>(value));
    return *this;
  }
  Writer& bytes(std::string_view value) {
    u64(value.size());
    out_.append(value);
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads fields in order; any read past the end (or a wrong format byte) makes ok() false and
// every later read return zero values.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {
    ok_ = !in_.empty() && in_.front() == kFormat;
    if (ok_) in_.remove_prefix(1);
  }
  std::uint64_t u64() {
    if (!need(8)) return 0;
    const std::uint64_t value = read_u64(in_);
    in_.remove_prefix(8);
    return value;
  }
  sdk::TimePoint time() { return time_from_component(u64()); }
  std::uint8_t u8() {
    if (!need(1)) return 0;
    const auto value = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return value;
  }
  std::string bytes() {
    const std::uint64_t size = u64();
    if (!need(size)) return {};
    std::string value(in_.substr(0, size));
    in_.remove_prefix(size);
    return value;
  }
  // True if every read succeeded and nothing is left over.
  bool done() const { return ok_ && in_.empty(); }

 private:
  bool need(std::uint64_t size) {
    if (ok_ && in_.size() >= size) return true;
    ok_ = false;
    return false;
  }
  std::string_view in_;
  bool ok_;
};

template <typename T>
std::optional<T> finish(const Reader& reader, T value) {
  if (!reader.done()) return std::nullopt;
  return value;
}

}  // namespace

std::string sequence_text(std::uint64_t seq) {
  constexpr std::uint64_t kBase = 10'000'000'000'000'000'000ULL;
  return std::to_string(kBase + seq);
}

std::string encode(const QueueRow& row) {
  return Writer()
      .u64(row.id)
      .u8(row.fifo ? 1 : 0)
      .u64(row.generation)
      .u64(row.version)
      .bytes(row.metadata)
      .take();
}

std::optional<QueueRow> decode_queue_row(std::string_view bytes) {
  Reader r(bytes);
  QueueRow row;
  row.id = r.u64();
  row.fifo = r.u8() != 0;
  row.generation = r.u64();
  row.version = r.u64();
  row.metadata = r.bytes();
  return finish(r, std::move(row));
}

std::string encode(const MessageBody& body) {
  return Writer()
      .bytes(body.message_id)
      .bytes(body.dedup_key)
      .bytes(body.dead_letter_source)
      .bytes(body.envelope)
      .take();
}

std::optional<MessageBody> decode_message_body(std::string_view bytes) {
  Reader r(bytes);
  MessageBody body;
  body.message_id = r.bytes();
  body.dedup_key = r.bytes();
  body.dead_letter_source = r.bytes();
  body.envelope = r.bytes();
  return finish(r, std::move(body));
}

std::string encode(const MessageState& state) {
  return Writer()
      .time(state.visible_at)
      .time(state.sent_at)
      .time(state.first_received_at)
      .u64(state.receive_count)
      .u64(state.token)
      .bytes(state.group_id)
      .take();
}

std::optional<MessageState> decode_message_state(std::string_view bytes) {
  Reader r(bytes);
  MessageState state;
  state.visible_at = r.time();
  state.sent_at = r.time();
  state.first_received_at = r.time();
  state.receive_count = static_cast<std::uint32_t>(r.u64());
  state.token = r.u64();
  state.group_id = r.bytes();
  return finish(r, std::move(state));
}

std::string encode(const GroupRow& row) {
  Writer w;
  w.u64(row.count).u8(static_cast<std::uint8_t>(row.slot)).u64(row.indexed_head).time(row.ready_at);
  w.u64(row.delivered.size());
  for (std::uint64_t seq : row.delivered) w.u64(seq);
  return w.take();
}

std::optional<GroupRow> decode_group_row(std::string_view bytes) {
  Reader r(bytes);
  GroupRow row;
  row.count = r.u64();
  const std::uint8_t slot = r.u8();
  if (slot > static_cast<std::uint8_t>(GroupSlot::kWaiting)) return std::nullopt;
  row.slot = static_cast<GroupSlot>(slot);
  row.indexed_head = r.u64();
  row.ready_at = r.time();
  const std::uint64_t delivered = r.u64();
  // Bounded by the bytes present, so a corrupt size cannot ask for a huge allocation.
  if (delivered > bytes.size() / 8) return std::nullopt;
  for (std::uint64_t i = 0; i < delivered; ++i) row.delivered.push_back(r.u64());
  return finish(r, std::move(row));
}

std::string encode(const QueueCounters& counters) {
  return Writer()
      .u64(counters.next_seq)
      .u64(counters.ready)
      .u64(counters.pending_in_flight)
      .u64(counters.pending_delayed)
      .take();
}

std::optional<QueueCounters> decode_counters(std::string_view bytes) {
  Reader r(bytes);
  QueueCounters counters;
  counters.next_seq = r.u64();
  counters.ready = r.u64();
  counters.pending_in_flight = r.u64();
  counters.pending_delayed = r.u64();
  return finish(r, counters);
}

std::string encode(const DedupRow& row) {
  return Writer().time(row.first_seen).u64(row.seq).bytes(row.message_id).take();
}

std::optional<DedupRow> decode_dedup_row(std::string_view bytes) {
  Reader r(bytes);
  DedupRow row;
  row.first_seen = r.time();
  row.seq = r.u64();
  row.message_id = r.bytes();
  return finish(r, std::move(row));
}

std::string encode(const TenantRow& row) {
  return Writer()
      .u64(row.in_flight)
      .u8(row.has_head ? 1 : 0)
      .u64(row.head_at)
      .u64(row.head_seq)
      .take();
}

std::optional<TenantRow> decode_tenant_row(std::string_view bytes) {
  Reader r(bytes);
  TenantRow row;
  row.in_flight = r.u64();
  row.has_head = r.u8() != 0;
  row.head_at = r.u64();
  row.head_seq = r.u64();
  return finish(r, row);
}

}  // namespace sluice::plugins::rocksdb
