// The last line of defence: no exception ends the process with an abort (SIGABRT reads as
// a crash to git and to CI, and says nothing). Exit 0 is a promise, so anything that
// escapes a command ends the run as an error that names what failed, exit 2.
#pragma once
#include <functional>
#include <ostream>
#include <string>

namespace keyward {

// Runs command; an exception that escapes it is reported on err as
// "keyward: error: <what> failed: internal error: ..." and gives exit status 2. what is
// read only then, so the command may refine it as it learns what it is doing.
int run_guarded(const std::string& what, const std::function<int()>& command, std::ostream& err);

}  // namespace keyward
