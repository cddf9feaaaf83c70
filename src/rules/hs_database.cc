#include "hs_database.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "sha256.h"

namespace keyward {
namespace {

constexpr unsigned kFlags = HS_FLAG_MULTILINE;
// 04: the trailer's checksum covers the file's ends only (kChecksumEnds).
constexpr char kMagic[8] = {'K', 'W', 'H', 'S', 'D', 'B', '0', '4'};
// The database image starts here in the cache file: a page boundary, so that the mapping
// puts it at the alignment (mod 64) it was deserialized at; Hyperscan's bytecode offset
// inside the image depends on exactly that.
constexpr size_t kImageOffset = 4096;
// The cache file's own checksum covers its first and last 8 KiB: our header, and the parts
// of the image Hyperscan's crc32c does not cover (its header and the alignment gap before
// the bytecode, at most 64 + 63 bytes in; up to 63 bytes after it). The bytecode between
// is checked by Hyperscan when the first scratch is allocated, which build() does before
// the database is used: a flipped byte anywhere is still a rebuild, never a rule.
constexpr size_t kChecksumEnds = 2 * kImageOffset;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

void add_note(std::string* note, const std::string& text) {
  if (!note) return;
  if (!note->empty()) *note += '\n';
  *note += text;
}

}  // namespace

CacheDir cache_dirs(const std::string& primary, const std::vector<std::string>& fallbacks,
                    const std::string& system_dir) {
  if (primary.empty()) return CacheDir();
  std::vector<std::string> dirs{primary};
  for (auto& d : fallbacks)
    if (!d.empty() && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  std::vector<std::string> read_only;
  if (!system_dir.empty() && system_dir != primary) read_only.push_back(system_dir);
  return CacheDir(std::move(dirs), std::move(read_only));
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
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules[i];
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
  out.owned_.reset(db);
  out.db_ = db;
  hs_scratch_t* proto = nullptr;
  if (hs_alloc_scratch(db, &proto) != HS_SUCCESS) return Error{"cannot allocate Hyperscan scratch space"};
  out.proto_.reset(proto);
  return out;
}

Result<HsDatabase> HsDatabase::build(const RuleSet& rules, CacheDir* cache, std::string* note,
                                     const HsBuildOptions& opts) {
  auto compile_timed = [&]() -> Result<HsDatabase> {
    if (opts.before_compile) opts.before_compile(rules.size());
    auto t0 = std::chrono::steady_clock::now();
    auto out = compile(rules);
    if (out) out->compile_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
  };
  if (!cache || !cache->enabled()) return compile_timed();
  std::string key = cache_key(rules, opts.key_hint);
  std::string name = opts.prefix + key.substr(0, 32) + ".hsdb";
  std::string header(kMagic, sizeof kMagic);
  header += key;

  auto file = std::make_unique<MappedFile>();
  std::string found;
  if (cache->open(name, *file, &found)) {
    // The checksum first (of the parts Hyperscan does not check): a flipped byte in a
    // database Hyperscan accepts could silence a rule.
    auto content = checked_content(file->bytes(), kChecksumEnds);
    bool fresh = content && content->size() > kImageOffset && content->compare(0, header.size(), header) == 0;
    if (fresh) {
      const char* image = content->data() + kImageOffset;
      auto* db = reinterpret_cast<const hs_database_t*>(image);
      size_t size = 0;
      hs_scratch_t* raw = nullptr;
      // hs_alloc_scratch checks the bytecode's crc32c.
      bool valid = reinterpret_cast<uintptr_t>(image) % 64 == 0 && hs_database_size(db, &size) == HS_SUCCESS &&
                   size == content->size() - kImageOffset && hs_alloc_scratch(db, &raw) == HS_SUCCESS;
      HsScratchPtr proto(raw);
      if (valid) {
        HsDatabase out;
        out.proto_ = std::move(proto);
        out.map_ = std::move(file);
        out.db_ = db;
        out.origin_ = Origin::Cache;
        out.cache_path_ = found;
        return out;
      }
    }
    // A file under this key's name that is not this key's database is damaged.
    add_note(note, fmt::format("the pattern cache '{}' is damaged (checksum or format mismatch); it was rebuilt",
                               found));
  }
  // Missing, stale or corrupt: compile and (try to) store the deserialized image.
  auto compiled = compile_timed();
  if (!compiled) return compiled;
  char* ser = nullptr;
  size_t ser_len = 0, size = 0;
  if (hs_serialize_database(compiled->get(), &ser, &ser_len) != HS_SUCCESS) return compiled;
  std::unique_ptr<char, FreeDeleter> ser_owner(ser);
  if (hs_serialized_database_size(ser, ser_len, &size) != HS_SUCCESS) return compiled;
  size_t rounded = (size + kImageOffset - 1) / kImageOffset * kImageOffset;
  std::unique_ptr<void, FreeDeleter> image(std::aligned_alloc(kImageOffset, rounded));
  if (!image || hs_deserialize_database_at(ser, ser_len, static_cast<hs_database_t*>(image.get())) != HS_SUCCESS)
    return compiled;
  header.resize(kImageOffset, '\0');
  std::string path = cache->write(name, header, static_cast<const char*>(image.get()), size, kChecksumEnds);
  if (!path.empty()) {
    compiled->cache_path_ = path;
    cache->remove_stale(opts.prefix, ".hsdb", path, opts.stale_age);
  }
  return compiled;
}

Result<HsScratchPtr> HsDatabase::make_scratch() const {
  hs_scratch_t* s = nullptr;
  // A copy of the scratch allocated (and the database checked) in build: hs_alloc_scratch
  // would compute the 3.5 MB database's crc32c again for every scratch.
  if (proto_ ? hs_clone_scratch(proto_.get(), &s) != HS_SUCCESS : hs_alloc_scratch(db_, &s) != HS_SUCCESS)
    return Error{"cannot allocate Hyperscan scratch space"};
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
