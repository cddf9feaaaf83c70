// History walking over libgit2 handles. The commit walk is our own (not git_revwalk) so
// that a shallow clone's missing parents are a counted boundary, not an error.
#include "object_walk.h"

#include <algorithm>
#include <fstream>
#include <queue>
#include <unordered_set>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {
namespace {

using TagPtr = GitPtr<git_tag, git_tag_free>;
using ReflogPtr = GitPtr<git_reflog, git_reflog_free>;

struct Tip {
  git_oid id;
  Reach reach;
};

// Follows annotated tags to what they finally name; records commits, trees and blobs.
void add_tip(git_repository* repo, git_oid id, const std::string& name, Reach reach, std::vector<Tip>& commits,
             CommitGraph& g) {
  for (int depth = 0; depth < 64; ++depth) {
    git_object* raw = nullptr;
    if (int rc = git_object_lookup(&raw, repo, &id, GIT_OBJECT_ANY); rc != 0) {
      g.bad.push_back(bad_object(id, GIT_OBJECT_ANY, rc, name.empty() ? "" : "named by " + name));
      return;
    }
    ObjectPtr obj(raw);
    switch (git_object_type(obj.get())) {
      case GIT_OBJECT_COMMIT: commits.push_back(Tip{id, reach}); return;
      case GIT_OBJECT_TREE:
        g.root_trees.push_back(id);
        g.root_names.emplace(id, name);
        return;
      case GIT_OBJECT_BLOB:
        g.root_blobs.push_back(id);
        g.root_names.emplace(id, name);
        return;
      case GIT_OBJECT_TAG: id = *git_tag_target_id(reinterpret_cast<git_tag*>(obj.get())); break;
      default: return;
    }
  }
}

// The commits a shallow clone lists in .git/shallow: their parents are absent by design.
OidMap<bool> shallow_commits(git_repository* repo) {
  OidMap<bool> out;
  std::ifstream in(std::string(git_repository_commondir(repo)) + "shallow");
  for (std::string line; std::getline(in, line);) {
    git_oid id;
    if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, line.c_str(), GIT_OID_HEXSZ) == 0) out[id] = true;
  }
  return out;
}

// Walks commits from `tips`, stopping at `hidden`. Unreadable commits and absent parents go
// to g.bad, except absent parents that are hidden (a range's base: nothing is lost there).
Status build_graph(git_repository* repo, std::vector<git_oid> tips, const OidMap<bool>& hidden, CommitGraph& g,
                   const OidMap<bool>& shallow) {
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
    if (int rc = git_commit_lookup(&raw, repo, &id); rc != 0) {
      missing[id] = true;
      g.bad.push_back(bad_object(id, GIT_OBJECT_COMMIT, rc));
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
        if (!hidden.count(p) && missing.emplace(p, true).second) {
          BadObject b{p, GIT_OBJECT_COMMIT, false, shallow.count(id) > 0, "parent of " + oid_hex(id)};
          g.bad.push_back(std::move(b));
        }
        continue;
      }
      n.parents.push_back(p);
      if (!hidden.count(p)) stack.push_back(p);
    }
    pos[id] = static_cast<uint32_t>(g.commits.size());
    g.commits.push_back(std::move(n));
  }

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

std::vector<git_oid> tip_ids(const std::vector<Tip>& tips) {
  std::vector<git_oid> out;
  out.reserve(tips.size());
  for (auto& t : tips) out.push_back(t.id);
  return out;
}

// Each commit's reach is the best of the tips that reach it: children hand theirs down to
// their parents, and history order puts every child after its parents.
void assign_reach(CommitGraph& g, const std::vector<Tip>& tips) {
  OidMap<uint32_t> pos;
  for (uint32_t i = 0; i < g.commits.size(); ++i) {
    pos[g.commits[i].id] = i;
    g.commits[i].reach = Reach::Dangling;
  }
  for (auto& t : tips)
    if (auto it = pos.find(t.id); it != pos.end())
      g.commits[it->second].reach = std::min(g.commits[it->second].reach, t.reach);
  for (size_t i = g.commits.size(); i-- > 0;)
    for (auto& p : g.commits[i].parents)
      if (auto it = pos.find(p); it != pos.end())
        g.commits[it->second].reach = std::min(g.commits[it->second].reach, g.commits[i].reach);
}

