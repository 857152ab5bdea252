// Every AMQP 0-9-1 method, with RabbitMQ's extensions (basic.nack, confirm, exchange.bind,
// connection.blocked, update-secret), as a plain struct. Each struct lists its arguments once, in
// wire order, in fields(); the one encoder and the one decoder in method_codec.cpp walk that list
// and pack consecutive bits LSB-first into octets, as the spec requires. Names follow amqp091.md
// section 3; reserved arguments (ticket, out-of-band, known-hosts, ...) keep their place on the
// wire. (Generated once from that table, then maintained by hand.)
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "field_table.hpp"

namespace sluice::plugins::amqp {

struct MethodId {
  std::uint16_t class_id = 0;
  std::uint16_t method_id = 0;
  bool operator==(const MethodId&) const = default;
};

namespace m {
// --- connection (10) ---
struct ConnectionStart {
  static constexpr MethodId kId{10, 10};
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 9;
  FieldTable server_properties;
  std::string mechanisms;
  std::string locales;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.octet(s.version_major);
    v.octet(s.version_minor);
    v.table(s.server_properties);
    v.longstr(s.mechanisms);
    v.longstr(s.locales);
  }
  bool operator==(const ConnectionStart&) const = default;
};

struct ConnectionStartOk {
  static constexpr MethodId kId{10, 11};
  FieldTable client_properties;
  std::string mechanism;
  std::string response;
  std::string locale;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.table(s.client_properties);
    v.shortstr(s.mechanism);
    v.longstr(s.response);
    v.shortstr(s.locale);
  }
  bool operator==(const ConnectionStartOk&) const = default;
};

struct ConnectionSecure {
  static constexpr MethodId kId{10, 20};
  std::string challenge;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longstr(s.challenge);
  }
  bool operator==(const ConnectionSecure&) const = default;
};

struct ConnectionSecureOk {
  static constexpr MethodId kId{10, 21};
  std::string response;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longstr(s.response);
  }
  bool operator==(const ConnectionSecureOk&) const = default;
};

struct ConnectionTune {
  static constexpr MethodId kId{10, 30};
  std::uint16_t channel_max = 0;
  std::uint32_t frame_max = 0;
  std::uint16_t heartbeat = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.channel_max);
    v.long_(s.frame_max);
    v.short_(s.heartbeat);
  }
  bool operator==(const ConnectionTune&) const = default;
};

struct ConnectionTuneOk {
  static constexpr MethodId kId{10, 31};
  std::uint16_t channel_max = 0;
  std::uint32_t frame_max = 0;
  std::uint16_t heartbeat = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.channel_max);
    v.long_(s.frame_max);
    v.short_(s.heartbeat);
  }
  bool operator==(const ConnectionTuneOk&) const = default;
};

struct ConnectionOpen {
  static constexpr MethodId kId{10, 40};
  std::string virtual_host;
  std::string capabilities;
  bool insist = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.virtual_host);
    v.shortstr(s.capabilities);
    v.bit(s.insist);
  }
  bool operator==(const ConnectionOpen&) const = default;
};

struct ConnectionOpenOk {
  static constexpr MethodId kId{10, 41};
  std::string known_hosts;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.known_hosts);
  }
  bool operator==(const ConnectionOpenOk&) const = default;
};

struct ConnectionClose {
  static constexpr MethodId kId{10, 50};
  std::uint16_t reply_code = 0;
  std::string reply_text;
  std::uint16_t class_id = 0;
  std::uint16_t method_id = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.reply_code);
    v.shortstr(s.reply_text);
    v.short_(s.class_id);
    v.short_(s.method_id);
  }
  bool operator==(const ConnectionClose&) const = default;
};

struct ConnectionCloseOk {
  static constexpr MethodId kId{10, 51};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ConnectionCloseOk&) const = default;
};

struct ConnectionBlocked {
  static constexpr MethodId kId{10, 60};
  std::string reason;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.reason);
  }
  bool operator==(const ConnectionBlocked&) const = default;
};

