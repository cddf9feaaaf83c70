// The fast staged-changes path: the index file read directly, compared with HEAD only in
// the directories whose cached-tree id does not already prove them equal to HEAD's.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "git_handles.h"
#include "index_reader.h"
#include "staged_changes.h"

namespace keyward {
namespace {


git_oid to_oid(const unsigned char* raw) {
  git_oid id;
  std::memcpy(id.id, raw, GIT_OID_RAWSZ);
  return id;
}

// git's tree order: names compared bytewise, a directory as if its name ended in '/'.
int key_compare(std::string_view a, bool a_dir, std::string_view b, bool b_dir) {
  size_t n = std::min(a.size(), b.size());
  if (int c = n ? std::memcmp(a.data(), b.data(), n) : 0) return c;
  unsigned ca = a.size() > n ? static_cast<unsigned char>(a[n]) : (a_dir ? '/' : 0);
  unsigned cb = b.size() > n ? static_cast<unsigned char>(b[n]) : (b_dir ? '/' : 0);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

class Comparer {
 public:
  Comparer(git_repository* repo, const IndexFile& index)
      : repo_(repo), entries_(index.entries()), tree_(index.cached_tree()) {}

  // Compares index entries [lo, hi), all under `prefix` ("" or "dir/sub/"), with the HEAD
  // tree `head` (null: absent). `node` is the matching cached-tree node, or -1.
  Status walk(std::string& prefix, size_t lo, size_t hi, long node, const git_oid* head) {
    if (node >= 0 && head) {
      const CachedTreeNode& n = tree_[static_cast<size_t>(node)];
      // The cached tree records what this span of the index would write as a tree; equal to
      // HEAD's id means nothing below differs. The entry count guards against a stale node.
      if (n.valid() && git_oid_equal(&n.id, head) && static_cast<size_t>(n.entry_count) == hi - lo)
        return std::nullopt;
    }
    if (!head) {
      for (size_t i = lo; i < hi; ++i)
        if (auto err = add_entry(entries_[i])) return err;
      return std::nullopt;
    }
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_, head) != 0)
      return Error{fmt::format("cannot read HEAD's tree {} ('{}'): {}", oid_hex(*head), prefix,
                               git_error_text())};
    TreePtr tree(raw);
    std::vector<std::pair<std::string_view, size_t>> kids = children(node);

    size_t i = lo, t = 0, tn = git_tree_entrycount(tree.get());
    const size_t plen = prefix.size();
    while (i < hi || t < tn) {
      std::string_view iname;
      bool idir = false;
      if (i < hi) {
        iname = entries_[i].path.substr(plen);
        size_t slash = iname.find('/');
        idir = slash != std::string_view::npos;
        if (idir) iname = iname.substr(0, slash);
      }
      const git_tree_entry* te = nullptr;
      std::string_view tname;
      bool tdir = false;
      if (t < tn) {
        te = git_tree_entry_byindex(tree.get(), t);
        tname = git_tree_entry_name(te);
        tdir = git_tree_entry_type(te) == GIT_OBJECT_TREE;
      }
      int cmp = i >= hi ? 1 : t >= tn ? -1 : key_compare(iname, idir, tname, tdir);

      if (cmp < 0) {  // only in the index
        if (idir) {
          size_t j = group_end(i, hi, prefix, iname);
          for (; i < j; ++i)
            if (auto err = add_entry(entries_[i])) return err;
        } else {
          add(entries_[i++], true);
        }
      } else if (cmp > 0) {  // only in HEAD
        std::string path = prefix + std::string(tname);
        if (tdir) {
          if (auto err = delete_tree(path + '/', *git_tree_entry_id(te))) return err;
        } else {
          note_deleted(std::move(path), *git_tree_entry_id(te));
        }
        ++t;
      } else if (idir && entries_[i].sparse_dir()) {
        // A sparse index's directory entry: the whole tree as the index holds it (a sparse
        // entry never has entries below it: check_entries).
        git_oid nid = to_oid(entries_[i].oid);
        if (!git_oid_equal(&nid, git_tree_entry_id(te)))
          if (auto err = diff_trees(std::string(entries_[i].path), nid, git_tree_entry_id(te))) return err;
        ++i;
        ++t;
      } else if (idir) {
        size_t j = group_end(i, hi, prefix, iname);
        long child = -1;
        auto it = std::lower_bound(kids.begin(), kids.end(), iname,
                                   [](const auto& k, std::string_view n) { return k.first < n; });
        if (it != kids.end() && it->first == iname) child = static_cast<long>(it->second);
        prefix.append(iname).push_back('/');
        auto err = walk(prefix, i, j, child, git_tree_entry_id(te));
        prefix.resize(plen);
        if (err) return err;
        i = j;
        ++t;
      } else {
        const IndexEntry& e = entries_[i++];
        uint32_t omode = git_tree_entry_filemode_raw(te);
        git_oid nid = to_oid(e.oid);
        const git_oid* oid = git_tree_entry_id(te);
        if ((omode & 0170000) != (e.mode & 0170000)) {
          add(e, false);  // a type change (file <-> symlink <-> gitlink): all content is new
        } else if (!git_oid_equal(oid, &nid)) {
          StagedChange c;
          c.kind = StagedChange::Kind::Modified;
          c.path = std::string(e.path);
          c.old_id = *oid;
          c.old_mode = omode;
          c.new_id = nid;
          c.new_mode = e.mode;
          changes_.push_back({std::move(c), false});
        }  // else unchanged, or a mode change only: no new content
        ++t;
      }
    }
    return std::nullopt;
  }

