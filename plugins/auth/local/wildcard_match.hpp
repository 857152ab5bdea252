// IAM-style wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
// There is no escape character, as in IAM. Pure functions, safe from any thread.
#pragma once

#include <string_view>

namespace sluice::plugins::auth_local {

enum class CaseRule { kSensitive, kInsensitive };

// True when `text` matches `pattern` as a whole. Linear in the product of the lengths in the
// worst case, with no recursion, so hostile patterns cannot blow the stack.
bool wildcard_match(std::string_view pattern, std::string_view text,
                    CaseRule rule = CaseRule::kSensitive);

}  // namespace sluice::plugins::auth_local
