// sluice-hash-password: prints a password_hash for the users file of the local auth plugin.
// The password is read from standard input (first line), never from the command line, so it
// does not end up in shell history or in `ps`.
//   $ sluice-hash-password            # prompts when stdin is a terminal
//   $ printf '%s\n' "$PASSWORD" | sluice-hash-password --iterations 600000
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "password_hash.hpp"

namespace {

int usage() {
  std::cerr << "usage: sluice-hash-password [--iterations N]   (password on standard input)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using sluice::plugins::auth_local::hash_password;
  std::uint32_t iterations = sluice::plugins::auth_local::kDefaultPasswordIterations;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long value = std::strtoul(argv[++i], &end, 10);
      if (end == nullptr || *end != '\0') return usage();
      iterations = static_cast<std::uint32_t>(value);
    } else {
      return usage();
    }
  }
  // At a terminal: prompt, and do not echo what is typed.
  termios saved{};
  const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::cerr << "password: ";
  }
  std::string password;
  const bool read = static_cast<bool>(std::getline(std::cin, password));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!read || password.empty()) {
    std::cerr << "sluice-hash-password: no password on standard input\n";
    return 2;
  }
  auto hash = hash_password(password, iterations);
  if (!hash.ok()) {
    std::cerr << "sluice-hash-password: " << hash.error().message << "\n";
    return 2;
  }
  std::cout << *hash << "\n";
  return 0;
}
