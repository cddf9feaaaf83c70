// History walking over libgit2 handles. The commit walk is our own (not git_revwalk) so
// that a shallow clone's missing parents are a counted boundary, not an error.
#include "object_walk.h"

#include <algorithm>
#include <queue>
#include <unordered_set>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {
namespace {

using TagPtr = GitPtr<git_tag, git_tag_free>;
using ReflogPtr = GitPtr<git_reflog, git_reflog_free>;

// Follows annotated tags to what they finally name; records commits, trees and blobs.
void add_tip(git_repository* repo, git_oid id, std::vector<git_oid>& commits, CommitGraph& g) {
  for (int depth = 0; depth < 64; ++depth) {
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY) != 0) {
      ++g.missing_commits;
      return;
    }
    ObjectPtr obj(raw);
    switch (git_object_type(obj.get())) {
      case GIT_OBJECT_COMMIT: commits.push_back(id); return;
      case GIT_OBJECT_TREE: g.root_trees.push_back(id); return;
      case GIT_OBJECT_BLOB: g.root_blobs.push_back(id); return;
      case GIT_OBJECT_TAG: id = *git_tag_target_id(reinterpret_cast<git_tag*>(obj.get())); break;
      default: return;
    }
  }
}

Status build_graph(git_repository* repo, std::vector<git_oid> tips, const OidMap<bool>& hidden, CommitGraph& g) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) return Error{"cannot open the object database: " + git_error_text()};
  OdbPtr odb(raw_odb);
  OidMap<uint32_t> pos;
  OidMap<bool> missing;
  std::vector<git_oid> stack;
  for (auto& t : tips)
    if (!hidden.count(t)) stack.push_back(t);
  while (!stack.empty()) {
    git_oid id = stack.back();
    stack.pop_back();
    if (pos.count(id) || missing.count(id)) continue;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &id) != 0) {
      missing[id] = true;
      continue;
    }
    CommitPtr c(raw);
    CommitNode n;
    n.id = id;
    n.tree = *git_commit_tree_id(c.get());
    n.time = git_commit_time(c.get());
    unsigned np = git_commit_parentcount(c.get());
    for (unsigned i = 0; i < np; ++i) {
      git_oid p = *git_commit_parent_id(c.get(), i);
      if (!git_odb_exists(odb.get(), &p)) {
        n.boundary = true;
        missing[p] = true;
        continue;
      }
      n.parents.push_back(p);
      if (!hidden.count(p)) stack.push_back(p);
    }
    pos[id] = static_cast<uint32_t>(g.commits.size());
    g.commits.push_back(std::move(n));
  }
  g.missing_commits += missing.size();

  // Kahn's algorithm: a commit is ready once every parent inside the graph is placed.
  size_t n = g.commits.size();
  std::vector<uint32_t> waiting(n, 0);
  std::vector<std::vector<uint32_t>> children(n);
  for (uint32_t i = 0; i < n; ++i)
    for (auto& p : g.commits[i].parents)
      if (auto it = pos.find(p); it != pos.end()) {
        ++waiting[i];
        children[it->second].push_back(i);
      }
  using Item = std::pair<int64_t, uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (uint32_t i = 0; i < n; ++i)
    if (!waiting[i]) ready.push({g.commits[i].time, i});
  std::vector<CommitNode> ordered;
  ordered.reserve(n);
  while (!ready.empty()) {
    uint32_t i = ready.top().second;
    ready.pop();
    for (uint32_t ch : children[i])
      if (--waiting[ch] == 0) ready.push({g.commits[ch].time, ch});
    ordered.push_back(std::move(g.commits[i]));
  }
  g.commits = std::move(ordered);
  return std::nullopt;
}

}  // namespace

