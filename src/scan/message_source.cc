#include "message_source.h"

#include <fmt/format.h>

#include "attribution.h"
#include "git_handles.h"
#include "scan_driver.h"

namespace keyward {
namespace {

using TagPtr = GitPtr<git_tag, git_tag_free>;

std::string signature_text(const git_signature* s) {
  return s ? fmt::format("{} <{}>", s->name ? s->name : "", s->email ? s->email : "") : std::string();
}

// Texts composed here (messages, the people of a commit), scanned by the one driver like
// blobs: findings per text, by index.
Result<std::vector<std::vector<Finding>>> scan_texts(const Engine& engine, const std::vector<MemoryBlob>& texts) {
  std::vector<std::vector<Finding>> out(texts.size());
  if (texts.empty()) return out;
  auto scanned = scan_memory(texts, engine.scanner(), BlobScanOptions{});
  if (!scanned) return Error{scanned.error()};
  for (auto& bf : scanned->found) out[bf.job] = std::move(bf.findings);
  return out;
}

}  // namespace

Status scan_commit_messages(git_repository* repo, const Engine& engine, const CommitGraph& graph, Report& report) {
  if (graph.commits.empty()) return std::nullopt;
  // Per commit, two texts: its message, and its author and committer (set by whoever made
  // the commit, GIT_AUTHOR_NAME=...: content like the message, two lines of their own).
  struct Source {
    size_t commit;
    std::string author, date;
  };
  std::vector<Source> sources;
  std::vector<MemoryBlob> texts;
  for (size_t i = 0; i < graph.commits.size(); ++i) {
    const auto& node = graph.commits[i];
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &node.id) != 0) {
      ++report.stats.missing_objects;
      report.stats.notes.push_back(fmt::format("commit {} could not be read: its message was not scanned", oid_hex(node.id)));
      continue;
    }
    CommitPtr c(raw);
    const git_signature* a = git_commit_author(c.get());
    sources.push_back(Source{i, signature_text(a), a ? format_git_time(a->when) : std::string()});
    const char* msg = git_commit_message_raw(c.get());
    texts.push_back(MemoryBlob{kCommitMessagePath, msg ? msg : "", ""});
    texts.push_back(MemoryBlob{kCommitPeoplePath,
                               "author " + signature_text(a) + "\ncommitter " +
                                   signature_text(git_commit_committer(c.get())) + "\n",
                               ""});
  }
  auto found = scan_texts(engine, texts);
  if (!found) return Error{found.error()};
  for (size_t k = 0; k < sources.size(); ++k) {
    for (auto* fs : {&(*found)[2 * k], &(*found)[2 * k + 1]})
      for (auto& f : *fs) {
        f.commit = oid_hex(graph.commits[sources[k].commit].id);
        f.author = sources[k].author;
        f.date = sources[k].date;
        report.findings.push_back(std::move(f));
      }
  }
  return std::nullopt;
}

Status scan_tag_messages(git_repository* repo, const Engine& engine, const std::vector<git_oid>& tags, Report& report) {
  if (tags.empty()) return std::nullopt;
  struct Source {
    git_oid id;
    std::string tagger, date;
  };
  std::vector<Source> sources;
  std::vector<MemoryBlob> texts;
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
        const git_signature* t = git_tag_tagger(tag.get());
        sources.push_back(Source{id, signature_text(t), t ? format_git_time(t->when) : std::string()});
        texts.push_back(MemoryBlob{kTagMessagePath, msg, ""});
      }
      if (git_tag_target_type(tag.get()) != GIT_OBJECT_TAG) break;
      id = *git_tag_target_id(tag.get());
    }
  }
  auto found = scan_texts(engine, texts);
  if (!found) return Error{found.error()};
  for (size_t k = 0; k < sources.size(); ++k)
    for (auto& f : (*found)[k]) {
      f.commit = oid_hex(sources[k].id);
      f.author = sources[k].tagger;
      f.date = sources[k].date;
      report.findings.push_back(std::move(f));
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
  auto found = scan_texts(engine, {MemoryBlob{kCommitMessagePath, std::string(text), ""}});
  if (!found) return Error{found.error()};
  return std::move(found->front());
}

}  // namespace keyward