// HEAD and HEAD's reflog of `r` (another worktree of the same repository) as tips.
void add_head_and_log(git_repository* repo, git_repository* r, const std::string& where, std::vector<Tip>& tips,
                      CommitGraph& g) {
  git_oid id;
  if (git_reference_name_to_id(&id, r, "HEAD") == 0) {
    ++g.refs;
    add_tip(repo, id, "HEAD of " + where, Reach::Ref, tips, g);
  }
  if (git_reference_has_log(r, "HEAD") != 1) return;
  git_reflog* raw_log = nullptr;
  if (git_reflog_read(&raw_log, r, "HEAD") != 0) return;
  ReflogPtr log(raw_log);
  for (size_t i = 0, n = git_reflog_entrycount(log.get()); i < n; ++i) {
    const git_reflog_entry* e = git_reflog_entry_byindex(log.get(), i);
    for (const git_oid* o : {git_reflog_entry_id_new(e), git_reflog_entry_id_old(e)})
      if (!git_oid_is_zero(o)) add_tip(repo, *o, "in the HEAD reflog of " + where, Reach::Reflog, tips, g);
  }
}

// The other worktrees' HEADs and HEAD reflogs: a commit on a linked worktree's detached
// HEAD is no ref of this one (and from a linked worktree, the main one's HEAD is not either).
void add_other_worktrees(git_repository* repo, std::vector<Tip>& tips, CommitGraph& g) {
  using WorktreePtr = GitPtr<git_worktree, git_worktree_free>;
  const std::string self = git_repository_path(repo);
  if (git_repository_is_worktree(repo)) {
    git_repository* raw = nullptr;
    if (git_repository_open(&raw, git_repository_commondir(repo)) == 0) {
      RepoPtr main(raw);
      add_head_and_log(repo, main.get(), "the main worktree", tips, g);
    }
  }
  git_strarray names{};
  if (git_worktree_list(&names, repo) != 0) return;
  for (size_t i = 0; i < names.count; ++i) {
    git_worktree* raw_wt = nullptr;
    if (git_worktree_lookup(&raw_wt, repo, names.strings[i]) != 0) continue;
    WorktreePtr wt(raw_wt);
    git_repository* raw = nullptr;
    if (git_worktree_validate(wt.get()) != 0 || git_repository_open_from_worktree(&raw, wt.get()) != 0) continue;
    RepoPtr other(raw);
    if (self == git_repository_path(other.get())) continue;  // this worktree: done already
    add_head_and_log(repo, other.get(), std::string("worktree ") + names.strings[i], tips, g);
  }
  git_strarray_dispose(&names);
}

}  // namespace

const char* reach_name(Reach r) {
  switch (r) {
    case Reach::Ref: return "";
    case Reach::Stash: return "stash";
    case Reach::Reflog: return "reflog";
    case Reach::Dangling: return "dangling";
  }
  return "";
}

BadObject bad_object(const git_oid& id, git_object_t type, int rc, std::string where) {
  BadObject b;
  b.id = id;
  b.type = type;
  b.corrupt = rc != GIT_ENOTFOUND;
  b.why = b.corrupt ? git_error_text() : std::move(where);
  return b;
}

CloneShape clone_shape(git_repository* repo) {
  CloneShape s;
  s.shallow = git_repository_is_shallow(repo) == 1;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) return s;
  ConfigPtr cfg(raw);
  const char* v = nullptr;
  if (git_config_get_string(&v, cfg.get(), "extensions.partialclone") == 0 && v && *v) s.promisor = true;
  // remote.<name>.promisor = true marks a promisor remote too (git fetch --filter).
  git_config_iterator* raw_it = nullptr;
  if (!s.promisor && git_config_iterator_glob_new(&raw_it, cfg.get(), "^remote\\..*\\.promisor$") == 0) {
    git_config_entry* e = nullptr;
    while (git_config_next(&e, raw_it) == 0) {
      int b = 0;
      if (git_config_parse_bool(&b, e->value) == 0 && b) s.promisor = true;
    }
    git_config_iterator_free(raw_it);
  }
  return s;
}

