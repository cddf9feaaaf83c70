#include "guard.h"

#include <exception>

namespace keyward {

int run_guarded(const std::string& what, const std::function<int()>& command, std::ostream& err) {
  try {
    return command();
  } catch (const std::exception& e) {
    err << "keyward: error: " << what << " failed: internal error: " << e.what()
        << " (nothing may be taken as scanned)\n";
  } catch (...) {
    err << "keyward: error: " << what << " failed: internal error (unknown exception)"
        << " (nothing may be taken as scanned)\n";
  }
  return 2;
}

}  // namespace keyward
