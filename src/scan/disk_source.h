// Files on disk, git or not: `keyward models/` before an upload. Recurses into
// directories, skips .git/, follows symbolic links to files (each file scanned once),
// follows a link to a directory only when it is named on the command line, and reads
// pipes named on the command line (/dev/stdin, <(cmd)). See disk_source.cc.
#pragma once
#include <string>
#include <vector>

#include "engine.h"
#include "report.h"
#include "result.h"

namespace keyward {

// Paths are reported the way `find PATH` prints them. Files that cannot be read are
// listed in *unreadable (the caller fails closed); things that hold nothing to scan but
// are worth saying (a dangling link, a pipe met while walking) in *notices. Files are
// scanned on `jobs` threads (0 = every core) when there are many; results keep the
// walk's order. Allowlists judge each file's path relative to `policy_root` (the
// repository whose configuration is in force, or the current directory) when it lies
// under it, else the path as given without a leading "./". With progress, a long sweep
// draws the same progress line as a history sweep (files instead of blobs).
Status scan_paths(const std::vector<std::string>& paths, const Engine& engine, Report& report,
                  std::vector<std::string>* unreadable, std::vector<std::string>* notices, int jobs = 0,
                  const std::string& policy_root = "", bool progress = false);

}  // namespace keyward
