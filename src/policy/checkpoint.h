// Jupyter's .ipynb_checkpoints/ copies are how notebooks and their configs leak twice:
// committing anything under one is a finding of its own.
#pragma once
#include <optional>
#include <string_view>

#include "finding.h"

namespace keyward {

bool is_checkpoint_path(std::string_view path);
// The hygiene finding for a checkpoint path (line 1, no secret).
Finding checkpoint_finding(std::string_view path);

}  // namespace keyward
