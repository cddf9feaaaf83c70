// The pre-push source: each line names a ref being pushed; what it sends is what is
// reachable from the local sha but not from anything the destination already has: the
// remote oids git lists on stdin (any line's) and the destination's own remote-tracking
// refs. Other remotes' refs say nothing about this one: a secret pushed to a private remote
// must still block a push to a public one. Deletes send nothing.
#include "pre_push.h"

#include <string>

#include <fmt/format.h>

#include "git_handles.h"
#include "name_scan.h"

namespace keyward {
namespace {

using RemotePtr = GitPtr<git_remote, git_remote_free>;

bool all_zeros(const std::string& s) { return s.find_first_not_of('0') == std::string::npos; }

// `id` peeled to a commit, if it names one that is here.
bool commit_of(git_repository* repo, const git_oid& id, git_oid* out) {
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY) != 0) return false;
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) return false;
  ObjectPtr c(peeled);
  *out = *git_object_id(c.get());
  return true;
}

// Tips of the refs that the remote `name`'s fetch refspecs write (refs/remotes/<name>/*
// by default), peeled to commits. None when `name` is a URL rather than a configured remote.
std::vector<git_oid> tracking_tips(git_repository* repo, const std::string& name) {
  std::vector<git_oid> out;
  git_remote* raw_remote = nullptr;
  if (name.empty() || git_remote_lookup(&raw_remote, repo, name.c_str()) != 0) return out;
  RemotePtr remote(raw_remote);
  std::vector<const git_refspec*> specs;
  for (size_t i = 0, n = git_remote_refspec_count(remote.get()); i < n; ++i) {
    const git_refspec* spec = git_remote_get_refspec(remote.get(), i);
    const char* str = git_refspec_string(spec);
    if (git_refspec_direction(spec) == GIT_DIRECTION_FETCH && str && str[0] != '^') specs.push_back(spec);
  }
  if (specs.empty()) return out;
  std::vector<std::string> names;
  auto collect = [](const char* ref, void* payload) {
    static_cast<std::vector<std::string>*>(payload)->push_back(ref);
    return 0;
  };
  git_reference_foreach_name(repo, collect, &names);
  for (auto& n : names) {
    bool tracked = false;
    for (const git_refspec* spec : specs) tracked = tracked || git_refspec_dst_matches(spec, n.c_str());
    git_oid id, c;
    if (!tracked || git_reference_name_to_id(&id, repo, n.c_str()) != 0) continue;  // e.g. a dangling HEAD
    if (commit_of(repo, id, &c)) out.push_back(c);
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
                     Report& report, const std::string& remote) {
  auto refs = parse_pre_push(in);
  if (!refs) return Error{refs.error()};
  // What the destination has: every remote oid git names that is here, and its own
  // remote-tracking refs. Hidden for every ref pushed.
  std::vector<git_oid> has = tracking_tips(repo, remote);
  for (auto& r : *refs) {
    git_oid id, c;
    if (!all_zeros(r.remote_sha) && git_oid_fromstr(&id, r.remote_sha.c_str()) == 0 && commit_of(repo, id, &c))
      has.push_back(c);
  }
  std::vector<CommitSet> sets;
  size_t deletes = 0;
  for (auto& r : *refs) {
    if (all_zeros(r.local_sha)) {
      ++deletes;
      continue;
    }
    git_oid local;
    if (git_oid_fromstr(&local, r.local_sha.c_str()) != 0)
      return Error{fmt::format("pre-push: '{}' is not an object id", r.local_sha)};
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &local, GIT_OBJECT_ANY) != 0)
      return Error{fmt::format("pre-push: {} ({}) is not in this repository", r.local_sha, r.local_ref)};
    ObjectPtr obj(raw);
    // A commit, or a tag (of a commit, tree or blob) or tree or blob: load_range peels it.
    CommitSet s;
    s.tips.push_back(local);
    s.hide = has;
    s.label = r.local_ref;
    sets.push_back(std::move(s));
  }
  if (deletes)
    report.stats.notes.push_back(fmt::format("{} ref deletion{} pushed: nothing to scan", deletes, deletes == 1 ? "" : "s"));
  if (sets.empty()) return std::nullopt;
  if (auto e = scan_commit_sets(repo, engine, opts, sets, report)) return e;
  // The names the push creates or moves on the remote are published too (a deletion
  // publishes nothing new).
  std::vector<std::string> ref_names;
  for (auto& r : *refs)
    if (!all_zeros(r.local_sha) && r.local_sha != r.remote_sha) ref_names.push_back(r.remote_ref);
  return scan_names(engine.scanner(), ref_names, kRefName, report);
}

}  // namespace keyward
