// A module and its bytecode: `pkg/__pycache__/mod.cpython-311.pyc` (or Python 2's
// `pkg/mod.pyc`) holds mod.py's string constants, so a secret in mod.py is found twice. A
// user expects one finding, at the source line they can edit, that says the compiled copy
// holds it too; a .pyc whose source is not in the scan (committed alone, or the .py
// already cleaned) stays a finding of its own.
#pragma once
#include <vector>

#include "finding.h"

namespace keyward {

// Merges each .pyc finding whose secret a finding in the matching .py of the same scan
// carries into that finding, as one more of its places; the others are left as they are.
void merge_pyc_duplicates(std::vector<Finding>& findings);

}  // namespace keyward
