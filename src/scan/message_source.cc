#include "message_source.h"

#include <fmt/format.h>

#include "attribution.h"
#include "git_handles.h"

namespace keyward {
namespace {

using TagPtr = GitPtr<git_tag, git_tag_free>;

std::string signature_text(const git_signature* s) {
  return s ? fmt::format("{} <{}>", s->name ? s->name : "", s->email ? s->email : "") : std::string();
}

Result<std::vector<Finding>> scan_text(const Engine& engine, MatchScratch& scratch, const char* path,
                                       std::string_view text) {
  auto r = engine.scanner().scan(path, text, scratch);
  if (!r) return Error{fmt::format("{}: {}", path, r.error())};
  return r;
}

}  // namespace

Status scan_commit_messages(git_repository* repo, const Engine& engine, const CommitGraph& graph, Report& report) {
  if (graph.commits.empty()) return std::nullopt;
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  for (auto& node : graph.commits) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &node.id) != 0) {
      ++report.stats.missing_objects;
      report.stats.notes.push_back(fmt::format("commit {} could not be read: its message was not scanned", oid_hex(node.id)));
      continue;
    }
    CommitPtr c(raw);
    // The author and committer are set by whoever made the commit (GIT_AUTHOR_NAME=...):
    // content like the message, scanned as two lines of their own.
    std::string people = "author " + signature_text(git_commit_author(c.get())) + "\ncommitter " +
                         signature_text(git_commit_committer(c.get())) + "\n";
    auto in_people = scan_text(engine, *scratch, kCommitPeoplePath, people);
    if (!in_people) return Error{in_people.error()};
    const char* msg = git_commit_message_raw(c.get());
    auto found = msg && *msg ? scan_text(engine, *scratch, kCommitMessagePath, msg)
                             : Result<std::vector<Finding>>(std::vector<Finding>{});
    if (!found) return Error{found.error()};
    for (auto& f : *in_people) found->push_back(std::move(f));
    for (auto& f : *found) {
      f.commit = oid_hex(node.id);
      const git_signature* a = git_commit_author(c.get());
      f.author = signature_text(a);
      if (a) f.date = format_git_time(a->when);
      report.findings.push_back(std::move(f));
    }
  }
  return std::nullopt;
}

Status scan_tag_messages(git_repository* repo, const Engine& engine, const std::vector<git_oid>& tags, Report& report) {
  if (tags.empty()) return std::nullopt;
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  OidMap<bool> seen;
  for (const git_oid& start : tags) {
    git_oid id = start;
    // A tag of a tag: each message in the chain, each tag object once.
    for (int depth = 0; depth < 64 && seen.emplace(id, true).second; ++depth) {
      git_tag* raw = nullptr;
      if (git_tag_lookup(&raw, repo, &id) != 0) {
        ++report.stats.missing_objects;
        report.stats.notes.push_back(fmt::format("tag {} could not be read: its message was not scanned", oid_hex(id)));
        break;
      }
      TagPtr tag(raw);
      if (const char* msg = git_tag_message(tag.get()); msg && *msg) {
        auto found = scan_text(engine, *scratch, kTagMessagePath, msg);
        if (!found) return Error{found.error()};
        for (auto& f : *found) {
          f.commit = oid_hex(id);
          const git_signature* t = git_tag_tagger(tag.get());
          f.author = signature_text(t);
          if (t) f.date = format_git_time(t->when);
          report.findings.push_back(std::move(f));
        }
      }
      if (git_tag_target_type(tag.get()) != GIT_OBJECT_TAG) break;
      id = *git_tag_target_id(tag.get());
    }
  }
  return std::nullopt;
}

Status scan_ref_tag_messages(git_repository* repo, const Engine& engine, Report& report) {
  std::vector<git_oid> tags;
  auto collect = [](git_reference* ref, void* payload) {
    ReferencePtr owned(ref);
    git_reference* resolved = nullptr;
    if (git_reference_resolve(&resolved, ref) != 0) return 0;  // a dangling symbolic ref
    ReferencePtr r(resolved);
    const git_oid* id = git_reference_target(r.get());
    git_object_t type = GIT_OBJECT_INVALID;
    git_odb* odb = nullptr;
    size_t size = 0;
    git_repository* repo = git_reference_owner(r.get());
    if (id && git_repository_odb(&odb, repo) == 0) {
      OdbPtr o(odb);
      if (git_odb_read_header(&size, &type, o.get(), id) == 0 && type == GIT_OBJECT_TAG)
        static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
    }
    return 0;
  };
  if (git_reference_foreach(repo, collect, &tags) != 0)
    return Error{fmt::format("cannot list the references: {}", git_error_text())};
  return scan_tag_messages(repo, engine, tags, report);
}

Result<std::vector<Finding>> scan_message_text(const Engine& engine, std::string_view text) {
  // git's cut line, `# ------------------------ >8 ------------------------`, with any comment character.
  constexpr std::string_view kScissors = " ------------------------ >8 ------------------------";
  for (size_t at = text.find(kScissors); at != std::string_view::npos; at = text.find(kScissors, at + 1)) {
    if (at >= 1 && (at == 1 || text[at - 2] == '\n')) {
      text = text.substr(0, at - 1);
      break;
    }
  }
  auto scratch = engine.matcher().make_scratch();
  if (!scratch) return Error{scratch.error()};
  return scan_text(engine, *scratch, kCommitMessagePath, text);
}

}  // namespace keyward
