// Command-line parsing and git-style help. Options are one struct passed down; nothing
// here touches git or the rules.
#pragma once
#include <string>
#include <vector>

#include "result.h"

namespace keyward {

struct Options {
  enum class Command { Scan, Rules, Install, Uninstall, Baseline, Revoke, Help, Version };
  Command command = Command::Scan;

  // What to scan (Scan and Baseline): the staged index by default.
  bool all_history = false;
  bool all_objects = false;
  std::vector<std::string> ranges;  // --range A..B (repeatable)
  std::vector<std::string> paths;   // PATH... on disk
  bool stdin_input = false;         // `keyward -` / --stdin: scan standard input
  std::string stdin_name;           // --stdin-name PATH: what standard input is called in
                                    // reports and for path rules ("" = "-")

  std::string chdir;                // -C DIR
  std::string format;               // text | json | sarif ("" = text)
  std::string output;               // --output FILE
  std::string config;               // --config FILE
  std::string baseline;             // --baseline FILE
  std::string rules_dir;            // --rules DIR
  std::string color = "auto";       // auto | always | never
  bool show_secrets = false;
  bool report_unused = false;
  bool no_baseline = false;         // --no-baseline: report every finding, baselined or not
  bool quiet = false;
  bool verbose = false;
  bool progress = true;             // --no-progress turns the bar off
  int jobs = 0;                     // 0 = every core
  bool strict = false;              // --strict: what a shallow/partial clone lacks is an error
  bool verify = false;              // --verify: ask each finding's provider (never implied in hooks)
  bool yes = false;                 // revoke --yes: no confirmation question

  // rules
  bool rules_test = false;
  bool rules_compile = false;  // rules --compile: fill the pattern cache now
  bool system_cache = false;   // rules --compile --system: the system-wide cache
  std::string rule_id;      // rules ID: show that one rule whole
  // install / uninstall
  bool pre_push = false;
  bool pre_receive = false;  // install --pre-receive (a server's bare repository)
  bool force = false;
  bool global = false;

  std::string hook;        // --hook pre-commit|pre-push|pre-receive|commit-msg: run as that git hook
  std::string help_topic;  // help COMMAND
};

Result<Options> parse_args(int argc, char** argv);

// Git-style usage text for a command ("" = the overview).
std::string help_text(const std::string& command);
bool is_help_topic(const std::string& command);

// The candidate closest to word by edit distance, or "" when none is close enough to be
// what was meant (for "did you mean ...?").
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace keyward
