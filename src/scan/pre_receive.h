// The pre-receive hook's source, on the server: git gives one line per ref being updated,
// "<old sha> <new sha> <ref name>", while the pushed objects sit in quarantine (git exports
// GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES; the repository handle must be
// opened with GIT_REPOSITORY_OPEN_FROM_ENV to see them). What the push introduces is what
// the new tips reach and no ref the repository already has reaches.
#pragma once
#include <git2.h>

#include <istream>
#include <string>
#include <vector>

#include "engine.h"
#include "history_source.h"
#include "report.h"
#include "result.h"

namespace keyward {

struct ReceivedRef {
  std::string old_sha, new_sha, ref;
};

// The hook's stdin; blank lines are ignored. SHA-256 ids are refused with a message that
// names the limitation (libgit2 1.5 cannot read such repositories).
Result<std::vector<ReceivedRef>> parse_pre_receive(std::istream& in);

// True if `ref` matches one of the globs ('*' matches any run of characters, '/' included;
// '?' one character); an empty list matches every ref.
bool ref_selected(const std::vector<std::string>& globs, const std::string& ref);

struct PreReceiveOptions {
  HistoryOptions history;
  std::vector<std::string> ref_globs;  // [server] refs
};

// Scans the blobs, commit messages and tag messages the push introduces. Findings are in
// report.findings; an object the push names but the repository cannot read is an error.
Status scan_pre_receive(git_repository* repo, const Engine& engine, const PreReceiveOptions& opts,
                        const std::vector<ReceivedRef>& refs, Report& report);

}  // namespace keyward