Result<CommitGraph> load_history(git_repository* repo, bool every_commit) {
  CommitGraph g;
  std::vector<git_oid> tips;
  std::vector<std::string> names;
  auto collect = [](const char* name, void* payload) {
    static_cast<std::vector<std::string>*>(payload)->push_back(name);
    return 0;
  };
  if (git_reference_foreach_name(repo, collect, &names) != 0)
    return Error{"cannot list the references: " + git_error_text()};
  names.push_back("HEAD");
  for (auto& name : names) {
    git_oid id;
    if (git_reference_name_to_id(&id, repo, name.c_str()) != 0) continue;  // unborn HEAD, dangling symref
    ++g.refs;
    add_tip(repo, id, tips, g);
  }
  // Older stashes live only in the stash's reflog; their index and untracked parents
  // are reached through the stash commits' parents.
  git_reflog* raw_log = nullptr;
  if (git_reflog_read(&raw_log, repo, "refs/stash") == 0) {
    ReflogPtr log(raw_log);
    for (size_t i = 0, n = git_reflog_entrycount(log.get()); i < n; ++i)
      add_tip(repo, *git_reflog_entry_id_new(git_reflog_entry_byindex(log.get(), i)), tips, g);
  }
  if (every_commit) {
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, repo) != 0) return Error{"cannot open the object database: " + git_error_text()};
    OdbPtr odb(raw_odb);
    std::vector<git_oid> all;
    auto each = [](const git_oid* id, void* payload) {
      static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
      return 0;
    };
    if (git_odb_foreach(odb.get(), each, &all) != 0)
      return Error{"cannot list the object database: " + git_error_text()};
    for (auto& id : all) {
      size_t len;
      git_object_t type;
      if (git_odb_read_header(&len, &type, odb.get(), &id) == 0) {
        if (type == GIT_OBJECT_COMMIT) tips.push_back(id);
        else if (type == GIT_OBJECT_BLOB) g.root_blobs.push_back(id);  // unreachable ones keep no path
        else if (type == GIT_OBJECT_TAG) add_tip(repo, id, tips, g);
      }
    }
  }
  OidMap<bool> none;
  if (auto e = build_graph(repo, std::move(tips), none, g)) return *e;
  return g;
}

Result<CommitGraph> load_range(git_repository* repo, const std::vector<git_oid>& tips,
                               const std::vector<git_oid>& hide) {
  CommitGraph g;
  OidMap<bool> hidden;
  if (!hide.empty()) {
    // Prefer libgit2's walk, which stops early using commit dates; fall back to marking the
    // whole hidden ancestry when it cannot cope (a shallow boundary).
    git_revwalk* raw = nullptr;
    bool ok = git_revwalk_new(&raw, repo) == 0;
    RevwalkPtr walk(raw);
    std::vector<git_oid> in_range;
    if (ok) {
      for (auto& t : tips) ok = ok && git_revwalk_push(walk.get(), &t) == 0;
      for (auto& h : hide) ok = ok && git_revwalk_hide(walk.get(), &h) == 0;
      git_oid id;
      int rc = 0;
      while (ok && (rc = git_revwalk_next(&id, walk.get())) == 0) in_range.push_back(id);
      ok = ok && rc == GIT_ITEROVER;
    }
    if (ok) {
      // Every parent outside the range is its base: hidden, but still diffed against.
      OidMap<bool> keep;
      for (auto& id : in_range) keep[id] = true;
      for (auto& id : in_range) {
        git_commit* craw = nullptr;
        if (git_commit_lookup(&craw, repo, &id) != 0) continue;
        CommitPtr c(craw);
        for (unsigned i = 0; i < git_commit_parentcount(c.get()); ++i) {
          git_oid p = *git_commit_parent_id(c.get(), i);
          if (!keep.count(p)) hidden[p] = true;
        }
      }
      if (auto e = build_graph(repo, in_range, hidden, g)) return *e;
      return g;
    }
    std::vector<git_oid> stack(hide.begin(), hide.end());
    CommitGraph hidden_graph;
    OidMap<bool> none;
    if (auto e = build_graph(repo, stack, none, hidden_graph)) return *e;
    for (auto& c : hidden_graph.commits) hidden[c.id] = true;
  }
  if (auto e = build_graph(repo, tips, hidden, g)) return *e;
  return g;
}

