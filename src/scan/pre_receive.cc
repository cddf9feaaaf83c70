#include "pre_receive.h"

#include <fnmatch.h>

#include <sstream>

#include <fmt/format.h>

#include "blob_scan.h"
#include "git_handles.h"
#include "message_source.h"
#include "name_scan.h"
#include "object_walk.h"

namespace keyward {
namespace {

bool all_zeros(const std::string& s) { return s.find_first_not_of('0') == std::string::npos; }

bool is_hex(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

// Every checked ref the repository has now, peeled to a commit: under quarantine these are
// the refs from before the push, so what they reach was checked already. Refs outside
// [server] refs do not count: commits pushed unchecked to a scratch branch are scanned when
// they reach a checked ref.
Result<std::vector<git_oid>> existing_tips(git_repository* repo, const std::vector<std::string>& globs) {
  struct Ctx {
    const std::vector<std::string>* globs;
    std::vector<git_oid> out;
  } ctx{&globs, {}};
  auto collect = [](git_reference* ref, void* payload) {
    ReferencePtr owned(ref);
    auto& c = *static_cast<Ctx*>(payload);
    if (!ref_selected(*c.globs, git_reference_name(ref))) return 0;
    git_reference* resolved = nullptr;
    if (git_reference_resolve(&resolved, ref) != 0) return 0;  // a dangling symbolic ref (HEAD of an empty repo)
    ReferencePtr r(resolved);
    git_object* raw = nullptr;
    if (git_reference_peel(&raw, r.get(), GIT_OBJECT_COMMIT) != 0) return 0;  // a tag of a tree or blob
    ObjectPtr obj(raw);
    c.out.push_back(*git_object_id(obj.get()));
    return 0;
  };
  if (git_reference_foreach(repo, collect, &ctx) != 0)
    return Error{fmt::format("cannot list the repository's references: {}", git_error_text())};
  return std::move(ctx.out);
}

struct TreeWalk {
  std::vector<std::pair<git_oid, std::string>> blobs;
};

int tree_entry(const char* root, const git_tree_entry* e, void* payload) {
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return 0;  // subtrees are walked; gitlinks are not content
  static_cast<TreeWalk*>(payload)->blobs.emplace_back(*git_tree_entry_id(e), std::string(root) + git_tree_entry_name(e));
  return 0;
}

}  // namespace

Result<std::vector<ReceivedRef>> parse_pre_receive(std::istream& in) {
  std::vector<ReceivedRef> out;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ReceivedRef r;
    std::istringstream ss(line);
    if (!(ss >> r.old_sha >> r.new_sha >> r.ref) || !is_hex(r.old_sha) || !is_hex(r.new_sha))
      return Error{fmt::format("pre-receive input line {} is not '<old sha> <new sha> <ref name>'", n)};
    if (r.new_sha.size() == 64 || r.old_sha.size() == 64)
      return Error{"this repository uses SHA-256 object ids; keyward is built on libgit2 1.5, which cannot read "
                   "SHA-256 repositories, so the push cannot be checked"};
    if (r.new_sha.size() != GIT_OID_HEXSZ || r.old_sha.size() != GIT_OID_HEXSZ)
      return Error{fmt::format("pre-receive input line {}: '{}' is not an object id", n,
                               r.new_sha.size() != GIT_OID_HEXSZ ? r.new_sha : r.old_sha)};
    out.push_back(std::move(r));
  }
  return out;
}

bool ref_selected(const std::vector<std::string>& globs, const std::string& ref) {
  if (globs.empty()) return true;
  for (auto& g : globs)
    if (::fnmatch(g.c_str(), ref.c_str(), 0) == 0) return true;
  return false;
}

Status scan_pre_receive(git_repository* repo, const Engine& engine, const PreReceiveOptions& opts,
                        const std::vector<ReceivedRef>& refs, Report& report) {
  std::vector<git_oid> tips, tags;
  std::vector<std::pair<std::string, git_oid>> trees, blobs;  // named directly by a (tag) ref
  size_t deletes = 0, unchecked = 0;
  for (auto& r : refs) {
    if (all_zeros(r.new_sha)) {
      ++deletes;
      continue;
    }
    if (!ref_selected(opts.ref_globs, r.ref)) {
      ++unchecked;
      continue;
    }
    git_oid id;
    if (git_oid_fromstr(&id, r.new_sha.c_str()) != 0) return Error{fmt::format("'{}' is not an object id", r.new_sha)};
    // Peel by hand: every tag object on the way has a message to scan.
    for (int depth = 0;; ++depth) {
      git_object* raw = nullptr;
      if (depth > 64 || git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY) != 0)
        return Error{fmt::format("object {} that the push sets {} to cannot be read: {} (a corrupt or incomplete "
                                 "push?)", oid_hex(id), r.ref, depth > 64 ? "too many nested tags" : git_error_text())};
      ObjectPtr obj(raw);
      git_object_t type = git_object_type(obj.get());
      if (type == GIT_OBJECT_TAG) {
        tags.push_back(id);
        id = *git_tag_target_id(reinterpret_cast<const git_tag*>(obj.get()));
        continue;
      }
      if (type == GIT_OBJECT_COMMIT) tips.push_back(id);
      else if (type == GIT_OBJECT_TREE) trees.emplace_back(r.ref, id);
      else if (type == GIT_OBJECT_BLOB) blobs.emplace_back(r.ref, id);
      break;
    }
  }
  auto note = [&](std::string s) { report.stats.notes.push_back(std::move(s)); };
  if (deletes) note(fmt::format("{} ref deletion{}: nothing to scan", deletes, deletes == 1 ? "" : "s"));
  if (unchecked)
    note(fmt::format("{} ref{} outside [server] refs, not checked", unchecked, unchecked == 1 ? "" : "s"));

