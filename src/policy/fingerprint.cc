#include "fingerprint.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "mapped_file.h"
#include "sha256.h"

namespace keyward {

std::string legacy_fingerprint(std::string_view rule_id, std::string_view secret) {
  Sha256 h;
  h.update("keyward-fingerprint-v1");
  h.update(std::string_view("\0", 1));
  h.update(rule_id);
  h.update(std::string_view("\0", 1));
  h.update(secret);
  auto d = h.finish();
  return to_hex(d.data(), 16);
}


std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  auto d = hmac_sha256(key, message);
  return to_hex(d.data(), d.size());
}

std::string keyed_fingerprint(std::string_view key, std::string_view rule_id, std::string_view secret) {
  std::string msg = "keyward-fingerprint-v2";
  msg += '\0';
  msg += rule_id;
  msg += '\0';
  msg += secret;
  auto d = hmac_sha256(key, msg);
  return to_hex(d.data(), 16);
}

std::string new_fingerprint_key() {
  uint8_t buf[32];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::getrandom(buf + got, sizeof buf - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof buf) {  // no getrandom (old kernel, seccomp): the device instead
    UniqueFd fd = UniqueFd::open("/dev/urandom", O_RDONLY);
    if (!fd) return "";
    got = 0;
    while (got < sizeof buf) {
      ssize_t n = ::read(fd.get(), buf + got, sizeof buf - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got < sizeof buf) return "";
  }
  return to_hex(buf, sizeof buf);
}

std::string fingerprint_key_problem(std::string_view key) {
  if (key.size() < 16) return "must be at least 16 characters (keyward baseline writes a 64-hex-digit one)";
  if (key.size() > 256) return "must be at most 256 characters";
  for (unsigned char c : key)
    if (c <= 0x20 || c >= 0x7f) return "may hold printable ASCII characters only, without spaces";
  return "";
}

std::string salt_key(std::string_view repository_identity) {
  return "keyward-repository-salt\n" + std::string(repository_identity);
}

std::string Fingerprinter::operator()(std::string_view rule_id, std::string_view secret) const {
  if (keys_.empty()) return legacy_fingerprint(rule_id, secret);
  return keyed_fingerprint(keys_[0], rule_id, secret);
}

std::vector<std::string> Fingerprinter::other_forms(std::string_view rule_id, std::string_view secret) const {
  std::vector<std::string> out;
  for (size_t i = 1; i < keys_.size(); ++i) out.push_back(keyed_fingerprint(keys_[i], rule_id, secret));
  if (!keys_.empty()) out.push_back(legacy_fingerprint(rule_id, secret));
  return out;
}

}  // namespace keyward
