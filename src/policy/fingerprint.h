// A finding's fingerprint identifies the secret without revealing it: a hash of the rule id
// and the secret, never of commit, path or line, so it survives rebases and moved lines.
#pragma once
#include <string>
#include <string_view>

namespace keyward {

std::string fingerprint(std::string_view rule_id, std::string_view secret);

}  // namespace keyward
