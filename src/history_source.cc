// Placeholder until the history walk lands.
#include "history_source.h"

namespace keyward {

Status scan_history(git_repository*, const Engine&, const HistoryOptions&, Report&) {
  return Error{"--all-history is not available in this build yet"};
}

Status scan_ranges(git_repository*, const Engine&, const HistoryOptions&, Report&) {
  return Error{"--range is not available in this build yet"};
}

}  // namespace keyward
