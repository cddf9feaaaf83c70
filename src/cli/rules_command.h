// `keyward rules`: list the rules, or (--test) run every rule's own examples through the
// real engine: Hyperscan, RE2 and the filters, exactly as a scan would.
#pragma once
#include <ostream>

#include "engine.h"

namespace keyward {

void list_rules(std::ostream& out, const RuleSet& rules, bool json);
// Returns the number of failures; each is described on err.
size_t test_rules(const Engine& engine, std::ostream& out, std::ostream& err);

}  // namespace keyward
