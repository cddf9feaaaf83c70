// Test helpers: token-shaped strings are built at run time from a seed, so that no
// secret-shaped literal lives in src/ and keyward's sweep of its own history stays clean.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace keyward::testing {

inline constexpr const char* kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr const char* kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr const char* kHex = "0123456789abcdef";

// A deterministic pseudo-random token: prefix + n characters drawn from alphabet.
inline std::string fake_token(const std::string& prefix, const std::string& alphabet, size_t n,
                              uint64_t seed) {
  std::string out = prefix;
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  char prev = 0;
  while (out.size() < prefix.size() + n) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    char c = alphabet[(x >> 11) % alphabet.size()];
    if (c == prev) continue;  // no runs: the placeholder filter would (rightly) drop them
    out += c;
    prev = c;
  }
  return out;
}

// An HF user token as the core scenario needs it.
inline std::string fake_hf_token(uint64_t seed = 42) { return fake_token("hf_", kLetters, 34, seed); }

// What a shell command prints on standard output (the git-facing tests build their
// repositories with the real git).
inline std::string shell_output(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace keyward::testing