struct ConnectionUnblocked {
  static constexpr MethodId kId{10, 61};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ConnectionUnblocked&) const = default;
};

struct ConnectionUpdateSecret {
  static constexpr MethodId kId{10, 70};
  std::string new_secret;
  std::string reason;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longstr(s.new_secret);
    v.shortstr(s.reason);
  }
  bool operator==(const ConnectionUpdateSecret&) const = default;
};

struct ConnectionUpdateSecretOk {
  static constexpr MethodId kId{10, 71};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ConnectionUpdateSecretOk&) const = default;
};

// --- channel (20) ---
struct ChannelOpen {
  static constexpr MethodId kId{20, 10};
  std::string out_of_band;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.out_of_band);
  }
  bool operator==(const ChannelOpen&) const = default;
};

struct ChannelOpenOk {
  static constexpr MethodId kId{20, 11};
  std::string channel_id;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longstr(s.channel_id);
  }
  bool operator==(const ChannelOpenOk&) const = default;
};

struct ChannelFlow {
  static constexpr MethodId kId{20, 20};
  bool active = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.bit(s.active);
  }
  bool operator==(const ChannelFlow&) const = default;
};

struct ChannelFlowOk {
  static constexpr MethodId kId{20, 21};
  bool active = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.bit(s.active);
  }
  bool operator==(const ChannelFlowOk&) const = default;
};

struct ChannelClose {
  static constexpr MethodId kId{20, 40};
  std::uint16_t reply_code = 0;
  std::string reply_text;
  std::uint16_t class_id = 0;
  std::uint16_t method_id = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.reply_code);
    v.shortstr(s.reply_text);
    v.short_(s.class_id);
    v.short_(s.method_id);
  }
  bool operator==(const ChannelClose&) const = default;
};

struct ChannelCloseOk {
  static constexpr MethodId kId{20, 41};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ChannelCloseOk&) const = default;
};

// --- access (30) ---
struct AccessRequest {
  static constexpr MethodId kId{30, 10};
  std::string realm;
  bool exclusive = false;
  bool passive = false;
  bool active = false;
  bool write = false;
  bool read = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.realm);
    v.bit(s.exclusive);
    v.bit(s.passive);
    v.bit(s.active);
    v.bit(s.write);
    v.bit(s.read);
  }
  bool operator==(const AccessRequest&) const = default;
};

struct AccessRequestOk {
  static constexpr MethodId kId{30, 11};
  std::uint16_t ticket = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
  }
  bool operator==(const AccessRequestOk&) const = default;
};

// --- exchange (40) ---
struct ExchangeDeclare {
  static constexpr MethodId kId{40, 10};
  std::uint16_t ticket = 0;
  std::string exchange;
  std::string type;
  bool passive = false;
  bool durable = false;
  bool auto_delete = false;
  bool internal = false;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.exchange);
    v.shortstr(s.type);
    v.bit(s.passive);
    v.bit(s.durable);
    v.bit(s.auto_delete);
    v.bit(s.internal);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const ExchangeDeclare&) const = default;
};

struct ExchangeDeclareOk {
  static constexpr MethodId kId{40, 11};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ExchangeDeclareOk&) const = default;
};

struct ExchangeDelete {
  static constexpr MethodId kId{40, 20};
  std::uint16_t ticket = 0;
  std::string exchange;
  bool if_unused = false;
  bool no_wait = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.exchange);
    v.bit(s.if_unused);
    v.bit(s.no_wait);
  }
  bool operator==(const ExchangeDelete&) const = default;
};

struct ExchangeDeleteOk {
  static constexpr MethodId kId{40, 21};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ExchangeDeleteOk&) const = default;
};

struct ExchangeBind {
  static constexpr MethodId kId{40, 30};
  std::uint16_t ticket = 0;
  std::string destination;
  std::string source;
  std::string routing_key;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.destination);
    v.shortstr(s.source);
    v.shortstr(s.routing_key);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const ExchangeBind&) const = default;
};

