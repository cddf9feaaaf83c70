#include "validators.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <zlib.h>

#include "base64.h"

namespace keyward {

uint32_t crc32(std::string_view s) {
  // zlib's (linked already for the cache files): the same IEEE CRC-32 GitHub and npm use.
  return static_cast<uint32_t>(
      ::crc32_z(::crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<z_size_t>(s.size())));
}

std::string base62_fixed(uint32_t v, size_t width) {
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(width, '0');
  for (size_t i = width; i-- > 0;) {
    out[i] = digits[v % 62];
    v /= 62;
  }
  return out;
}

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
bool all_of(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

const Validation kValid{Validity::Valid, "structure"};
const Validation kChecksum{Validity::Valid, "checksum"};
const Validation kInvalid{Validity::Invalid, ""};
const Validation kUnknown{};

// GitHub's ghp_/gho_/ghu_/ghs_/ghr_ and npm's npm_ tokens end with the base62 CRC32 of
// the 30 random characters before them, left-padded to 6.
Validation crc32_suffix(std::string_view secret) {
  auto us = secret.find('_');
  if (us == std::string_view::npos) return kUnknown;
  std::string_view body = secret.substr(us + 1);
  if (body.size() != 36) return kUnknown;
  if (base62_fixed(crc32(body.substr(0, 30)), 6) == body.substr(30)) return kChecksum;
  return kInvalid;
}

// OpenAI keys carry "T3BlbkFJ" (base64 of "OpenAI") between two random halves.
Validation openai_key(std::string_view s) {
  auto at = s.find("T3BlbkFJ");
  if (at == std::string_view::npos || at < 20 || s.size() - at - 8 < 20) return kInvalid;
  return kValid;
}

// Anthropic keys: sk-ant-<kind>-<93 url-safe base64 chars>AA.
Validation anthropic_key(std::string_view s) {
  if (!starts_with(s, "sk-ant-")) return kInvalid;
  auto dash = s.find('-', 7);
  if (dash == std::string_view::npos) return kInvalid;
  std::string_view body = s.substr(dash + 1);
  if (body.size() != 95 || !ends_with(body, "AA")) return kInvalid;
  return kValid;
}

// PyPI tokens are "pypi-" + base64url(macaroon v2); the macaroon's location field is
// pypi.org (or test.pypi.org) and follows the version byte.
Validation pypi_macaroon(std::string_view s) {
  if (!starts_with(s, "pypi-")) return kInvalid;
  std::string raw;
  if (!base64_decode(s.substr(5), raw, Base64Mode::Lenient)) return kInvalid;
  bool pypi = starts_with(raw, std::string_view("\x02\x01\x08pypi.org", 11)) ||
              starts_with(raw, std::string_view("\x02\x01\x0dtest.pypi.org", 16));
  return pypi && raw.size() >= 48 ? kValid : kInvalid;
}

// A DER SEQUENCE whose outer length is the whole buffer.
bool der_sequence(const std::string& d) {
  if (d.size() < 4 || static_cast<unsigned char>(d[0]) != 0x30) return false;
  size_t len, hdr;
  unsigned char l = static_cast<unsigned char>(d[1]);
  if (l < 0x80) {
    len = l;
    hdr = 2;
  } else {
    size_t n = l & 0x7F;
    if (n == 0 || n > 3 || d.size() < 2 + n) return false;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(d[2 + i]);
    hdr = 2 + n;
  }
  return hdr + len == d.size();
}

// A PEM block, raw or with JSON-escaped newlines ("\n"): the body must be base64 of a
// plausible key (a DER SEQUENCE, an openssh-key-v1 blob, an OpenPGP packet).
Validation pem_body(std::string_view s) {
  auto b = s.find("-----BEGIN ");
  if (b == std::string_view::npos) return kUnknown;
  auto label_end = s.find("-----", b + 11);
  if (label_end == std::string_view::npos) return kInvalid;
  std::string label(s.substr(b + 11, label_end - b - 11));
  auto e = s.find("-----END ", label_end + 5);
  if (e == std::string_view::npos) return kInvalid;
  std::string_view body = s.substr(label_end + 5, e - label_end - 5);
  // Drop RFC 1421 / OpenPGP header lines ("Proc-Type: ...", "Version: ...") and the
  // OpenPGP CRC line ("=abcd"); lines are split on real or escaped newlines.
  std::string b64;
  bool encrypted = false;
  size_t i = 0;
  while (i <= body.size()) {
    size_t j = i;
    while (j < body.size() && body[j] != '\n' && !(body[j] == '\\' && j + 1 < body.size() && body[j + 1] == 'n')) ++j;
    std::string_view line = body.substr(i, j - i);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (ends_with(line, "\\r")) line.remove_suffix(2);
    if (line.find(':') != std::string_view::npos) {
      if (line.find("ENCRYPTED") != std::string_view::npos) encrypted = true;
    } else if (!(starts_with(line, "=") && line.size() <= 6)) {
      b64 += std::string(line);
    }
    if (j >= body.size()) break;
    i = j + (body[j] == '\n' ? 1 : 2);
  }
  std::string raw;
  if (!base64_decode(b64, raw, Base64Mode::Lenient) || raw.size() < 48) return kInvalid;
  if (label.find("OPENSSH") != std::string::npos)
    return starts_with(raw, std::string_view("openssh-key-v1\0", 15)) ? kValid : kInvalid;
  if (label.find("PGP") != std::string::npos)
    return (static_cast<unsigned char>(raw[0]) & 0x80) ? kValid : kInvalid;
  if (encrypted) return raw.size() % 8 == 0 ? kValid : kInvalid;  // legacy encrypted PEM: ciphertext
  return der_sequence(raw) ? kValid : kInvalid;
}

// A JWT (optionally behind a prefix such as hf_jwt_): the header is base64url JSON with "alg".
Validation jwt(std::string_view s) {
  auto start = s.find("eyJ");
  if (start == std::string_view::npos) return kInvalid;
  s = s.substr(start);
  auto d1 = s.find('.');
  if (d1 == std::string_view::npos) return kInvalid;
  auto d2 = s.find('.', d1 + 1);
  std::string header, payload;
  if (!base64_decode(s.substr(0, d1), header, Base64Mode::Lenient)) return kInvalid;
  std::string_view pl = s.substr(d1 + 1, d2 == std::string_view::npos ? std::string_view::npos : d2 - d1 - 1);
  if (!base64_decode(pl, payload, Base64Mode::Lenient)) return kInvalid;
  if (header.empty() || header.front() != '{' || header.find("\"alg\"") == std::string::npos) return kInvalid;
  if (payload.empty() || payload.front() != '{') return kInvalid;
  return kValid;
}

// Neptune API tokens are base64 of {"api_address": ..., "api_url": ..., "api_key": ...}.
Validation neptune_token(std::string_view s) {
  std::string raw;
  if (!base64_decode(s, raw, Base64Mode::Lenient)) return kInvalid;
  return raw.find("\"api_address\"") != std::string::npos && raw.find("\"api_key\"") != std::string::npos
             ? kValid
             : kInvalid;
}

// Amazon Bedrock long-term API keys: "ABSK" + base64("BedrockAPIKey-...").
Validation bedrock_key(std::string_view s) {
  if (!starts_with(s, "ABSK")) return kInvalid;
  std::string raw;
  if (!base64_decode(s.substr(4), raw, Base64Mode::Lenient)) return kInvalid;
  return starts_with(raw, "BedrockAPIKey-") ? kValid : kInvalid;
}

// Azure storage / Cosmos DB account keys: base64 of 64 random bytes.
Validation base64_64(std::string_view s) {
  // The storage and Cosmos DB emulators ship with fixed, publicly documented keys.
  if (starts_with(s, "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw") ||
      starts_with(s, "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw"))
    return kInvalid;
  std::string raw;
  if (!base64_decode(s, raw, Base64Mode::Lenient)) return kInvalid;
  return raw.size() == 64 ? kValid : kInvalid;
}

// Discord bot tokens: the first segment is base64 of the bot's numeric snowflake id.
Validation discord_bot(std::string_view s) {
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return kInvalid;
  std::string raw;
  if (!base64_decode(s.substr(0, dot), raw, Base64Mode::Lenient)) return kInvalid;
  return raw.size() >= 17 && raw.size() <= 20 && all_of(raw, ::isdigit) ? kValid : kInvalid;
}

// age secret keys are bech32 with HRP "age-secret-key-": verify the BCH checksum.
Validation age_bech32(std::string_view s) {
  std::string l = lower(s);
  auto sep = l.rfind('1');
  if (sep == std::string::npos || sep == 0 || l.size() - sep < 7) return kInvalid;
  static const std::string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  auto polymod = [](uint32_t chk, uint32_t v) {
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= gen[i];
    return chk;
  };
  uint32_t chk = 1;
  std::string hrp = l.substr(0, sep);
  for (char c : hrp) chk = polymod(chk, static_cast<unsigned char>(c) >> 5);
  chk = polymod(chk, 0);
  for (char c : hrp) chk = polymod(chk, static_cast<unsigned char>(c) & 31);
  for (size_t i = sep + 1; i < l.size(); ++i) {
    auto v = charset.find(l[i]);
    if (v == std::string::npos) return kInvalid;
    chk = polymod(chk, static_cast<uint32_t>(v));
  }
  return chk == 1 ? kChecksum : kInvalid;
}

bool contains_any(const std::string& low, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (low.find(w) != std::string::npos) return true;
  return false;
}

// A password taken from a URL (scheme://user:password@host): defaults and template
// values are not findings.
Validation url_password(std::string_view s) {
  std::string low = lower(s);
  static constexpr std::string_view kDefaults[] = {
      "password", "passwd", "pass", "pwd", "secret", "root", "admin", "postgres", "mysql", "guest",
      "user", "test", "changeme", "default", "123456", "12345678", "letmein", "qwerty", "redis",
      "mongo", "mongodb", "rabbitmq", "example", "dbpass", "dbpassword", "mypassword", "yourpassword"};
  for (auto d : kDefaults)
    if (low == d) return kInvalid;
  if (contains_any(low, {"password", "passwd", "your", "example", "placeholder", "changeme", "xxxx"})) return kInvalid;
  if (s.size() < 6) return kInvalid;
  return kUnknown;
}

// The generic detector's value test: something a person would call a secret, not a hash,
// UUID, lockfile integrity value, image data, path, version or identifier.

// Longest run of lower-case consonants: random letters pile them up, identifiers and
// words rarely have four in a row.
size_t longest_consonant_run(std::string_view s) {
  size_t run = 0, longest = 0;
  for (char c : s) {
    bool consonant =
        std::islower(static_cast<unsigned char>(c)) && std::string_view("aeiouy").find(c) == std::string_view::npos;
    run = consonant ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

Validation generic_value(std::string_view s) {
  if (s.size() < 8) return kInvalid;
  std::string low = lower(s);
  // Tokens with a provider format are reported by their own rule.
  static constexpr std::string_view kPrefixes[] = {
      "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "hf_", "akia", "asia",
      "aiza", "eyj", "npm_", "pypi-", "sg.", "dckr_", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "gsk_",
      "r8_", "pplx-", "xai-", "lsv2_", "pcsk_", "kgat_", "wandb_v1_", "tgp_v1_", "dapi", "shp", "-----begin"};
  for (auto p : kPrefixes)
    if (starts_with(low, p)) return kInvalid;
  // Hex strings are digests, ids and commit hashes far more often than secrets; hex keys
  // of known providers are caught by their own rules, which look at the name around them.
  if (all_of(s, ::isxdigit)) return kInvalid;
  size_t n = s.size();
  // Sequences: abcd, 1234, dcba.
  for (size_t k = 3; k < n; ++k) {
    auto at = [&](size_t i) { return static_cast<int>(std::tolower(static_cast<unsigned char>(s[i]))); };
    bool alnum = std::isalnum(static_cast<unsigned char>(s[k])) && std::isalnum(static_cast<unsigned char>(s[k - 3]));
    if (alnum && ((at(k) - at(k - 1) == 1 && at(k - 1) - at(k - 2) == 1 && at(k - 2) - at(k - 3) == 1) ||
                  (at(k) - at(k - 1) == -1 && at(k - 1) - at(k - 2) == -1 && at(k - 2) - at(k - 3) == -1)))
      return kInvalid;
  }
  if (all_of(s, ::isdigit)) return kInvalid;
  // UUID: 8-4-4-4-12 hex.
  if (n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-') {
    std::string compact;
    for (char c : s)
      if (c != '-') compact += c;
    if (compact.size() == 32 && all_of(compact, ::isxdigit)) return kInvalid;
  }
  static constexpr std::string_view kDigestPrefixes[] = {"sha1-", "sha256-", "sha384-", "sha512-", "md5-",
                                                         "sha1=", "sha256=", "sha512="};
  for (auto p : kDigestPrefixes)
    if (starts_with(low, p)) return kInvalid;
  // Base64 of images and documents (PNG, JPEG, GIF, WebP, SVG, XML, PDF).
  static constexpr std::string_view kMagic[] = {"iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "PHN2Zy", "PD94bWw", "JVBERi0"};
  for (auto m : kMagic)
    if (starts_with(s, m)) return kInvalid;
  if (contains_any(low, {"password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "changeme",
                         "example", "sample", "dummy", "test", "fake", "placeholder", "redacted", "undefined",
                         "null", "your", "todo", "xxx", "localhost", "http"}))
    return kInvalid;
  // Paths and file names.
  if (starts_with(s, "/") || starts_with(s, "./") || starts_with(s, "../") || starts_with(s, "~/")) return kInvalid;
  static constexpr std::string_view kExt[] = {".pem", ".key", ".json", ".txt", ".yaml", ".yml", ".p12", ".pfx",
                                              ".crt", ".env", ".cfg", ".ini", ".toml", ".py", ".js", ".der"};
  for (auto e : kExt)
    if (ends_with(low, e)) return kInvalid;
  // Versions: v1.2.3, 2024.01.15.
  {
    std::string_view v = s;
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
    if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }))
      return kInvalid;
  }
  // Identifiers: words joined by _ . - or camelCase, at most a short trailing number.
  bool has_digit = false, has_lower = false, has_upper = false, has_other = false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) has_digit = true;
    else if (std::islower(u)) has_lower = true;
    else if (std::isupper(u)) has_upper = true;
    else if (c != '_' && c != '-' && c != '.') has_other = true;
  }
  if (!has_digit && !has_other) {
    // get_password, settings.secret, MyClassName, SSHPrivateKeyTypes: letters only, and
    // either one case, separators, or words that read like words. Random letters pile up
    // consonants: a run of 4 in lower case is rare in identifiers and common in tokens.
    if (!has_upper || !has_lower || s.find_first_of("_.-") != std::string_view::npos) return kInvalid;
    if (longest_consonant_run(s) < 4) return kInvalid;
  }
  // CamelCase names with a digit or two: PKCS7PrivateKeyTypes, Sha256Digest.
  if (!has_other && has_lower && s.find_first_of("_.-") == std::string_view::npos &&
      std::count_if(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) <= 2) {
    if (longest_consonant_run(s) < 4) return kInvalid;
  }
  // Base64 of a sentence about placeholders ("not my real password").
  {
    std::string raw;
    if (n >= 12 && base64_decode(s, raw, Base64Mode::Lenient) && !raw.empty() &&
        std::all_of(raw.begin(), raw.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
      std::string rl = lower(raw);
      if (contains_any(rl, {"password", "secret", "token", "example", "dummy", "fake", "test", "changeme", "your"}))
        return kInvalid;
    }
  }
  // Dotted paths of identifiers: settings.API_KEY, x25519.X25519PrivateKey.
  if (s.find('.') != std::string_view::npos) {
    bool all_ident = true;
    size_t start = 0;
    for (size_t k = 0; k <= n && all_ident; ++k) {
      if (k == n || s[k] == '.') {
        std::string_view seg = s.substr(start, k - start);
        all_ident = !seg.empty() && (std::isalpha(static_cast<unsigned char>(seg[0])) || seg[0] == '_') &&
                    std::all_of(seg.begin(), seg.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
        start = k + 1;
      }
    }
    if (all_ident) return kInvalid;
  }
  {
    // snake/kebab/dotted words with small numbers: user_password_v2, api-key-2024
    size_t segs = 0, wordy = 0, start = 0;
    for (size_t k = 0; k <= n; ++k) {
      if (k == n || s[k] == '_' || s[k] == '-' || s[k] == '.' || s[k] == '/') {
        std::string_view seg = s.substr(start, k - start);
        if (!seg.empty()) {
          ++segs;
          size_t digits = static_cast<size_t>(std::count_if(seg.begin(), seg.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }));
          bool letters_then_digits = true;
          bool seen_digit = false;
          for (char c : seg) {
            if (std::isdigit(static_cast<unsigned char>(c))) seen_digit = true;
            else if (seen_digit || !std::isalpha(static_cast<unsigned char>(c))) letters_then_digits = false;
          }
          if (letters_then_digits && (digits <= 4 || digits == seg.size()) && (seg.size() - digits >= 1 || digits == seg.size())) ++wordy;
        }
        start = k + 1;
      }
    }
    if (segs >= 2 && wordy == segs) return kInvalid;
  }
  // Model and dataset ids (owner/name, as the Hugging Face Hub spells them):
  // TheBloke/Llama-2-7B-Chat-GGUF, mistralai/Mixtral-8x7B-v0.1. Every piece is a word, a
  // number, or a number with a unit (7B, 4bit) or a word with a number (Llama3, v2);
  // random characters do not split that way.
  if (std::count(s.begin(), s.end(), '/') == 1 && s.front() != '/' && s.back() != '/') {
    auto wordish = [](std::string_view seg) {
      size_t i = 0, letters = 0, digits = 0;
      while (i < seg.size() && std::isdigit(static_cast<unsigned char>(seg[i]))) ++i, ++digits;
      if (i < seg.size() && seg[i] == 'x' && digits) ++i;  // 8x7B
      while (i < seg.size() && std::isdigit(static_cast<unsigned char>(seg[i]))) ++i, ++digits;
      while (i < seg.size() && std::isalpha(static_cast<unsigned char>(seg[i]))) ++i, ++letters;
      size_t tail = 0;
      while (i < seg.size() && std::isdigit(static_cast<unsigned char>(seg[i]))) ++i, ++tail;
      if (i != seg.size() || seg.empty()) return false;
      if (digits && letters > 4 && tail == 0) return false;  // 7B, 4bit; not 3xKqhz...
      return tail <= 4 && letters <= 20 && longest_consonant_run(seg) < 5;  // Instruct: 4
    };
    bool all = true;
    size_t start = 0;
    for (size_t k = 0; k <= n && all; ++k) {
      if (k == n || s[k] == '/' || s[k] == '-' || s[k] == '_' || s[k] == '.') {
        if (k > start) all = wordish(s.substr(start, k - start));
        start = k + 1;
      }
    }
    if (all) return kInvalid;
  }
  // UPPER_SNAKE names: SOME_ENV_VAR, SECRET2.
  if (!has_lower && !has_other && s.find('_') != std::string_view::npos) return kInvalid;
  int classes = has_digit + has_lower + has_upper + has_other;
  if (classes < 2) return kInvalid;
  return kUnknown;
}

// An HTTP Basic credential: base64 of "user:password" with a non-trivial password.
Validation basic_auth(std::string_view s) {
  std::string raw;
  if (!base64_decode(s, raw, Base64Mode::Lenient)) return kInvalid;
  auto colon = raw.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= raw.size()) return kInvalid;
  for (unsigned char c : raw)
    if (c < 0x20 || c > 0x7e) return kInvalid;
  if (url_password(std::string_view(raw).substr(colon + 1)).validity == Validity::Invalid) return kInvalid;
  return kValid;
}

