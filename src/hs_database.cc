#include "hs_database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "sha256.h"

namespace keyward {
namespace {

constexpr unsigned kFlags = HS_FLAG_MULTILINE;
constexpr char kMagic[8] = {'K', 'W', 'H', 'S', 'D', 'B', '0', '1'};

bool read_file(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, &out[got], out.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return got == out.size();
}

bool mkdirs(const std::string& dir) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!cur.empty() && ::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    if (i < dir.size()) cur += dir[i];
  }
  return true;
}

// Writes to a temporary file in the same directory and renames it into place, so that a
// reader (or an interrupted writer) never sees a partial cache file.
bool write_atomically(const std::string& path, const std::string& header, const char* data, size_t n) {
  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return false;
  auto write_all = [&](const char* p, size_t len) {
    while (len > 0) {
      ssize_t w = ::write(fd, p, len);
      if (w <= 0) return false;
      p += w;
      len -= static_cast<size_t>(w);
    }
    return true;
  };
  bool ok = write_all(header.data(), header.size()) && write_all(data, n);
  ok = (::close(fd) == 0) && ok;
  if (ok) ok = ::rename(name.data(), path.c_str()) == 0;
  if (!ok) ::unlink(name.data());
  return ok;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* d = std::getenv("KEYWARD_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/keyward";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/keyward";
  return "";
}

std::string HsDatabase::cache_key(const RuleSet& rules) {
  Sha256 h;
  h.update(hs_version());
  hs_platform_info_t plat;
  std::memset(&plat, 0, sizeof plat);
  if (hs_populate_platform(&plat) == HS_SUCCESS)
    h.update(fmt::format("|tune={}|feat={}", plat.tune, plat.cpu_features));
  h.update(fmt::format("|flags={}|n={}", kFlags, rules.size()));
  for (auto& r : rules.rules()) {
    h.update(r.id);
    h.update(std::string_view("\0", 1));
    h.update(r.regex);
    h.update(std::string_view("\0", 1));
  }
  auto d = h.finish();
  return to_hex(d.data(), d.size());
}

Result<HsDatabase> HsDatabase::compile(const RuleSet& rules) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    exprs.push_back(rules[i].regex.c_str());
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

Result<HsDatabase> HsDatabase::build(const RuleSet& rules, const std::string& cache_dir, std::string* note) {
  if (cache_dir.empty()) return compile(rules);
  std::string key = cache_key(rules);
  std::string path = cache_dir + "/rules-" + key.substr(0, 32) + ".hsdb";
  std::string header(kMagic, sizeof kMagic);
  header += key;

  std::string bytes;
  if (read_file(path, bytes) && bytes.size() > header.size() &&
      bytes.compare(0, header.size(), header) == 0) {
    hs_database_t* db = nullptr;
    if (hs_deserialize_database(bytes.data() + header.size(), bytes.size() - header.size(), &db) ==
        HS_SUCCESS) {
      HsDatabase out;
      out.db_.reset(db);
      out.origin_ = Origin::Cache;
      out.cache_path_ = path;
      return out;
    }
  }
  // Missing, stale or corrupt: compile and (try to) store.
  auto compiled = compile(rules);
  if (!compiled) return compiled;
  char* ser = nullptr;
  size_t ser_len = 0;
  bool stored = false;
  if (hs_serialize_database(compiled->get(), &ser, &ser_len) == HS_SUCCESS) {
    stored = mkdirs(cache_dir) && write_atomically(path, header, ser, ser_len);
    std::free(ser);
  }
  if (!stored && note)
    *note = fmt::format("cannot write the pattern cache in '{}'; every run compiles the rules "
                        "(slower). Set KEYWARD_CACHE_DIR to a writable directory.", cache_dir);
  if (stored) compiled->cache_path_ = path;
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
