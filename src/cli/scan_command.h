// The scan command: pick the source from the options, run the pipeline, report, and map
// the outcome to the exit status (0 clean, 1 findings, 2 error).
#pragma once
#include "cli.h"

namespace keyward {

int run_scan(const Options& o);
int run_rules(const Options& o);
int run_install(const Options& o);

}  // namespace keyward