  StagedSet finish(bool unborn) {
    StagedSet out;
    out.unborn_head = unborn;
    out.deleted = deleted_;
    out.changes.reserve(changes_.size());
    for (auto& [c, pure_add] : changes_) {
      // Exact renames (a blob HEAD held under a path now gone) add no content; the old
      // paths go along, for a caller whose policy differs between the two places.
      if (pure_add)
        if (auto it = deleted_paths_.find(c.new_id); it != deleted_paths_.end()) {
          c.renamed_from = it->second;
          std::sort(c.renamed_from.begin(), c.renamed_from.end());
        }
      out.changes.push_back(std::move(c));
    }
    std::sort(out.changes.begin(), out.changes.end(),
              [](const StagedChange& a, const StagedChange& b) { return a.path < b.path; });
    return out;
  }

 private:
  void add(const IndexEntry& e, bool pure_add) { add_blob(std::string(e.path), to_oid(e.oid), e.mode, pure_add); }

  void add_blob(std::string path, const git_oid& id, uint32_t mode, bool pure_add) {
    StagedChange c;
    c.kind = StagedChange::Kind::Added;
    c.path = std::move(path);
    c.new_id = id;
    c.new_mode = mode;
    changes_.push_back({std::move(c), pure_add});
  }

  // An index entry HEAD does not have: a file, or a sparse directory's whole tree.
  Status add_entry(const IndexEntry& e) {
    if (!e.sparse_dir()) {
      add(e, true);
      return std::nullopt;
    }
    return diff_trees(std::string(e.path), to_oid(e.oid), nullptr);
  }

  void note_deleted(std::string path, const git_oid& id) {
    ++deleted_;
    deleted_paths_[id].push_back(std::move(path));
  }

  Status delete_tree(const std::string& prefix, const git_oid& id) {
    git_oid none{};
    return diff_trees(prefix, none, &id, false);
  }

  // Compares the tree `new_id` (the index's, under `prefix`, which ends in '/') with HEAD's
  // `old_id` (null: absent), as the index walk would have compared their expanded entries.
  // With `has_new` false, everything below `old_id` is deleted. An explicit stack: trees
  // come from the object database, and their depth is bounded only by what is in it.
  Status diff_trees(const std::string& prefix, const git_oid& new_id, const git_oid* old_id, bool has_new = true) {
    struct Pending {
      std::string prefix;
      git_oid new_id, old_id;
      bool has_new, has_old;
    };
    std::vector<Pending> stack;
    stack.push_back({prefix, new_id, old_id ? *old_id : git_oid{}, has_new, old_id != nullptr});
    while (!stack.empty()) {
      Pending p = std::move(stack.back());
      stack.pop_back();
      TreePtr nt, ot;
      for (int side = 0; side < 2; ++side) {
        bool has = side == 0 ? p.has_new : p.has_old;
        const git_oid& id = side == 0 ? p.new_id : p.old_id;
        if (!has) continue;
        git_tree* raw = nullptr;
        if (git_tree_lookup(&raw, repo_, &id) != 0)
          return Error{fmt::format("cannot read {} tree {} ('{}'): {}", side == 0 ? "the index's" : "HEAD's",
                                   oid_hex(id), p.prefix, git_error_text())};
        (side == 0 ? nt : ot).reset(raw);
      }
      size_t a = 0, an = nt ? git_tree_entrycount(nt.get()) : 0;
      size_t b = 0, bn = ot ? git_tree_entrycount(ot.get()) : 0;
      while (a < an || b < bn) {
        const git_tree_entry* ne = a < an ? git_tree_entry_byindex(nt.get(), a) : nullptr;
        const git_tree_entry* oe = b < bn ? git_tree_entry_byindex(ot.get(), b) : nullptr;
        bool ndir = ne && git_tree_entry_type(ne) == GIT_OBJECT_TREE;
        bool odir = oe && git_tree_entry_type(oe) == GIT_OBJECT_TREE;
        int cmp = !ne ? 1 : !oe ? -1 : key_compare(git_tree_entry_name(ne), ndir, git_tree_entry_name(oe), odir);
        if (cmp < 0) {
          std::string path = p.prefix + git_tree_entry_name(ne);
          if (ndir) stack.push_back({path + '/', *git_tree_entry_id(ne), git_oid{}, true, false});
          else add_blob(std::move(path), *git_tree_entry_id(ne), git_tree_entry_filemode(ne), true);
          ++a;
        } else if (cmp > 0) {
          std::string path = p.prefix + git_tree_entry_name(oe);
          if (odir) stack.push_back({path + '/', git_oid{}, *git_tree_entry_id(oe), false, true});
          else note_deleted(std::move(path), *git_tree_entry_id(oe));
          ++b;
        } else {
          const git_oid* nid = git_tree_entry_id(ne);
          const git_oid* oid = git_tree_entry_id(oe);
          if (ndir) {
            if (!git_oid_equal(nid, oid))
              stack.push_back({p.prefix + git_tree_entry_name(ne) + '/', *nid, *oid, true, true});
          } else {
            uint32_t nmode = git_tree_entry_filemode(ne), omode = git_tree_entry_filemode_raw(oe);
            std::string path = p.prefix + git_tree_entry_name(ne);
            if ((omode & 0170000) != (nmode & 0170000)) {
              add_blob(std::move(path), *nid, nmode, false);
            } else if (!git_oid_equal(oid, nid)) {
              StagedChange c;
              c.kind = StagedChange::Kind::Modified;
              c.path = std::move(path);
              c.old_id = *oid;
              c.old_mode = omode;
              c.new_id = *nid;
              c.new_mode = nmode;
              changes_.push_back({std::move(c), false});
            }
          }
          ++a;
          ++b;
        }
      }
    }
    return std::nullopt;
  }

