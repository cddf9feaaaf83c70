// Placeholder until the pre-push source lands: fails closed.
#include "pre_push.h"

namespace keyward {

Status scan_pre_push(git_repository*, const Engine&, const HistoryOptions&, std::istream&, Report&) {
  return Error{"the pre-push check is not available in this build yet"};
}

}  // namespace keyward
