// keyward: wires the command line to the commands. Everything else lives in its stage.
#include <iostream>
#include <string>

#include "cli.h"
#include "guard.h"
#include "scan_command.h"

namespace {

// Sets what to the command that runs, for the message should it fail.
int run(int argc, char** argv, std::string& what) {
  using keyward::Options;
  auto opts = keyward::parse_args(argc, argv);
  if (!opts) {
    std::cerr << "keyward: error: " << opts.error() << '\n';
    std::cerr << "usage: keyward [<options>] [<path>...]   (see 'keyward --help')\n";
    return 2;
  }
  switch (opts->command) {
    case Options::Command::Help:
      std::cout << keyward::help_text(opts->help_topic);
      return 0;
    case Options::Command::Version:
      std::cout << "keyward " << KEYWARD_VERSION << '\n';
      return 0;
    case Options::Command::Rules:
      what = "keyward rules";
      return keyward::run_rules(*opts);
    case Options::Command::Install:
    case Options::Command::Uninstall:
      what = opts->command == Options::Command::Install ? "keyward install" : "keyward uninstall";
      return keyward::run_install(*opts);
    case Options::Command::Scan:
    case Options::Command::Baseline:
    case Options::Command::Revoke:
      what = opts->command == Options::Command::Scan       ? "the scan"
             : opts->command == Options::Command::Revoke ? "keyward revoke"
                                                           : "writing the baseline";
      return keyward::run_scan(*opts);
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = "keyward";
  return keyward::run_guarded(what, [&] { return run(argc, argv, what); }, std::cerr);
}