Result<CommitGraph> load_history(git_repository* repo, bool every_commit) {
  CommitGraph g;
  std::vector<Tip> tips;
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
    add_tip(repo, id, name, name == "refs/stash" ? Reach::Stash : Reach::Ref, tips, g);
  }
  // Reflogs hold what was reset, rebased, amended or deleted away, and the stash's older
  // entries. git_reflog_read creates a missing reflog, so only existing ones are read.
  for (auto& name : names) {
    if (git_reference_has_log(repo, name.c_str()) != 1) continue;
    git_reflog* raw_log = nullptr;
    if (git_reflog_read(&raw_log, repo, name.c_str()) != 0) continue;
    ReflogPtr log(raw_log);
    Reach reach = name == "refs/stash" ? Reach::Stash : Reach::Reflog;
    std::string where = "in the reflog of " + name;
    for (size_t i = 0, n = git_reflog_entrycount(log.get()); i < n; ++i) {
      const git_reflog_entry* e = git_reflog_entry_byindex(log.get(), i);
      for (const git_oid* id : {git_reflog_entry_id_new(e), git_reflog_entry_id_old(e)})
        if (!git_oid_is_zero(id)) add_tip(repo, *id, where, reach, tips, g);
    }
  }
  add_other_worktrees(repo, tips, g);
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
      if (int rc = git_odb_read_header(&len, &type, odb.get(), &id); rc != 0) {
        g.bad.push_back(bad_object(id, GIT_OBJECT_ANY, rc));
        continue;
      }
      if (type == GIT_OBJECT_COMMIT) tips.push_back(Tip{id, Reach::Dangling});
      else if (type == GIT_OBJECT_BLOB) g.root_blobs.push_back(id);  // unreachable ones keep no path
      else if (type == GIT_OBJECT_TAG) add_tip(repo, id, "", Reach::Dangling, tips, g);
    }
  }
  OidMap<bool> none;
  if (auto e = build_graph(repo, tip_ids(tips), none, g, shallow_commits(repo))) return *e;
  assign_reach(g, tips);
  return g;
}

Result<CommitGraph> load_range(git_repository* repo, const std::vector<git_oid>& tip_objects,
                               const std::vector<git_oid>& hide) {
  CommitGraph g;
  std::vector<Tip> peeled;
  for (auto& t : tip_objects) add_tip(repo, t, "", Reach::Ref, peeled, g);
  std::vector<git_oid> tips = tip_ids(peeled);
  OidMap<bool> shallow = shallow_commits(repo);
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
      if (auto e = build_graph(repo, in_range, hidden, g, shallow)) return *e;
      return g;
    }
    // What the hidden side cannot read only makes more commits count as in the range.
    std::vector<git_oid> stack(hide.begin(), hide.end());
    CommitGraph hidden_graph;
    OidMap<bool> none;
    if (auto e = build_graph(repo, stack, none, hidden_graph, shallow)) return *e;
    for (auto& c : hidden_graph.commits) hidden[c.id] = true;
  }
  if (auto e = build_graph(repo, tips, hidden, g, shallow)) return *e;
  return g;
}

Result<BlobSet> collect_blobs(git_repository* repo, const CommitGraph& graph,
                              const std::function<bool(std::string_view)>& path_allowed,
                              const ScannableFn& on_scannable, const PathFn& on_path) {
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

  // A tree being walked: the entries after `next` are still to do; `allowed` collects
  // whether any path under it was allowlisted.
  struct Frame {
    TreePtr tree;
    git_oid id;
    size_t next;
    size_t base;  // path.size() for this tree's entries
    bool allowed;
  };
  std::vector<Frame> stack;
  // Starts walking `tree_id` at `path` (a push), or answers at once for a tree met before
  // or unreadable: whether any path under it was allowlisted.
  auto enter = [&](const git_oid& tree_id, bool* answer) -> bool {
    auto it = seen_trees.find(tree_id);
    if (it != seen_trees.end()) {
      // A tree met before holds the same blobs; walk it again only if the allowlist may
      // judge its paths differently here.
      *answer = it->second;
      if (!it->second) return false;
      std::string key(reinterpret_cast<const char*>(tree_id.id), GIT_OID_RAWSZ);
      key += path;
      if (!rewalked.insert(std::move(key)).second) return false;
    }
    git_tree* raw = nullptr;
    if (int rc = git_tree_lookup(&raw, repo, &tree_id); rc != 0) {
      set.bad.push_back(bad_object(tree_id, GIT_OBJECT_TREE, rc));
      seen_trees[tree_id] = false;
      *answer = false;
      return false;
    }
    stack.push_back(Frame{TreePtr(raw), tree_id, 0, path.size(), false});
    return true;
  };
  auto walk = [&](const git_oid& root) {
    path.clear();
    bool answer = false;
    if (!enter(root, &answer)) return;
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == git_tree_entrycount(f.tree.get())) {
        path.resize(f.base);
        bool any = f.allowed;
        bool& memo = seen_trees[f.id];
        memo = memo || any;
        stack.pop_back();
        if (!stack.empty()) stack.back().allowed |= any;
        continue;
      }
      const git_tree_entry* e = git_tree_entry_byindex(f.tree.get(), f.next++);
      path.resize(f.base);
      path += git_tree_entry_name(e);
      if (on_path) on_path(path);
      git_filemode_t mode = git_tree_entry_filemode(e);
      if (mode == GIT_FILEMODE_COMMIT) {
        ++set.gitlinks;
      } else if (mode == GIT_FILEMODE_TREE) {
        path += '/';
        git_oid sub = *git_tree_entry_id(e);
        if (!enter(sub, &answer)) stack.back().allowed |= answer;  // `f` may have moved
      } else {
        bool allowed = path_allowed(path);
        f.allowed |= allowed;
        add_blob(*git_tree_entry_id(e), path, allowed);
      }
    }
    path.clear();
  };

  for (auto& c : graph.commits) walk(c.tree);
  for (auto& t : graph.root_trees) walk(t);
  for (auto& b : graph.root_blobs)
    if (!set.index.count(b)) add_blob(b, "", false);
  return set;
}

