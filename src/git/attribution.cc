#include "attribution.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "git_handles.h"

namespace keyward {

std::string format_git_time(const git_time& t) {
  std::time_t local = static_cast<std::time_t>(t.time + int64_t(t.offset) * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  int off = t.offset < 0 ? -t.offset : t.offset;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, t.offset < 0 ? '-' : '+', off / 60, off % 60);
}

Status find_introductions(git_repository* repo, const CommitGraph& graph, const OidMap<bool>& targets,
                          Introductions& out, std::vector<BadObject>* bad, const PackIndexes* packs,
                          uint32_t from) {
  if (targets.empty()) return std::nullopt;
  // Bases cached from one commit's trees to the next's: every commit is diffed with its
  // parents, so a tree is read again as the next commit's parent.
  TreeReader reader(repo, packs, PackObjectReader::Mode::Diffs);
  for (uint32_t i = from; i < graph.commits.size(); ++i) {
    auto st = introduced_blobs(
        repo, graph.commits[i],
        [&](const git_oid& blob, const std::string& path) {
          if (targets.count(blob)) out[blob].push_back(Introduction{i, path});
        },
        bad, &reader);
    if (st) return st;
  }
  return std::nullopt;
}

std::vector<Finding> group_findings(git_repository* repo, const CommitGraph& graph,
                                    const std::vector<BlobFindings>& blobs, const ScannedBlobFn& blob_of,
                                    const Introductions& intros,
                                    const DroppedAtFn& dropped_at) {
  // Every place a secret lives, keyed by fingerprint; the sort key puts the earliest first.
  struct Occurrence {
    uint32_t commit;  // UINT32_MAX: no commit (unreachable)
    std::string path;
    const Finding* finding;
  };
  std::map<std::string, std::vector<Occurrence>> by_secret;
  std::vector<std::string> order;  // fingerprints, first seen first
  for (auto& bf : blobs) {
    const ScannedBlob b = blob_of(bf.job);
    auto it = intros.find(b.id);
    for (const Finding& f : bf.findings) {
      auto [slot, fresh] = by_secret.try_emplace(f.fingerprint);
      if (fresh) order.push_back(f.fingerprint);
      if (it == intros.end() || it->second.empty()) {
        if (!b.path.empty() && dropped_at(f, b.path)) continue;
        std::string p = b.path;
        if (p.empty()) {
          auto named = graph.root_names.find(b.id);
          p = named != graph.root_names.end() && !named->second.empty()
                  ? fmt::format("(blob {} named by {})", oid_hex(b.id).substr(0, 12), named->second)
                  : fmt::format("(unreachable blob {})", oid_hex(b.id).substr(0, 12));
        }
        slot->second.push_back(Occurrence{UINT32_MAX, p, &f});
        continue;
      }
      for (const Introduction& in : it->second)
        if (!dropped_at(f, in.path)) slot->second.push_back(Occurrence{in.commit, in.path, &f});
    }
  }
  std::vector<Finding> out;
  for (auto& fp : order) {
    auto& occ = by_secret[fp];
    if (occ.empty()) continue;  // every place allowlisted
    std::sort(occ.begin(), occ.end(), [](const Occurrence& a, const Occurrence& b) {
      return std::tie(a.commit, a.path, a.finding->line) < std::tie(b.commit, b.path, b.finding->line);
    });
    occ.erase(std::unique(occ.begin(), occ.end(),
                          [](const Occurrence& a, const Occurrence& b) {
                            return a.commit == b.commit && a.path == b.path && a.finding->line == b.finding->line;
                          }),
              occ.end());
    Finding f = *occ.front().finding;
    f.path = occ.front().path;
    if (occ.front().commit != UINT32_MAX) {
      const git_oid& id = graph.commits[occ.front().commit].id;
      f.commit = oid_hex(id);
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, repo, &id) == 0) {
        CommitPtr c(raw);
        const git_signature* a = git_commit_author(c.get());
        f.author = fmt::format("{} <{}>", a->name ? a->name : "", a->email ? a->email : "");
        f.date = format_git_time(a->when);
      }
    }
    Reach best = Reach::Dangling;
    bool any_commit = false;
    for (auto& o : occ)
      if (o.commit != UINT32_MAX) {
        any_commit = true;
        best = std::min(best, graph.commits[o.commit].reach);
      }
    f.reachable = any_commit ? reach_name(best) : "";
    f.places.clear();
    for (size_t i = 1; i < occ.size(); ++i)
      f.places.push_back(Place{occ[i].commit == UINT32_MAX ? "" : oid_hex(graph.commits[occ[i].commit].id),
                               occ[i].path, occ[i].finding->line});
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace keyward