  // End of the run of entries from i that lie under prefix + name + '/'. Entries are sorted,
  // so the run is contiguous.
  size_t group_end(size_t i, size_t hi, const std::string& prefix, std::string_view name) const {
    size_t plen = prefix.size(), nlen = name.size();
    auto under = [&](const IndexEntry& e) {
      std::string_view p = e.path;
      return p.size() > plen + nlen && p[plen + nlen] == '/' &&
             p.compare(plen, nlen, name) == 0 && p.compare(0, plen, prefix) == 0;
    };
    auto first = entries_.begin() + static_cast<long>(i), last = entries_.begin() + static_cast<long>(hi);
    return static_cast<size_t>(std::partition_point(first, last, under) - entries_.begin());
  }

  // The cached-tree children of `node`, sorted by name.
  std::vector<std::pair<std::string_view, size_t>> children(long node) const {
    std::vector<std::pair<std::string_view, size_t>> kids;
    if (node < 0) return kids;
    size_t n = static_cast<size_t>(node);
    size_t c = n + 1;
    for (uint32_t k = 0; k < tree_[n].subtrees && c < tree_.size(); ++k) {
      kids.emplace_back(tree_[c].name, c);
      c += std::max<uint32_t>(tree_[c].span, 1);
    }
    std::sort(kids.begin(), kids.end());
    return kids;
  }

  git_repository* repo_;
  const std::vector<IndexEntry>& entries_;
  const std::vector<CachedTreeNode>& tree_;
  std::vector<std::pair<StagedChange, bool>> changes_;  // bool: a plain add (rename candidate)
  size_t deleted_ = 0;
  std::unordered_map<git_oid, std::vector<std::string>, OidHash, OidEq> deleted_paths_;  // blob -> paths gone
};

}  // namespace

Result<StagedSet> staged_changes_fast(git_repository* repo, const StagedOptions& opts) {
  if (git_repository_is_bare(repo)) return Error{"unsupported: bare repository", ErrorCode::Unsupported};
  {
    // libgit2 compares case-insensitively under core.ignorecase; this path never does.
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) == 0) {
      ConfigPtr cfg(raw);
      int icase = 0;
      if (git_config_get_bool(&icase, cfg.get(), "core.ignorecase") == 0 && icase)
        return Error{"unsupported: core.ignorecase", ErrorCode::Unsupported};
    }
    git_error_clear();
  }
  auto path = index_file_path(repo, opts.index_file);
  if (!path) return Error{path.error()};
  std::string gitdir = git_repository_path(repo);
  if (gitdir.size() > 1 && gitdir.back() == '/') gitdir.pop_back();
  IndexFile index;
  if (auto err = index.load(*path, gitdir)) return *err;

  auto head = head_tree(repo);
  if (!head) return Error{head.error()};
  bool unborn = !*head;
  git_oid head_tree_id{};
  if (!unborn) head_tree_id = *git_tree_id(head->get());

  Comparer cmp(repo, index);
  std::string prefix;
  long root = index.cached_tree().empty() ? -1 : 0;
  if (auto err = cmp.walk(prefix, 0, index.entries().size(), root, unborn ? nullptr : &head_tree_id))
    return *err;
  return cmp.finish(unborn);
}

}  // namespace keyward