struct ExchangeBindOk {
  static constexpr MethodId kId{40, 31};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ExchangeBindOk&) const = default;
};

struct ExchangeUnbind {
  static constexpr MethodId kId{40, 40};
  std::uint16_t ticket = 0;
  std::string destination;
  std::string source;
  std::string routing_key;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.destination);
    v.shortstr(s.source);
    v.shortstr(s.routing_key);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const ExchangeUnbind&) const = default;
};

struct ExchangeUnbindOk {
  static constexpr MethodId kId{40, 51};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ExchangeUnbindOk&) const = default;
};

// --- queue (50) ---
struct QueueDeclare {
  static constexpr MethodId kId{50, 10};
  std::uint16_t ticket = 0;
  std::string queue;
  bool passive = false;
  bool durable = false;
  bool exclusive = false;
  bool auto_delete = false;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.bit(s.passive);
    v.bit(s.durable);
    v.bit(s.exclusive);
    v.bit(s.auto_delete);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const QueueDeclare&) const = default;
};

struct QueueDeclareOk {
  static constexpr MethodId kId{50, 11};
  std::string queue;
  std::uint32_t message_count = 0;
  std::uint32_t consumer_count = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.queue);
    v.long_(s.message_count);
    v.long_(s.consumer_count);
  }
  bool operator==(const QueueDeclareOk&) const = default;
};

struct QueueBind {
  static constexpr MethodId kId{50, 20};
  std::uint16_t ticket = 0;
  std::string queue;
  std::string exchange;
  std::string routing_key;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const QueueBind&) const = default;
};

struct QueueBindOk {
  static constexpr MethodId kId{50, 21};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const QueueBindOk&) const = default;
};

struct QueuePurge {
  static constexpr MethodId kId{50, 30};
  std::uint16_t ticket = 0;
  std::string queue;
  bool no_wait = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.bit(s.no_wait);
  }
  bool operator==(const QueuePurge&) const = default;
};

struct QueuePurgeOk {
  static constexpr MethodId kId{50, 31};
  std::uint32_t message_count = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.long_(s.message_count);
  }
  bool operator==(const QueuePurgeOk&) const = default;
};

struct QueueDelete {
  static constexpr MethodId kId{50, 40};
  std::uint16_t ticket = 0;
  std::string queue;
  bool if_unused = false;
  bool if_empty = false;
  bool no_wait = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.bit(s.if_unused);
    v.bit(s.if_empty);
    v.bit(s.no_wait);
  }
  bool operator==(const QueueDelete&) const = default;
};

struct QueueDeleteOk {
  static constexpr MethodId kId{50, 41};
  std::uint32_t message_count = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.long_(s.message_count);
  }
  bool operator==(const QueueDeleteOk&) const = default;
};

struct QueueUnbind {
  static constexpr MethodId kId{50, 50};
  std::uint16_t ticket = 0;
  std::string queue;
  std::string exchange;
  std::string routing_key;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
    v.table(s.arguments);
  }
  bool operator==(const QueueUnbind&) const = default;
};

struct QueueUnbindOk {
  static constexpr MethodId kId{50, 51};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const QueueUnbindOk&) const = default;
};

// --- basic (60) ---
struct BasicQos {
  static constexpr MethodId kId{60, 10};
  std::uint32_t prefetch_size = 0;
  std::uint16_t prefetch_count = 0;
  bool global = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.long_(s.prefetch_size);
    v.short_(s.prefetch_count);
    v.bit(s.global);
  }
  bool operator==(const BasicQos&) const = default;
};

struct BasicQosOk {
  static constexpr MethodId kId{60, 11};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const BasicQosOk&) const = default;
};