struct Entry {
  const char* name;
  ValidatorFn fn;
};

const Entry kValidators[] = {
    {"github-crc32", crc32_suffix},   {"npm-crc32", crc32_suffix},       {"openai-key", openai_key},
    {"anthropic-key", anthropic_key}, {"pypi-macaroon", pypi_macaroon},  {"pem-body", pem_body},
    {"gcp-service-account", pem_body}, {"jwt", jwt},                     {"neptune-token", neptune_token},
    {"bedrock-api-key", bedrock_key}, {"base64-64-bytes", base64_64},    {"discord-bot-token", discord_bot},
    {"age-bech32", age_bech32},       {"url-password", url_password},    {"generic-secret", generic_value},
    {"basic-auth", basic_auth},
};

}  // namespace

const std::vector<std::string>& validator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto& e : kValidators) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

bool is_known_validator(const std::string& name) {
  if (name.empty()) return true;
  for (auto& e : kValidators)
    if (name == e.name) return true;
  return false;
}

ValidatorFn find_validator(const std::string& name) {
  for (auto& e : kValidators)
    if (name == e.name) return e.fn;
  return nullptr;
}

Validation validate(const std::string& name, std::string_view secret) {
  ValidatorFn fn = find_validator(name);
  return fn ? fn(secret) : Validation{};
}

}  // namespace keyward
