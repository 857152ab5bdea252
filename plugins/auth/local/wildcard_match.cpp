#include "wildcard_match.hpp"

#include <cstddef>

namespace sluice::plugins::auth_local {
namespace {

char fold(char c, CaseRule rule) {
  if (rule == CaseRule::kInsensitive && c >= 'A' && c <= 'Z')
    return static_cast<char>(c - 'A' + 'a');
  return c;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, CaseRule rule) {
  // Greedy matching with one back-track point: the position after the last `*` seen and the
  // text position it currently stands for. A later mismatch lets that `*` swallow one more
  // character. This is complete for patterns made of literals, `?` and `*`.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || fold(pattern[p], rule) == fold(text[t], rule))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace sluice::plugins::auth_local