  if (!tips.empty()) {
    auto hide = existing_tips(repo, opts.ref_globs);
    if (!hide) return Error{hide.error()};
    std::vector<CommitSet> sets{CommitSet{std::move(tips), std::move(*hide)}};
    if (auto e = scan_commit_sets(repo, engine, opts.history, sets, report)) return e;
  }

  // Trees and blobs that a tag names directly: every blob in them (a tree's paths are
  // prefixed with the ref, so the report says where they came from).
  if (!trees.empty() || !blobs.empty()) {
    std::vector<std::string> paths;  // owns the paths the jobs view
    std::vector<std::pair<git_oid, std::string>> todo;
    for (auto& [ref, id] : blobs) todo.emplace_back(id, ref);
    for (auto& [ref, id] : trees) {
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, repo, &id) != 0)
        return Error{fmt::format("tree {} that {} names cannot be read: {}", oid_hex(id), ref, git_error_text())};
      TreePtr tree(raw);
      TreeWalk walk;
      if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, tree_entry, &walk) != 0)
        return Error{fmt::format("tree {} that {} names cannot be read: {}", oid_hex(id), ref, git_error_text())};
      for (auto& [bid, path] : walk.blobs)
        if (!engine.scanner().policy().path_allowed(path)) todo.emplace_back(bid, ref + ":" + path);
    }
    OidMap<bool> seen;
    std::vector<BlobJob> jobs;
    paths.reserve(todo.size());
    for (auto& [bid, path] : todo)
      if (seen.emplace(bid, true).second) {
        paths.push_back(path);
        jobs.push_back(BlobJob{bid, {}});
      }
    for (size_t i = 0; i < jobs.size(); ++i) jobs[i].path = paths[i];
    BlobScanOptions so;
    so.jobs = opts.history.jobs;
    auto scanned = scan_blobs(repo, jobs, engine.scanner(), so);
    if (!scanned) return Error{scanned.error()};
    report.stats.blobs += scanned->blobs;
    report.stats.bytes += scanned->bytes;
    report.stats.missing_objects += scanned->missing;
    for (auto& bf : scanned->found)
      for (auto& f : bf.findings) report.findings.push_back(std::move(f));
  }

  if (auto e = scan_tag_messages(repo, engine, tags, report)) return e;
  // The ref names being created or updated are published like the objects.
  std::vector<std::string> ref_names;
  for (auto& r : refs)
    if (!all_zeros(r.new_sha) && ref_selected(opts.ref_globs, r.ref)) ref_names.push_back(r.ref);
  if (auto e = scan_names(engine.scanner(), ref_names, kRefName, report)) return e;
  if (report.stats.missing_objects)
    return Error{fmt::format("{} object{} that the push needs could not be read (a corrupt or incomplete push, or a "
                             "damaged repository), so the push cannot be checked",
                             report.stats.missing_objects, report.stats.missing_objects == 1 ? "" : "s")};
  return std::nullopt;
}

}  // namespace keyward
