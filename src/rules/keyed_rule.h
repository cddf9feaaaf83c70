// Keyed rules: a secret recognised by the name it is assigned to. A rule file says which
// names (`context = ["cohere", "co_api_key"]`) and what the value looks like
// (`secret = '[A-Za-z0-9]{40}'`); this module expands that once, when rules load, into one
// regex covering every assignment syntax people write (see docs/rules.md), and judges each
// confirmed match's name: hashes, ids and public values assigned next to a provider word
// are not its secret.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "rule.h"

namespace keyward {

// Capture groups of an expanded regex. Each form has its own name group; exactly one
// form participates in a match. The secret is always group kKeyedSecretGroup.
enum KeyedGroup : int {
  kKeyedAssignName = 1,  // NAME = v, NAME: v, "NAME": "v", NAME || 'v', getenv("NAME", "v"), ...
  kKeyedAssignContext,   // the context word inside that name
  kKeyedBareName,        // ENV NAME v, --NAME v, <NAME>v</NAME>
  kKeyedBareContext,
  kKeyedFlagSlot,        // context ... --api-key v
  kKeyedUrlSlot,         // context ... ?api_key=v
  kKeyedFieldSlot,       // context ... Authorization: Bearer v, X-Api-Key: v, token=v
  kKeyedSecretGroup,
};

// Fills rule.regex (RE2: confirms and extracts), rule.hs_regex (Hyperscan: candidates)
// and rule.secret_group from rule.context and rule.secret. Error text names the rule.
Status expand_keyed_rule(Rule& rule);

// The name a keyed match was assigned to and, when the name holds it, where the context
// word sits inside it (offsets into name; context_begin == context_end when none).
struct KeyedName {
  std::string_view name;
  size_t context_begin = 0, context_end = 0;
};

// False when the name says the value is not this rule's secret: a word such as md5, hash,
// commit, id, uuid, trace, deployment, public or search outside the context word (unless
// the rule lists it in name_allow), or a value of only hex digits or a UUID under a name
// without a credential word (key, token, secret, password, auth, credential).
bool keyed_name_allows(const Rule& rule, const KeyedName& name, std::string_view secret);

// The words of an identifier, lower-cased, with their offsets: snake_case, kebab-case,
// dotted.paths and camelCase (`cohereApiKey`, `APIKey`) all split.
struct NameWord {
  std::string word;
  size_t begin, end;
};
std::vector<NameWord> name_words(std::string_view name);

}  // namespace keyward
