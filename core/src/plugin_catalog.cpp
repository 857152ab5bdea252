// Finding plugin files in folders: the daemon's --list-plugins and its lookup of a plugin by kind
// and name. Nothing here keeps a library open; discovery loads each file and drops it again.
#include <algorithm>
#include <string>
#include <system_error>

#include <boost/dll/runtime_symbol_info.hpp>

#include "sluice/core/plugin_loader.hpp"

namespace sluice::core {
namespace {

constexpr std::string_view kFilePrefix = "sluice-";
constexpr std::string_view kFileSuffix = ".so";

bool is_plugin_file_name(const std::string& name) {
  return name.size() > kFilePrefix.size() + kFileSuffix.size() && name.starts_with(kFilePrefix) &&
         name.ends_with(kFileSuffix);
}

// Plugin files of one folder, sorted by name; an error if the folder exists but cannot be read.
sdk::Result<std::vector<std::filesystem::path>> files_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return files;
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) {
    return sdk::make_error(sdk::ErrorCode::kInternal,
                           "plugin folder " + folder.string() + ": cannot read: " + ec.message());
  }
  for (const auto& entry : it) {
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;  // follows symlinks
    if (is_plugin_file_name(entry.path().filename().string())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string folder_list(const std::vector<std::filesystem::path>& folders) {
  std::string text;
  for (const auto& folder : folders) {
    if (!text.empty()) text += ", ";
    text += folder.string();
  }
  return text.empty() ? "(no folders)" : text;
}

}  // namespace

std::vector<std::filesystem::path> plugin_files(const std::vector<std::filesystem::path>& folders) {
  std::vector<std::filesystem::path> all;
  for (const auto& folder : folders) {
    auto files = files_in(folder);
    if (!files.ok()) continue;
    all.insert(all.end(), files->begin(), files->end());
  }
  return all;
}

std::vector<sdk::Result<PluginInfo>> discover_plugins(
    const std::vector<std::filesystem::path>& folders) {
  std::vector<sdk::Result<PluginInfo>> found;
  for (const auto& folder : folders) {
    auto files = files_in(folder);
    if (!files.ok()) {
      found.emplace_back(files.error());
      continue;
    }
    for (const auto& file : *files) {
      auto plugin = load_plugin(file, std::nullopt);
      if (plugin.ok()) {
        found.emplace_back((*plugin)->info());
      } else {
        found.emplace_back(plugin.error());
      }
    }
  }
  return found;
}

sdk::Result<std::filesystem::path> find_plugin_file(
    const std::vector<std::filesystem::path>& folders, sdk::PluginKind kind,
    std::string_view name) {
  const std::string file_name = std::string(kFilePrefix) +
                                std::string(sdk::plugin_kind_name(kind)) + "-" + std::string(name) +
                                std::string(kFileSuffix);
  for (const auto& folder : folders) {
    std::error_code ec;
    const std::filesystem::path candidate = folder / file_name;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return sdk::make_error(sdk::ErrorCode::kNotFound,
                         "no " + std::string(sdk::plugin_kind_name(kind)) + " plugin named \"" +
                             std::string(name) + "\": " + file_name + " not found in " +
                             folder_list(folders));
}

std::filesystem::path default_plugin_dir() {
  std::error_code ec;
  std::filesystem::path program = boost::dll::program_location(ec);
  if (ec || program.empty()) return std::filesystem::current_path(ec);
  return program.parent_path();
}

}  // namespace sluice::core
