// How a secret is shown: a few characters at each end and an ellipsis, never the whole
// value. Logs of CI runs are public; masking is the default everywhere.
#pragma once
#include <string>
#include <string_view>

namespace keyward {

std::string mask_secret(std::string_view secret);

}  // namespace keyward
