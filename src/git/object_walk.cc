// History walking over libgit2 handles. The commit walk is our own (not git_revwalk) so
// that a shallow clone's missing parents are a counted boundary, not an error.
#include "object_walk.h"

#include <algorithm>
#include <fstream>
#include <queue>
#include <unordered_set>

#include <fmt/format.h>

#include "git_handles.h"
#include "pack_reader.h"
#include "tree_parser.h"

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

uint32_t BlobSet::find_or_add(const git_oid& id, uint32_t path, bool scannable, bool* fresh) {
  uint32_t i = index_.find_or_insert(id, static_cast<uint32_t>(blobs.size()),
                                     [&](uint32_t at) -> const git_oid& { return blobs[at].id; }, fresh);
  if (*fresh) blobs.push_back(BlobEntry{id, path, scannable});
  return i;
}

const BlobEntry* BlobSet::find(const git_oid& id) const {
  uint32_t i;
  if (!index_.find(id, [&](uint32_t at) -> const git_oid& { return blobs[at].id; }, &i)) return nullptr;
  return &blobs[i];
}

Status collect_blobs(git_repository* repo, const CommitGraph& graph,
                     const std::function<bool(std::string_view)>& path_allowed, BlobSet& set,
                     const ScannableFn& on_scannable, const PathFn& on_path, const PackIndexes* packs) {
  // Trees met, and whether some path under each was allowlisted.
  struct TreeSeen {
    git_oid id;
    bool allowed;
  };
  std::vector<TreeSeen> trees;
  OidIndex tree_index;
  std::unordered_set<uint64_t> rewalked;  // (tree, prefix) pairs walked again
  // Per path id: 0 not judged yet, 1 scannable, 2 allowlisted. Judged once per distinct path.
  std::vector<uint8_t> judged;
  // The path of the entry being looked at, kept as the walk goes (the directory's path,
  // then the entry's name): asking the path table instead would cost the path's depth per
  // entry, which a 50,000-deep tree turns into billions of steps.
  std::string entry_path;
  auto allowed_at = [&](uint32_t node) {
    if (node >= judged.size()) judged.resize(std::max<size_t>(node + 1, judged.size() * 2), 0);
    if (!judged[node]) judged[node] = path_allowed(entry_path) ? 2 : 1;
    return judged[node] == 2;
  };

  auto add_blob = [&](const git_oid& id, uint32_t node, bool allowed) {
    bool fresh;
    uint32_t i = set.find_or_add(id, node, !allowed, &fresh);
    if (fresh) {
      if (!allowed && on_scannable) on_scannable(i, set.blobs[i]);
      return;
    }
    BlobEntry& b = set.blobs[i];
    if (!b.scannable && !allowed) {
      b.path = node;
      b.scannable = true;
      if (on_scannable) on_scannable(i, b);
    }
  };

  // A tree being walked: its raw bytes, where the next entry starts, its own path id, and
  // whether any path under it was allowlisted.
  struct Frame {
    TreeReader::Tree held;  // holds the bytes `data` views
    std::string_view data;
    size_t next;
    uint32_t dir;
    uint32_t tree;  // index into trees
    bool allowed;
    size_t path_len;  // the length of this directory's path in entry_path, with its '/'
  };
  std::vector<Frame> stack;
  TreeReader reader(repo, packs, PackObjectReader::Mode::Sweep);  // each tree read once
  // Starts walking `tree_id` (a push), or answers at once for a tree met before or
  // unreadable: whether any path under it was allowlisted.
  // entry_path holds the directory's path (with a trailing '/', empty for a root).
  auto enter = [&](const git_oid& tree_id, uint32_t dir, bool* answer) -> bool {
    bool fresh;
    uint32_t t = tree_index.find_or_insert(tree_id, static_cast<uint32_t>(trees.size()),
                                           [&](uint32_t at) -> const git_oid& { return trees[at].id; }, &fresh);
    if (fresh) {
      trees.push_back(TreeSeen{tree_id, false});
    } else {
      // A tree met before holds the same blobs; walk it again only if the allowlist may
      // judge its paths differently here.
      *answer = trees[t].allowed;
      if (!trees[t].allowed) return false;
      if (!rewalked.insert((uint64_t(t) << 32) | dir).second) return false;
    }
    TreeReader::Tree tree;
    BadObject why;
    if (!reader.read(tree_id, &tree, &why)) {
      set.bad.push_back(std::move(why));
      *answer = false;
      return false;
    }
    std::string_view data = tree.data;
    stack.push_back(Frame{std::move(tree), data, 0, dir, t, false, entry_path.size()});
    return true;
  };
  auto walk = [&](const git_oid& root) {
    bool answer = false;
    entry_path.clear();
    if (!enter(root, PathTable::kRoot, &answer)) return;
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.data.size()) {
        bool any = f.allowed;
        trees[f.tree].allowed = trees[f.tree].allowed || any;
        stack.pop_back();
        if (!stack.empty()) stack.back().allowed |= any;
        continue;
      }
      RawTreeEntry e;
      if (!next_tree_entry(f.data, &f.next, &e)) {
        // The rest of this tree cannot be read: the scan is incomplete, and says so.
        BadObject b;
        b.id = trees[f.tree].id;
        b.type = GIT_OBJECT_TREE;
        b.corrupt = true;
        b.why = fmt::format("malformed tree entry at byte {}", f.next);
        set.bad.push_back(std::move(b));
        f.next = f.data.size();
        continue;
      }
      bool fresh_path = false;
      uint32_t node = set.paths.intern(f.dir, e.name, &fresh_path);
      entry_path.resize(f.path_len);
      entry_path.append(e.name);
      if (fresh_path && on_path) on_path(node, entry_path);
      git_oid id;
      git_oid_fromraw(&id, e.oid);
      git_filemode_t mode = normalized_filemode(e.mode);
      if (mode == GIT_FILEMODE_COMMIT) {
        ++set.gitlinks;
      } else if (mode == GIT_FILEMODE_TREE) {
        entry_path += '/';
        if (!enter(id, node, &answer)) stack.back().allowed |= answer;  // `f` may have moved
      } else {
        bool allowed = allowed_at(node);
        f.allowed |= allowed;
        add_blob(id, node, allowed);
      }
    }
  };

  for (auto& c : graph.commits) {
    set.commit_starts.push_back(static_cast<uint32_t>(set.blobs.size()));
    walk(c.tree);
  }
  for (auto& t : graph.root_trees) walk(t);
  for (auto& b : graph.root_blobs)
    if (!set.find(b)) add_blob(b, PathTable::kNone, false);
  return std::nullopt;
}

