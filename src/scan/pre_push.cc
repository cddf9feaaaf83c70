// The pre-push source: each line names a ref being pushed; the commits it sends are those
// reachable from the local sha but not from the remote sha (an update) or from any
// remote-tracking ref (a new branch). Deletes send nothing.
#include "pre_push.h"

#include <string>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {
namespace {

bool all_zeros(const std::string& s) { return s.find_first_not_of('0') == std::string::npos; }

// Tips of every remote-tracking ref, peeled to commits.
std::vector<git_oid> remote_tips(git_repository* repo) {
  std::vector<std::string> names;
  auto collect = [](const char* name, void* payload) {
    static_cast<std::vector<std::string>*>(payload)->push_back(name);
    return 0;
  };
  git_reference_foreach_glob(repo, "refs/remotes/*", collect, &names);
  std::vector<git_oid> out;
  for (auto& n : names) {
    git_oid id;
    if (git_reference_name_to_id(&id, repo, n.c_str()) != 0) continue;  // e.g. a dangling origin/HEAD
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY) != 0) continue;
    ObjectPtr obj(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) continue;
    ObjectPtr c(peeled);
    out.push_back(*git_object_id(c.get()));
  }
  return out;
}

}  // namespace

Result<std::vector<PushedRef>> parse_pre_push(std::istream& in) {
  std::vector<PushedRef> out;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    PushedRef r;
    std::istringstream ss(line);
    std::string extra;
    if (!(ss >> r.local_ref >> r.local_sha >> r.remote_ref >> r.remote_sha) || (ss >> extra))
      return Error{fmt::format("pre-push input line {} is not '<local ref> <local sha> <remote ref> <remote sha>'", n)};
    out.push_back(std::move(r));
  }
  return out;
}

Status scan_pre_push(git_repository* repo, const Engine& engine, const HistoryOptions& opts, std::istream& in,
                     Report& report) {
  auto refs = parse_pre_push(in);
  if (!refs) return Error{refs.error()};
  std::vector<CommitSet> sets;
  std::vector<git_oid> remotes;
  bool have_remotes = false;
  size_t deletes = 0;
  for (auto& r : *refs) {
    if (all_zeros(r.local_sha)) {
      ++deletes;
      continue;
    }
    CommitSet s;
    git_oid local;
    if (git_oid_fromstr(&local, r.local_sha.c_str()) != 0)
      return Error{fmt::format("pre-push: '{}' is not an object id", r.local_sha)};
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &local, GIT_OBJECT_ANY) != 0)
      return Error{fmt::format("pre-push: {} ({}) is not in this repository", r.local_sha, r.local_ref)};
    ObjectPtr obj(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) continue;  // a tag of a tree or blob
    ObjectPtr commit(peeled);
    s.tips.push_back(*git_object_id(commit.get()));
    git_oid remote;
    bool known = !all_zeros(r.remote_sha) && git_oid_fromstr(&remote, r.remote_sha.c_str()) == 0;
    if (known) {
      git_object* rraw = nullptr;
      known = git_object_lookup(&rraw, repo, &remote, GIT_OBJECT_ANY) == 0;
      ObjectPtr robj(rraw);
      git_object* rpeeled = nullptr;
      if (known && git_object_peel(&rpeeled, robj.get(), GIT_OBJECT_COMMIT) == 0) {
        ObjectPtr rc(rpeeled);
        s.hide.push_back(*git_object_id(rc.get()));
      } else {
        known = false;
      }
    }
    if (!known) {
      // A new branch, or a remote tip we never fetched: everything the remotes do not have.
      if (!have_remotes) remotes = remote_tips(repo), have_remotes = true;
      s.hide.insert(s.hide.end(), remotes.begin(), remotes.end());
    }
    sets.push_back(std::move(s));
  }
  if (deletes)
    report.stats.notes.push_back(fmt::format("{} ref deletion{} pushed: nothing to scan", deletes, deletes == 1 ? "" : "s"));
  if (sets.empty()) return std::nullopt;
  return scan_commit_sets(repo, engine, opts, sets, report);
}

}  // namespace keyward
