// Test helper: a temporary folder for master key files, removed with the object.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace sluice::plugins::local_crypto::testing {

class KeyFolder {
 public:
  KeyFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-keys-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~KeyFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  KeyFolder(const KeyFolder&) = delete;
  KeyFolder& operator=(const KeyFolder&) = delete;

  // Writes `contents` to `name` with permission bits `mode`; returns the file's path.
  std::filesystem::path write(const std::string& name, const std::string& contents,
                              mode_t mode = 0600) const {
    const auto file = path_ / name;
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << contents;
    }
    ::chmod(file.c_str(), mode);
    return file;
  }

  // A key file holding `byte` repeated 32 times, as 64 hex digits and a newline.
  std::filesystem::path write_hex_key(const std::string& name, unsigned char byte) const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (int i = 0; i < 32; ++i) {
      text.push_back(kHex[byte >> 4]);
      text.push_back(kHex[byte & 0x0f]);
    }
    return write(name, text + "\n");
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sluice::plugins::local_crypto::testing
