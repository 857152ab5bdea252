// The two dead-letter JSON attributes (spec 7.8, 7.9): RedrivePolicy on a source queue and
// RedriveAllowPolicy on its dead-letter queue. Parsing checks the documents on their own; whether
// the target exists, has the right type and admits the source is the registry's job (it needs the
// store). Pure functions, safe from any thread; nothing here throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/result.hpp"

namespace sluice::core {

inline constexpr std::uint32_t kMinMaxReceiveCount = 1;
inline constexpr std::uint32_t kMaxMaxReceiveCount = 1000;
inline constexpr std::size_t kMaxRedriveSourceArns = 10;

struct ParsedRedrivePolicy {
  std::string dead_letter_target_arn;
  std::uint32_t max_receive_count = 0;
};

// {"deadLetterTargetArn":"arn:...","maxReceiveCount":N}, N in 1..1000 given as a number or a
// numeric string. kInvalidParameterValue naming the document and the reason otherwise.
sdk::Result<ParsedRedrivePolicy> parse_redrive_policy(std::string_view json);
// Compact JSON with a numeric maxReceiveCount, the shape GetQueueAttributes returns.
std::string render_redrive_policy(const ParsedRedrivePolicy& policy);

enum class RedrivePermission : std::uint8_t { kAllowAll, kDenyAll, kByQueue };

struct ParsedRedriveAllowPolicy {
  RedrivePermission permission = RedrivePermission::kAllowAll;
  std::vector<std::string> source_queue_arns;  // only with kByQueue: 1..10 ARNs

  // Whether a queue with ARN `source_arn` may name this queue as its dead-letter target.
  bool allows(std::string_view source_arn) const;
};

// {"redrivePermission":"allowAll"|"denyAll"|"byQueue","sourceQueueArns":[...]}.
// kInvalidParameterValue naming the document and the reason otherwise.
sdk::Result<ParsedRedriveAllowPolicy> parse_redrive_allow_policy(std::string_view json);
std::string render_redrive_allow_policy(const ParsedRedriveAllowPolicy& policy);

}  // namespace sluice::core
