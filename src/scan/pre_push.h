// The pre-push hook's input: one line per ref being pushed, "<local ref> <local sha>
// <remote ref> <remote sha>"; scans exactly what the push sends that the destination
// does not already have: commits, and trees or blobs that pushed tags name.
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

// `remote` is the hook's first argument: the destination's remote name, or its URL when
// the push names no configured remote. Only what that destination already has is hidden:
// its remote-tracking refs and the remote oids on stdin, never other remotes' refs.
Status scan_pre_push(git_repository* repo, const Engine& engine, const HistoryOptions& opts, std::istream& in,
                     Report& report, const std::string& remote = "");

}  // namespace keyward