Status introduced_blobs(git_repository* repo, const CommitNode& commit, const IntroducedFn& fn,
                        std::vector<BadObject>* bad) {
  // A tree being compared with the same path's trees in the parents.
  struct Frame {
    TreePtr tree;
    std::vector<TreePtr> parents;  // null where a parent has no tree at this path
    size_t next;
    size_t base;
  };
  auto lookup = [&](const git_oid& id) -> TreePtr {
    git_tree* raw = nullptr;
    return git_tree_lookup(&raw, repo, &id) == 0 ? TreePtr(raw) : TreePtr();
  };
  std::string path;
  std::vector<Frame> stack;
  {
    git_tree* raw = nullptr;
    if (int rc = git_tree_lookup(&raw, repo, &commit.tree); rc != 0) {
      if (bad) bad->push_back(bad_object(commit.tree, GIT_OBJECT_TREE, rc, "tree of " + oid_hex(commit.id)));
      return std::nullopt;
    }
    Frame root{TreePtr(raw), {}, 0, 0};
    for (auto& p : commit.parents) {
      git_commit* craw = nullptr;
      if (git_commit_lookup(&craw, repo, &p) != 0) continue;
      CommitPtr pc(craw);
      git_tree* praw = nullptr;
      if (git_commit_tree(&praw, pc.get()) == 0) root.parents.emplace_back(praw);
    }
    stack.push_back(std::move(root));
  }
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == git_tree_entrycount(f.tree.get())) {
      stack.pop_back();
      continue;
    }
    const git_tree_entry* e = git_tree_entry_byindex(f.tree.get(), f.next++);
    git_filemode_t mode = git_tree_entry_filemode(e);
    if (mode == GIT_FILEMODE_COMMIT) continue;
    const char* name = git_tree_entry_name(e);
    const git_oid* id = git_tree_entry_id(e);
    bool is_tree = mode == GIT_FILEMODE_TREE;
    bool unchanged = false;
    std::vector<git_oid> parent_subtrees;
    for (const TreePtr& p : f.parents) {
      if (!p) continue;
      const git_tree_entry* pe = git_tree_entry_byname(p.get(), name);
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
    path.resize(f.base);
    path += name;
    if (!is_tree) {
      fn(*id, path);
      continue;
    }
    git_tree* raw = nullptr;
    if (int rc = git_tree_lookup(&raw, repo, id); rc != 0) {
      if (bad) bad->push_back(bad_object(*id, GIT_OBJECT_TREE, rc, "at " + path));
      continue;
    }
    path += '/';
    Frame sub{TreePtr(raw), {}, 0, path.size()};
    for (auto& pid : parent_subtrees)
      if (TreePtr t = lookup(pid)) sub.parents.push_back(std::move(t));
    stack.push_back(std::move(sub));  // `f` is not used after this
  }
  return std::nullopt;
}

}  // namespace keyward