Result<BlobSet> collect_blobs(git_repository* repo, const CommitGraph& graph,
                              const std::function<bool(std::string_view)>& path_allowed,
                              const ScannableFn& on_scannable) {
  BlobSet set;
  OidMap<bool> seen_trees;  // tree -> some path inside it was allowlisted
  std::unordered_set<std::string> rewalked;
  std::string path;
  path.reserve(4096);

  auto add_blob = [&](const git_oid& id, const std::string& p, bool allowed) {
    auto [it, fresh] = set.index.try_emplace(id, static_cast<uint32_t>(set.blobs.size()));
    if (fresh) {
      set.blobs.push_back(BlobEntry{id, p, !allowed});
      if (!allowed && on_scannable) on_scannable(it->second, set.blobs.back());
    } else {
      BlobEntry& b = set.blobs[it->second];
      if (!b.scannable && !allowed) {
        b.path = p;
        b.scannable = true;
        if (on_scannable) on_scannable(it->second, b);
      }
    }
  };

  // Returns whether any path under the tree was allowlisted.
  std::function<bool(const git_oid&)> walk = [&](const git_oid& tree_id) -> bool {
    auto it = seen_trees.find(tree_id);
    if (it != seen_trees.end()) {
      // A tree met before holds the same blobs; walk it again only if the allowlist may
      // judge its paths differently here.
      if (!it->second) return false;
      std::string key(reinterpret_cast<const char*>(tree_id.id), GIT_OID_RAWSZ);
      key += path;
      if (!rewalked.insert(std::move(key)).second) return true;
    }
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, &tree_id) != 0) {
      ++set.missing_trees;
      seen_trees[tree_id] = false;
      return false;
    }
    TreePtr tree(raw);
    bool any_allowed = false;
    size_t base = path.size();
    for (size_t i = 0, n = git_tree_entrycount(tree.get()); i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      path.resize(base);
      path += git_tree_entry_name(e);
      git_filemode_t mode = git_tree_entry_filemode(e);
      if (mode == GIT_FILEMODE_COMMIT) {
        ++set.gitlinks;
      } else if (mode == GIT_FILEMODE_TREE) {
        path += '/';
        any_allowed |= walk(*git_tree_entry_id(e));
      } else {
        bool allowed = path_allowed(path);
        any_allowed |= allowed;
        add_blob(*git_tree_entry_id(e), path, allowed);
      }
    }
    path.resize(base);
    seen_trees[tree_id] = seen_trees[tree_id] || any_allowed;
    return any_allowed;
  };

  for (auto& c : graph.commits) walk(c.tree);
  for (auto& t : graph.root_trees) walk(t);
  for (auto& b : graph.root_blobs)
    if (!set.index.count(b)) add_blob(b, "", false);
  return set;
}

Status introduced_blobs(git_repository* repo, const CommitNode& commit, const IntroducedFn& fn,
                        size_t* missing_trees) {
  size_t missing = 0;
  std::string path;
  std::function<void(const git_tree*, const std::vector<const git_tree*>&)> diff =
      [&](const git_tree* tree, const std::vector<const git_tree*>& parents) {
        size_t base = path.size();
        for (size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
          const git_tree_entry* e = git_tree_entry_byindex(tree, i);
          git_filemode_t mode = git_tree_entry_filemode(e);
          if (mode == GIT_FILEMODE_COMMIT) continue;
          const char* name = git_tree_entry_name(e);
          const git_oid* id = git_tree_entry_id(e);
          bool is_tree = mode == GIT_FILEMODE_TREE;
          bool unchanged = false;
          std::vector<git_oid> parent_subtrees;
          for (const git_tree* p : parents) {
            if (!p) continue;
            const git_tree_entry* pe = git_tree_entry_byname(p, name);
            if (!pe) continue;
            bool pe_tree = git_tree_entry_filemode(pe) == GIT_FILEMODE_TREE;
            if (pe_tree != is_tree) continue;
            if (git_oid_cmp(git_tree_entry_id(pe), id) == 0) {
              unchanged = true;
              break;
            }
            if (pe_tree) parent_subtrees.push_back(*git_tree_entry_id(pe));
          }
          if (unchanged) continue;
          path.resize(base);
          path += name;
          if (!is_tree) {
            fn(*id, path);
            continue;
          }
          git_tree* raw = nullptr;
          if (git_tree_lookup(&raw, repo, id) != 0) {
            ++missing;
            continue;
          }
          TreePtr sub(raw);
          std::vector<TreePtr> owned;
          std::vector<const git_tree*> psubs;
          for (auto& pid : parent_subtrees) {
            git_tree* praw = nullptr;
            if (git_tree_lookup(&praw, repo, &pid) == 0) {
              owned.emplace_back(praw);
              psubs.push_back(praw);
            }
          }
          path += '/';
          diff(sub.get(), psubs);
        }
        path.resize(base);
      };

  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo, &commit.tree) != 0) {
    if (missing_trees) ++*missing_trees;
    return std::nullopt;
  }
  TreePtr tree(raw);
  std::vector<TreePtr> owned;
  std::vector<const git_tree*> parents;
  for (auto& p : commit.parents) {
    git_commit* craw = nullptr;
    if (git_commit_lookup(&craw, repo, &p) != 0) continue;
    CommitPtr pc(craw);
    git_tree* praw = nullptr;
    if (git_commit_tree(&praw, pc.get()) == 0) {
      owned.emplace_back(praw);
      parents.push_back(praw);
    }
  }
  diff(tree.get(), parents);
  if (missing_trees) *missing_trees += missing;
  return std::nullopt;
}

}  // namespace keyward
