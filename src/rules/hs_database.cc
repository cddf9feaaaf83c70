#include "hs_database.h"

#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "cache_file.h"
#include "sha256.h"

namespace keyward {
namespace {

constexpr unsigned kFlags = HS_FLAG_MULTILINE;
constexpr char kMagic[8] = {'K', 'W', 'H', 'S', 'D', 'B', '0', '2'};

void add_note(std::string* note, const std::string& text) {
  if (!note) return;
  if (!note->empty()) *note += '\n';
  *note += text;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* d = std::getenv("KEYWARD_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/keyward";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/keyward";
  return "";
}

std::string HsDatabase::cache_key(const RuleSet& rules, const std::string& key_hint) {
  Sha256 h;
  h.update(std::string_view(kMagic, sizeof kMagic));
  h.update(hs_version());
  hs_platform_info_t plat;
  std::memset(&plat, 0, sizeof plat);
  if (hs_populate_platform(&plat) == HS_SUCCESS)
    h.update(fmt::format("|tune={}|feat={}", plat.tune, plat.cpu_features));
  h.update(fmt::format("|flags={}|n={}", kFlags, rules.size()));
  if (!key_hint.empty()) {
    h.update("|hint=");
    h.update(key_hint);
  } else {
    for (auto& r : rules.rules()) {
      h.update(r.id);
      h.update(std::string_view("\0", 1));
      h.update(r.candidate_regex());
      h.update(std::string_view("\0", 1));
    }
  }
  auto d = h.finish();
  return to_hex(d.data(), d.size());
}

Result<HsDatabase> HsDatabase::compile(const RuleSet& rules) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    exprs.push_back(rules[i].candidate_regex().c_str());
    flags.push_back(kFlags);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg;
    if (err && err->expression >= 0 && static_cast<size_t>(err->expression) < rules.size()) {
      auto& r = rules[static_cast<size_t>(err->expression)];
      msg = fmt::format("rule '{}' ({}) is rejected by Hyperscan: {}", r.id, r.origin, err->message);
    } else {
      msg = fmt::format("Hyperscan could not compile the rules: {}", err ? err->message : "unknown error");
    }
    hs_free_compile_error(err);
    return Error{msg};
  }
  HsDatabase out;
  out.db_.reset(db);
  return out;
}

Result<HsDatabase> HsDatabase::build(const RuleSet& rules, const std::string& cache_dir, std::string* note,
                                     const std::string& key_hint) {
  if (cache_dir.empty()) return compile(rules);
  std::string key = cache_key(rules, key_hint);
  std::string path = cache_dir + "/rules-" + key.substr(0, 32) + ".hsdb";
  std::string header(kMagic, sizeof kMagic);
  header += key;

  MappedFile file;
  if (file.open(path)) {
    // The checksum first: a flipped byte in a database Hyperscan accepts could silence a rule.
    auto content = checked_content(file.bytes());
    bool fresh = content && content->size() > header.size() && content->compare(0, header.size(), header) == 0;
    if (fresh) {
      hs_database_t* db = nullptr;
      if (hs_deserialize_database(content->data() + header.size(), content->size() - header.size(), &db) ==
          HS_SUCCESS) {
        HsDatabase out;
        out.db_.reset(db);
        out.origin_ = Origin::Cache;
        out.cache_path_ = path;
        return out;
      }
    }
    // A file under this key's name that is not this key's database is damaged.
    add_note(note, fmt::format("the pattern cache '{}' is damaged (checksum or format mismatch); it was rebuilt",
                               path));
  }
  // Missing, stale or corrupt: compile and (try to) store.
  auto compiled = compile(rules);
  if (!compiled) return compiled;
  char* ser = nullptr;
  size_t ser_len = 0;
  bool stored = false;
  if (hs_serialize_database(compiled->get(), &ser, &ser_len) == HS_SUCCESS) {
    stored = make_dirs(cache_dir) && write_file_atomically(path, header, ser, ser_len);
    std::free(ser);
  }
  if (!stored)
    add_note(note, fmt::format("cannot write the pattern cache in '{}'; every run compiles the rules "
                               "(slower). Set KEYWARD_CACHE_DIR to a writable directory.", cache_dir));
  if (stored) {
    compiled->cache_path_ = path;
    remove_stale(cache_dir, "rules-", ".hsdb", path);
  }
  return compiled;
}

Result<HsScratchPtr> HsDatabase::make_scratch() const {
  hs_scratch_t* s = nullptr;
  if (hs_alloc_scratch(db_.get(), &s) != HS_SUCCESS) return Error{"cannot allocate Hyperscan scratch space"};
  return HsScratchPtr(s);
}

Status hs_check_regex(const std::string& regex) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile(regex.c_str(), kFlags, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    std::string msg = err ? err->message : "unknown error";
    hs_free_compile_error(err);
    return Error{msg};
  }
  hs_free_database(db);
  return std::nullopt;
}

}  // namespace keyward
