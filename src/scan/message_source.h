// Messages are content too: a token pasted into a commit or annotated-tag message is pushed
// and published like a file. These scan messages through the same pipeline as blobs; the
// findings name the commit (or tag object) and the line inside the message, under the
// path "<commit message>" or "<tag message>"; the commit's author and committer names and
// addresses under "<commit author>".
#pragma once
#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "object_walk.h"
#include "report.h"
#include "result.h"

namespace keyward {

inline constexpr const char* kCommitMessagePath = "<commit message>";
inline constexpr const char* kTagMessagePath = "<tag message>";
inline constexpr const char* kCommitPeoplePath = "<commit author>";  // the author and committer lines

// The messages of the graph's commits; findings are appended to report.findings.
Status scan_commit_messages(git_repository* repo, const Engine& engine, const CommitGraph& graph, Report& report);

// The messages of these annotated tag objects (and of tags they point at).
Status scan_tag_messages(git_repository* repo, const Engine& engine, const std::vector<git_oid>& tags, Report& report);

// The messages of every annotated tag a ref names (--all-history).
Status scan_ref_tag_messages(git_repository* repo, const Engine& engine, Report& report);

// A message given as text (the commit-msg hook's file): everything from git's scissors
// line on (`git commit -v` puts the diff there) is not part of the message.
Result<std::vector<Finding>> scan_message_text(const Engine& engine, std::string_view text);

}  // namespace keyward
