#include "user_directory.hpp"

namespace sluice::plugins::auth_local {

UserDirectory::UserDirectory(std::vector<User> users) : users_(std::move(users)) {
  for (std::size_t u = 0; u < users_.size(); ++u) {
    by_name_.emplace(users_[u].name, u);
    by_arn_.emplace(users_[u].arn(), u);
    for (std::size_t k = 0; k < users_[u].access_keys.size(); ++k) {
      by_key_.emplace(users_[u].access_keys[k].id, std::make_pair(u, k));
    }
  }
}

const User* UserDirectory::find_by_access_key(std::string_view id, const AccessKey** key) const {
  auto it = by_key_.find(id);
  if (it == by_key_.end()) return nullptr;
  const User& user = users_[it->second.first];
  if (key != nullptr) *key = &user.access_keys[it->second.second];
  return &user;
}

const User* UserDirectory::find_by_name(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &users_[it->second];
}

const User* UserDirectory::find_by_arn(std::string_view arn) const {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : &users_[it->second];
}

}  // namespace sluice::plugins::auth_local
