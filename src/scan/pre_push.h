// The pre-push hook's input: one line per ref being pushed, "<local ref> <local sha>
// <remote ref> <remote sha>"; scans exactly the commits that the push sends.
#pragma once
#include <git2.h>

#include <istream>
#include <sstream>
#include <string>
#include <vector>

#include "engine.h"
#include "history_source.h"
#include "report.h"
#include "result.h"

namespace keyward {

struct PushedRef {
  std::string local_ref, local_sha, remote_ref, remote_sha;
};

// The hook's stdin, one ref per line; blank lines are ignored.
Result<std::vector<PushedRef>> parse_pre_push(std::istream& in);

Status scan_pre_push(git_repository* repo, const Engine& engine, const HistoryOptions& opts, std::istream& in,
                     Report& report);

}  // namespace keyward
