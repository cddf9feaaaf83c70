// keyward: wires the command line to the commands. Everything else lives in its stage.
#include <iostream>

#include "cli.h"
#include "scan_command.h"

int main(int argc, char** argv) {
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
      return keyward::run_rules(*opts);
    case Options::Command::Install:
    case Options::Command::Uninstall:
      return keyward::run_install(*opts);
    case Options::Command::Scan:
    case Options::Command::Baseline:
      return keyward::run_scan(*opts);
  }
  return 2;
}
