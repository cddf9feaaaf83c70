// `keyward rules`: list the rules, or (--test) run every rule's own examples through the
// real engine: Hyperscan, RE2 and the filters, exactly as a scan would.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "engine.h"

namespace keyward {

// The list includes the built-in ipynb-checkpoint hygiene check, which is no pattern.
void list_rules(std::ostream& out, const RuleSet& rules, bool json);
// One rule whole; false if no rule has that id.
bool show_one_rule(std::ostream& out, const RuleSet& rules, const std::string& id, bool json);
// Every id `keyward rules` lists (for "did you mean").
std::vector<std::string> rule_ids(const RuleSet& rules);
// Returns the number of failures; each is described on err.
size_t test_rules(const Engine& engine, std::ostream& out, std::ostream& err);

}  // namespace keyward
