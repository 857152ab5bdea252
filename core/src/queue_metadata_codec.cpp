#include "queue_metadata_codec.hpp"

#include "sluice/v1/message.pb.h"

namespace sluice::core {

std::string encode_queue_metadata(const QueueMetadata& metadata) {
  sluice::v1::QueueMetadata proto;
  for (const auto& [name, value] : metadata.attributes) (*proto.mutable_attributes())[name] = value;
  for (const auto& [key, value] : metadata.tags) (*proto.mutable_tags())[key] = value;
  proto.set_created_at_ms(metadata.created_at_ms);
  proto.set_modified_at_ms(metadata.modified_at_ms);
  proto.set_last_purge_at_ms(metadata.last_purge_at_ms);
  for (const auto& grant : metadata.permissions) {
    auto* out = proto.add_permissions();
    out->set_label(grant.label);
    for (const auto& account : grant.account_ids) out->add_account_ids(account);
    for (const auto& action : grant.actions) out->add_actions(action);
  }
  for (const auto& key : metadata.data_keys) {
    auto* out = proto.add_data_keys();
    out->set_id(key.id);
    out->set_master_key_id(key.master_key_id);
    out->set_wrapped(key.wrapped);
    out->set_created_at_ms(key.created_at_ms);
    out->set_owner_queue(key.owner_queue);
  }
  std::string bytes;
  proto.SerializeToString(&bytes);
  return bytes;
}

sdk::Result<QueueMetadata> decode_queue_metadata(std::string_view bytes,
                                                 std::string_view queue_name) {
  sluice::v1::QueueMetadata proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "Stored metadata of queue " + std::string(queue_name) +
                               " is not a sluice.v1.QueueMetadata (" +
                               std::to_string(bytes.size()) + " bytes).");
  }
  QueueMetadata metadata;
  metadata.attributes.insert(proto.attributes().begin(), proto.attributes().end());
  metadata.tags.insert(proto.tags().begin(), proto.tags().end());
  metadata.created_at_ms = proto.created_at_ms();
  metadata.modified_at_ms = proto.modified_at_ms();
  metadata.last_purge_at_ms = proto.last_purge_at_ms();
  for (const auto& grant : proto.permissions()) {
    metadata.permissions.push_back(PermissionGrant{
        grant.label(),
        std::vector<std::string>(grant.account_ids().begin(), grant.account_ids().end()),
        std::vector<std::string>(grant.actions().begin(), grant.actions().end())});
  }
  for (const auto& key : proto.data_keys()) {
    metadata.data_keys.push_back(StoredDataKey{key.id(), key.master_key_id(), key.wrapped(),
                                               key.created_at_ms(), key.owner_queue()});
  }
  return metadata;
}

}  // namespace sluice::core