struct BasicConsume {
  static constexpr MethodId kId{60, 20};
  std::uint16_t ticket = 0;
  std::string queue;
  std::string consumer_tag;
  bool no_local = false;
  bool no_ack = false;
  bool exclusive = false;
  bool no_wait = false;
  FieldTable arguments;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.shortstr(s.consumer_tag);
    v.bit(s.no_local);
    v.bit(s.no_ack);
    v.bit(s.exclusive);
    v.bit(s.no_wait);
    v.table(s.arguments);
  }
  bool operator==(const BasicConsume&) const = default;
};

struct BasicConsumeOk {
  static constexpr MethodId kId{60, 21};
  std::string consumer_tag;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.consumer_tag);
  }
  bool operator==(const BasicConsumeOk&) const = default;
};

struct BasicCancel {
  static constexpr MethodId kId{60, 30};
  std::string consumer_tag;
  bool no_wait = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.consumer_tag);
    v.bit(s.no_wait);
  }
  bool operator==(const BasicCancel&) const = default;
};

struct BasicCancelOk {
  static constexpr MethodId kId{60, 31};
  std::string consumer_tag;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.consumer_tag);
  }
  bool operator==(const BasicCancelOk&) const = default;
};

struct BasicPublish {
  static constexpr MethodId kId{60, 40};
  std::uint16_t ticket = 0;
  std::string exchange;
  std::string routing_key;
  bool mandatory = false;
  bool immediate = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
    v.bit(s.mandatory);
    v.bit(s.immediate);
  }
  bool operator==(const BasicPublish&) const = default;
};

struct BasicReturn {
  static constexpr MethodId kId{60, 50};
  std::uint16_t reply_code = 0;
  std::string reply_text;
  std::string exchange;
  std::string routing_key;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.reply_code);
    v.shortstr(s.reply_text);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
  }
  bool operator==(const BasicReturn&) const = default;
};

struct BasicDeliver {
  static constexpr MethodId kId{60, 60};
  std::string consumer_tag;
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string exchange;
  std::string routing_key;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.consumer_tag);
    v.longlong(s.delivery_tag);
    v.bit(s.redelivered);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
  }
  bool operator==(const BasicDeliver&) const = default;
};

struct BasicGet {
  static constexpr MethodId kId{60, 70};
  std::uint16_t ticket = 0;
  std::string queue;
  bool no_ack = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.short_(s.ticket);
    v.shortstr(s.queue);
    v.bit(s.no_ack);
  }
  bool operator==(const BasicGet&) const = default;
};

struct BasicGetOk {
  static constexpr MethodId kId{60, 71};
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string exchange;
  std::string routing_key;
  std::uint32_t message_count = 0;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longlong(s.delivery_tag);
    v.bit(s.redelivered);
    v.shortstr(s.exchange);
    v.shortstr(s.routing_key);
    v.long_(s.message_count);
  }
  bool operator==(const BasicGetOk&) const = default;
};

struct BasicGetEmpty {
  static constexpr MethodId kId{60, 72};
  std::string cluster_id;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.shortstr(s.cluster_id);
  }
  bool operator==(const BasicGetEmpty&) const = default;
};

struct BasicAck {
  static constexpr MethodId kId{60, 80};
  std::uint64_t delivery_tag = 0;
  bool multiple = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longlong(s.delivery_tag);
    v.bit(s.multiple);
  }
  bool operator==(const BasicAck&) const = default;
};

struct BasicReject {
  static constexpr MethodId kId{60, 90};
  std::uint64_t delivery_tag = 0;
  bool requeue = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longlong(s.delivery_tag);
    v.bit(s.requeue);
  }
  bool operator==(const BasicReject&) const = default;
};

struct BasicRecoverAsync {
  static constexpr MethodId kId{60, 100};
  bool requeue = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.bit(s.requeue);
  }
  bool operator==(const BasicRecoverAsync&) const = default;
};

struct BasicRecover {
  static constexpr MethodId kId{60, 110};
  bool requeue = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.bit(s.requeue);
  }
  bool operator==(const BasicRecover&) const = default;
};

