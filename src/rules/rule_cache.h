// A warm start must not parse hundreds of TOML rules: the parsed rules (without their
// examples) are cached in a compact binary file keyed by the rule files' names, sizes and
// modification times, and by keyward's version. The vocabulary (vocabulary.h) follows them
// in the same file, so a warm start reads no words.txt either, and decodes it only when a
// candidate needs the filters.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "rule.h"
#include "vocabulary.h"

namespace keyward {

// A cheap stamp of a rules directory: sorted (path, size, mtime) of every *.toml.
Result<std::string> rules_dir_stamp(const std::string& dir);
// The same for the vocabulary files load_vocabulary reads (an absent one stamps as absent);
// it names the rules cache file with rules_dir_stamp's, not the Hyperscan database: editing
// words.txt re-reads the vocabulary, it does not recompile the patterns.
std::string vocabulary_stamp(const std::string& dir);

std::string serialize_rules(const std::vector<Rule>& rules);
// False if the bytes are not a complete, well-formed serialization.
bool deserialize_rules(std::string_view bytes, std::vector<Rule>& out);

std::string serialize_vocabulary(const Vocabulary& v);
// True if bytes are one complete, well-formed serialization (walked, nothing allocated):
// checked when the cache is read, so the later decode cannot fail half way.
bool vocabulary_well_formed(std::string_view bytes);
bool deserialize_vocabulary(std::string_view bytes, Vocabulary& out);

// One rule in a cached serialization, found without decoding it: where it starts, and what
// a warm start needs of every rule (its id for lookups, its validator's name to check it
// exists, its capture group to check it is not negative). Views into the serialization.
struct CachedRuleRef {
  uint32_t offset = 0;
  std::string_view id;
  std::string_view validator;
  int secret_group = 0;
};

// A rules cache file's content: serialize_rules(rules) followed by serialize_vocabulary(v).
std::string serialize_rule_cache(const std::vector<Rule>& rules, const Vocabulary& v);
// Decodes the rules into out; *rules_part is their bytes (what the database key checksums),
// *vocabulary the vocabulary's, checked but not decoded. False (out untouched) if any part
// is not well formed.
bool deserialize_rule_cache(std::string_view bytes, std::vector<Rule>& out, std::string_view* rules_part,
                            std::string_view* vocabulary);

// The same checks as deserialize_rule_cache (the whole serialization walked, both parts
// well formed), but the rules are only indexed: refs in order, each decoded later with
// decode_cached_rule when a rule is first needed (a clean commit decodes none).
bool index_rule_cache(std::string_view bytes, std::vector<CachedRuleRef>& refs, std::string_view* rules_part,
                      std::string_view* vocabulary);
// Decodes one rule index_rule_cache found; rules_part is the view it returned.
bool decode_cached_rule(std::string_view rules_part, const CachedRuleRef& ref, Rule& out);

}  // namespace keyward
