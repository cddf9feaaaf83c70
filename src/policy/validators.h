// Offline validation of a candidate secret: checksums where the format carries one
// (GitHub, npm, age), structure where it has structure (OpenAI marker, PEM body, JWT
// header, PyPI macaroon, ...), and the value heuristics of the generic detector.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

enum class Validity {
  NotApplicable,  // the validator cannot tell; keep the finding, unconfirmed
  Valid,          // confirmed offline; the finding says how
  Invalid,        // cannot be a real secret of this kind; drop the finding
};

struct Validation {
  Validity validity = Validity::NotApplicable;
  std::string kind;  // "checksum" or "structure" when Valid
};

// name is a rule's `validator` field; unknown names are rejected when rules load.
Validation validate(const std::string& name, std::string_view secret);
// The validator called `name`, resolved once (the policy does so when rules load) so
// candidates are not dispatched by string; nullptr for "" or an unknown name.
using ValidatorFn = Validation (*)(std::string_view);
ValidatorFn find_validator(const std::string& name);
bool is_known_validator(const std::string& name);
// Every validator name, for `keyward rules` and the docs.
const std::vector<std::string>& validator_names();

// Building blocks, exposed for tests.
uint32_t crc32(std::string_view s);
std::string base62_fixed(uint32_t v, size_t width);

}  // namespace keyward