struct BasicRecoverOk {
  static constexpr MethodId kId{60, 111};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const BasicRecoverOk&) const = default;
};

struct BasicNack {
  static constexpr MethodId kId{60, 120};
  std::uint64_t delivery_tag = 0;
  bool multiple = false;
  bool requeue = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.longlong(s.delivery_tag);
    v.bit(s.multiple);
    v.bit(s.requeue);
  }
  bool operator==(const BasicNack&) const = default;
};

// --- confirm (85) ---
struct ConfirmSelect {
  static constexpr MethodId kId{85, 10};
  bool no_wait = false;
  template <typename Self, typename V>
  static void fields(Self& s, V& v) {
    v.bit(s.no_wait);
  }
  bool operator==(const ConfirmSelect&) const = default;
};

struct ConfirmSelectOk {
  static constexpr MethodId kId{85, 11};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const ConfirmSelectOk&) const = default;
};

// --- tx (90) ---
struct TxSelect {
  static constexpr MethodId kId{90, 10};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxSelect&) const = default;
};

struct TxSelectOk {
  static constexpr MethodId kId{90, 11};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxSelectOk&) const = default;
};

struct TxCommit {
  static constexpr MethodId kId{90, 20};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxCommit&) const = default;
};

struct TxCommitOk {
  static constexpr MethodId kId{90, 21};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxCommitOk&) const = default;
};

struct TxRollback {
  static constexpr MethodId kId{90, 30};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxRollback&) const = default;
};

struct TxRollbackOk {
  static constexpr MethodId kId{90, 31};
  template <typename Self, typename V>
  static void fields(Self& /*s*/, V& /*v*/) {}
  bool operator==(const TxRollbackOk&) const = default;
};

}  // namespace m

// Any method, as decoded from a method frame.
using Method = std::variant<
    m::ConnectionStart, m::ConnectionStartOk, m::ConnectionSecure, m::ConnectionSecureOk,
    m::ConnectionTune, m::ConnectionTuneOk, m::ConnectionOpen, m::ConnectionOpenOk,
    m::ConnectionClose, m::ConnectionCloseOk, m::ConnectionBlocked, m::ConnectionUnblocked,
    m::ConnectionUpdateSecret, m::ConnectionUpdateSecretOk, m::ChannelOpen, m::ChannelOpenOk,
    m::ChannelFlow, m::ChannelFlowOk, m::ChannelClose, m::ChannelCloseOk, m::AccessRequest,
    m::AccessRequestOk, m::ExchangeDeclare, m::ExchangeDeclareOk, m::ExchangeDelete,
    m::ExchangeDeleteOk, m::ExchangeBind, m::ExchangeBindOk, m::ExchangeUnbind, m::ExchangeUnbindOk,
    m::QueueDeclare, m::QueueDeclareOk, m::QueueBind, m::QueueBindOk, m::QueuePurge,
    m::QueuePurgeOk, m::QueueDelete, m::QueueDeleteOk, m::QueueUnbind, m::QueueUnbindOk,
    m::BasicQos, m::BasicQosOk, m::BasicConsume, m::BasicConsumeOk, m::BasicCancel,
    m::BasicCancelOk, m::BasicPublish, m::BasicReturn, m::BasicDeliver, m::BasicGet, m::BasicGetOk,
    m::BasicGetEmpty, m::BasicAck, m::BasicReject, m::BasicRecoverAsync, m::BasicRecover,
    m::BasicRecoverOk, m::BasicNack, m::ConfirmSelect, m::ConfirmSelectOk, m::TxSelect,
    m::TxSelectOk, m::TxCommit, m::TxCommitOk, m::TxRollback, m::TxRollbackOk>;

// The id of the method a Method holds.
MethodId method_id(const Method& method);
// "queue.declare" and so on, for logs and error texts; "class.method" ids for unknown ones.
std::string method_name(MethodId id);

}  // namespace sluice::plugins::amqp