struct TreeReader::Packs {
  PackIndexes indexes;
  PackObjectReader reader;
  Packs(PackIndexes ix, PackObjectReader::Mode mode)
      : indexes(std::move(ix)), reader(indexes, cache_bytes(mode), mode) {}
  // A diff's reader keeps what is owed (about one version of each directory) and, with
  // the rest of its room, recently read trees a parent may ask for again; a sweep's keeps
  // only what is owed, within the same bound.
  static size_t cache_bytes(PackObjectReader::Mode mode) {
    return mode == PackObjectReader::Mode::Diffs ? size_t(16) << 20 : size_t(40) << 20;
  }
};

TreeReader::TreeReader(git_repository* repo, const PackIndexes* packs, PackObjectReader::Mode mode) {
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) == 0) odb_.reset(raw);
  packs_ = std::make_unique<Packs>(
      packs ? packs->share() : PackIndexes::open(git_repository_commondir(repo) + std::string("objects")),
      mode);
}

TreeReader::~TreeReader() = default;

bool TreeReader::read(const git_oid& id, Tree* out, BadObject* bad) {
  git_object_t type = GIT_OBJECT_INVALID;
  if (auto held = packs_->reader.read(id, &type); held && type == GIT_OBJECT_TREE) {
    out->data = *held;
    out->held = std::move(held);
    out->obj.reset();
    return true;
  }
  // Loose, in a pack not mapped, or not what it should be: libgit2 reads it, or says why not.
  git_odb_object* raw = nullptr;
  int rc = odb_ ? git_odb_read(&raw, odb_.get(), &id) : GIT_ERROR;
  if (rc != 0) {
    *bad = bad_object(id, GIT_OBJECT_TREE, rc);
    return false;
  }
  OdbObjectPtr obj(raw);
  if (git_odb_object_type(obj.get()) != GIT_OBJECT_TREE) {
    *bad = BadObject{};
    bad->id = id;
    bad->type = GIT_OBJECT_TREE;
    bad->corrupt = true;
    bad->why = fmt::format("named as a tree, but the object is a {}", git_object_type2string(git_odb_object_type(obj.get())));
    return false;
  }
  out->data = std::string_view(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
  out->obj = std::move(obj);
  out->held.reset();
  return true;
}

namespace {

// git's tree order: names compared bytewise, a tree's name as if it ended in '/'.
int tree_order(std::string_view a, bool a_tree, std::string_view b, bool b_tree) {
  size_t n = std::min(a.size(), b.size());
  if (int c = n ? std::memcmp(a.data(), b.data(), n) : 0) return c;
  unsigned ca = a.size() > n ? static_cast<unsigned char>(a[n]) : a_tree ? '/' : 0;
  unsigned cb = b.size() > n ? static_cast<unsigned char>(b[n]) : b_tree ? '/' : 0;
  return int(ca) - int(cb);
}

// A parent's tree at the same path, read entry by entry as the child's entries advance.
struct ParentCursor {
  TreeReader::Tree tree;
  size_t at = 0;
  bool have = false;  // `cur` holds the entry at `at`
  RawTreeEntry cur;
  bool cur_tree = false;
  bool done = false;

  // Advances to the first entry not before (name, is_tree); true if it is that entry.
  bool seek(std::string_view name, bool is_tree) {
    for (;;) {
      if (done) return false;
      if (!have) {
        if (at >= tree.data.size() || !next_tree_entry(tree.data, &at, &cur)) {
          done = true;  // the end, or a damaged parent: later entries only count as new
          return false;
        }
        cur_tree = normalized_filemode(cur.mode) == GIT_FILEMODE_TREE;
        have = true;
      }
      int c = tree_order(cur.name, cur_tree, name, is_tree);
      if (c < 0) {
        have = false;
        continue;
      }
      return c == 0;
    }
  }
};

}  // namespace

Status introduced_blobs(git_repository* repo, const CommitNode& commit, const IntroducedFn& fn,
                        std::vector<BadObject>* bad, TreeReader* shared_reader) {
  std::unique_ptr<TreeReader> own;
  if (!shared_reader) own = std::make_unique<TreeReader>(repo);
  TreeReader& reader = shared_reader ? *shared_reader : *own;
  // A tree being compared with the same path's trees in the parents.
  struct Frame {
    git_oid id;
    TreeReader::Tree tree;
    std::vector<ParentCursor> parents;
    size_t next = 0;
    size_t base = 0;
  };
  std::string path;
  std::vector<Frame> stack;
  {
    Frame root;
    root.id = commit.tree;
    BadObject why;
    if (!reader.read(commit.tree, &root.tree, &why)) {
      if (bad) {
        if (why.why.empty() || !why.corrupt) why.why = "tree of " + oid_hex(commit.id);
        bad->push_back(std::move(why));
      }
      return std::nullopt;
    }
    for (auto& p : commit.parents) {
      git_commit* craw = nullptr;
      if (git_commit_lookup(&craw, repo, &p) != 0) continue;
      CommitPtr pc(craw);
      ParentCursor pcur;
      BadObject ignored;
      if (reader.read(*git_commit_tree_id(pc.get()), &pcur.tree, &ignored)) root.parents.push_back(std::move(pcur));
    }
    stack.push_back(std::move(root));
  }
  std::vector<git_oid> parent_subtrees;
  while (!stack.empty()) {
    Frame& f = stack.back();
    RawTreeEntry e;
    if (f.next >= f.tree.data.size()) {
      stack.pop_back();
      continue;
    }
    if (!next_tree_entry(f.tree.data, &f.next, &e)) {
      if (bad) {
        BadObject b;
        b.type = GIT_OBJECT_TREE;
        b.corrupt = true;
        b.id = f.id;
        b.why = fmt::format("malformed tree entry at byte {}", f.next);
        bad->push_back(std::move(b));
      }
      stack.pop_back();
      continue;
    }
    git_filemode_t mode = normalized_filemode(e.mode);
    if (mode == GIT_FILEMODE_COMMIT) continue;
    bool is_tree = mode == GIT_FILEMODE_TREE;
    bool unchanged = false;
    parent_subtrees.clear();
    for (ParentCursor& p : f.parents) {
      if (!p.seek(e.name, is_tree)) continue;
      if (std::memcmp(p.cur.oid, e.oid, GIT_OID_RAWSZ) == 0) {
        unchanged = true;
        break;
      }
      if (is_tree) {
        git_oid sub;
        git_oid_fromraw(&sub, p.cur.oid);
        parent_subtrees.push_back(sub);
      }
    }
    if (unchanged) continue;
    git_oid id;
    git_oid_fromraw(&id, e.oid);
    path.resize(f.base);
    path.append(e.name.data(), e.name.size());
    if (!is_tree) {
      fn(id, path);
      continue;
    }
    Frame sub;
    sub.id = id;
    BadObject why;
    if (!reader.read(id, &sub.tree, &why)) {
      if (bad) {
        if (!why.corrupt) why.why = "at " + path;
        bad->push_back(std::move(why));
      }
      continue;
    }
    path += '/';
    sub.base = path.size();
    for (auto& pid : parent_subtrees) {
      ParentCursor pcur;
      BadObject ignored;
      if (reader.read(pid, &pcur.tree, &ignored)) sub.parents.push_back(std::move(pcur));
    }
    stack.push_back(std::move(sub));  // `f` is not used after this
  }
  return std::nullopt;
}

}  // namespace keyward
