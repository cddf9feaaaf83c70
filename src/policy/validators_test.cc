// Offline validators. Every token-shaped string is assembled at run time from pieces and
// generated filler, so that this file holds nothing a secret scanner should report.
#include "validators.h"

#include "base64.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

using keyward::Validity;

namespace {

// Deterministic filler in an alphabet, without long runs or sequences.
std::string filler(size_t n, std::string_view alphabet, uint32_t seed = 7) {
  std::string out;
  uint32_t x = seed * 2654435761u + 1;
  while (out.size() < n) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    char c = alphabet[x % alphabet.size()];
    if (!out.empty() && (out.back() == c || out.back() + 1 == c)) continue;
    out.push_back(c);
  }
  return out;
}

const std::string kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const std::string kUrlSafe = kAlnum + "_-";
const std::string kHex = "0123456789abcdef";

std::string b64(std::string_view in, bool url = false) { return keyward::base64_encode(in, url, /*pad=*/!url); }

std::string bytes(size_t n, uint32_t seed = 3) {
  std::string out;
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    out.push_back(static_cast<char>((x >> 16) & 0xFF));
  }
  return out;
}

// A DER SEQUENCE of total size n (n >= 132).
std::string der(size_t n) {
  std::string d;
  d.push_back('\x30');
  d.push_back('\x82');
  d.push_back(static_cast<char>((n - 4) >> 8));
  d.push_back(static_cast<char>((n - 4) & 0xFF));
  return d + bytes(n - 4);
}

std::string pem(const std::string& label, const std::string& raw, const std::string& nl = "\n") {
  std::string body = b64(raw), out = "-----" "BEGIN " + label + "-----" + nl;
  for (size_t i = 0; i < body.size(); i += 64) out += body.substr(i, 64) + nl;
  return out + "-----" "END " + label + "-----";
}

Validity v(const std::string& name, const std::string& s) { return keyward::validate(name, s).validity; }

}  // namespace

TEST_CASE("crc32 and base62 building blocks") {
  CHECK(keyward::crc32("123456789") == 0xCBF43926u);
  CHECK(keyward::base62_fixed(0, 6) == "000000");
  CHECK(keyward::base62_fixed(61, 2) == "0z");
  CHECK(keyward::base62_fixed(62, 2) == "10");
}

TEST_CASE("validators decode base64 leniently: both alphabets, padding and escaped newlines") {
  std::string out;
  REQUIRE(keyward::base64_decode(b64("hello world"), out, keyward::Base64Mode::Lenient));
  CHECK(out == "hello world");
  REQUIRE(keyward::base64_decode(b64("any carnal pleas", true), out, keyward::Base64Mode::Lenient));
  CHECK(out == "any carnal pleas");
  REQUIRE(keyward::base64_decode("aGVs\\nbG8=", out, keyward::Base64Mode::Lenient));
  CHECK(out == "hello");
  CHECK_FALSE(keyward::base64_decode("aGVs*bG8=", out, keyward::Base64Mode::Lenient));
  CHECK_FALSE(keyward::base64_decode("aGVsbG8=x", out, keyward::Base64Mode::Lenient));
}

TEST_CASE("GitHub and npm tokens carry a CRC32 checksum") {
  std::string body = filler(30, kAlnum);
  std::string check = keyward::base62_fixed(keyward::crc32(body), 6);
  for (std::string prefix : {std::string("gh") + "p_", std::string("gh") + "s_", std::string("np") + "m_"}) {
    std::string name = prefix[0] == 'n' ? "npm-crc32" : "github-crc32";
    auto good = keyward::validate(name, prefix + body + check);
    CHECK(good.validity == Validity::Valid);
    CHECK(good.kind == "checksum");
    std::string broken = check;
    broken[5] = broken[5] == 'A' ? 'B' : 'A';
    CHECK(v(name, prefix + body + broken) == Validity::Invalid);
    CHECK(v(name, prefix + body.substr(0, 20)) == Validity::NotApplicable);
  }
}

TEST_CASE("OpenAI keys need the T3BlbkFJ marker between two halves") {
  std::string marker = std::string("T3Blbk") + "FJ";
  std::string key = std::string("sk-") + "proj-" + filler(58, kUrlSafe, 1) + marker + filler(58, kUrlSafe, 2);
  CHECK(v("openai-key", key) == Validity::Valid);
  CHECK(v("openai-key", std::string("sk-") + "proj-" + filler(120, kUrlSafe)) == Validity::Invalid);
  CHECK(v("openai-key", std::string("sk-") + marker + filler(30, kUrlSafe)) == Validity::Invalid);
}

TEST_CASE("Anthropic keys end in AA after 93 characters") {
  std::string prefix = std::string("sk-") + "ant-" + "api03-";
  CHECK(v("anthropic-key", prefix + filler(93, kUrlSafe) + "AA") == Validity::Valid);
  CHECK(v("anthropic-key", prefix + filler(93, kUrlSafe) + "Qz") == Validity::Invalid);
  CHECK(v("anthropic-key", prefix + filler(60, kUrlSafe) + "AA") == Validity::Invalid);
  CHECK(v("anthropic-key", std::string("sk-") + "proj-" + filler(95, kUrlSafe)) == Validity::Invalid);
}

TEST_CASE("PyPI tokens are macaroons whose location is pypi.org") {
  std::string header = std::string("\x02\x01\x08", 3) + "pypi.org";
  CHECK(v("pypi-macaroon", "pypi-" + b64(header + bytes(80), true)) == Validity::Valid);
  std::string test_header = std::string("\x02\x01\x0d", 3) + "test.pypi.org";
  CHECK(v("pypi-macaroon", "pypi-" + b64(test_header + bytes(80), true)) == Validity::Valid);
  CHECK(v("pypi-macaroon", "pypi-" + b64(std::string("\x02\x01\x08", 3) + "evil.org" + bytes(80), true)) == Validity::Invalid);
  CHECK(v("pypi-macaroon", "pypi-" + b64(header + bytes(4), true)) == Validity::Invalid);
}

TEST_CASE("PEM bodies must decode to a plausible key") {
  std::string label = std::string("RSA ") + "PRIVATE KEY";
  CHECK(v("pem-body", pem(label, der(1190))) == Validity::Valid);
  CHECK(v("pem-body", pem(label, der(1190), "\\n")) == Validity::Valid);  // JSON-escaped, as in key files
  CHECK(v("pem-body", pem(label, der(1190), "\r\n")) == Validity::Valid);
  CHECK(v("pem-body", pem(label, std::string(1, '\x04') + bytes(600))) == Validity::Invalid);  // not DER
  CHECK(v("pem-body", pem(label, bytes(20))) == Validity::Invalid);                           // too short
  std::string ssh = std::string("OPENSSH ") + "PRIVATE KEY";
  CHECK(v("pem-body", pem(ssh, std::string("openssh-key-v1\0", 15) + bytes(300))) == Validity::Valid);
  CHECK(v("pem-body", pem(ssh, der(400))) == Validity::Invalid);
  std::string pgp = std::string("PGP ") + "PRIVATE KEY BLOCK";
  std::string armored = pem(pgp, std::string(1, '\x95') + bytes(500));
  armored.insert(armored.find('\n') + 1, "Comment: test\n\n");
  CHECK(v("pem-body", armored) == Validity::Valid);
  // Legacy passphrase-encrypted PEM: ciphertext body behind Proc-Type / DEK-Info headers.
  std::string enc = pem(label, bytes(1200));
  enc.insert(enc.find('\n') + 1, "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + filler(32, "0123456789ABCDEF") + "\n\n");
  CHECK(v("pem-body", enc) == Validity::Valid);
  CHECK(v("gcp-service-account", pem(std::string("PRIVATE ") + "KEY", der(1218), "\\n")) == Validity::Valid);
}

TEST_CASE("JWTs need a JSON header with alg") {
  std::string header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", true);
  std::string payload = b64("{\"sub\":\"" + filler(10, kAlnum) + "\"}", true);
  std::string sig = filler(43, kUrlSafe);
  CHECK(v("jwt", header + "." + payload + "." + sig) == Validity::Valid);
  CHECK(v("jwt", "hf_" "jwt_" + header + "." + payload + "." + sig) == Validity::Valid);
  CHECK(v("jwt", b64("{\"typ\":\"JWT\"}", true) + "." + payload + "." + sig) == Validity::Invalid);
  CHECK(v("jwt", header + "." + filler(20, kAlnum) + "." + sig) == Validity::Invalid);
}

TEST_CASE("structured base64 tokens") {
  std::string neptune = b64("{\"api_address\": \"https://app.neptune.ai\", \"api_url\": \"https://app.neptune.ai\", \"api_key\": \"" +
                            filler(36, kHex) + "\"}");
  CHECK(v("neptune-token", neptune) == Validity::Valid);
  CHECK(v("neptune-token", b64("{\"api_address\": \"x\"}")) == Validity::Invalid);
  CHECK(v("bedrock-api-key", "AB" "SK" + b64("BedrockAPIKey-" + filler(40, kAlnum))) == Validity::Valid);
  CHECK(v("bedrock-api-key", "AB" "SK" + b64(bytes(60))) == Validity::Invalid);
  CHECK(v("base64-64-bytes", b64(bytes(64))) == Validity::Valid);
  CHECK(v("base64-64-bytes", b64(bytes(48))) == Validity::Invalid);
  std::string snowflake = b64("112233445566778899");
  while (!snowflake.empty() && snowflake.back() == '=') snowflake.pop_back();
  CHECK(v("discord-bot-token", snowflake + "." + filler(6, kUrlSafe) + "." + filler(38, kUrlSafe)) == Validity::Valid);
  CHECK(v("discord-bot-token", b64("not-a-number-here") + "." + filler(6, kUrlSafe)) == Validity::Invalid);
  std::string basic = b64("svc_ci:" + filler(16, kAlnum) + "!");
  CHECK(v("basic-auth", basic) == Validity::Valid);
  CHECK(v("basic-auth", b64(std::string("user") + ":" + "pass" "word")) == Validity::Invalid);
  CHECK(v("basic-auth", b64(bytes(30))) == Validity::Invalid);
}

TEST_CASE("age secret keys are bech32-checked") {
  // Encode 32 bytes as bech32 with HRP age-secret-key-, computing the checksum here.
  const std::string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  auto polymod = [](const std::vector<uint32_t>& values) {
    const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;
    for (uint32_t val : values) {
      uint32_t top = chk >> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ val;
      for (int i = 0; i < 5; ++i)
        if ((top >> i) & 1) chk ^= gen[i];
    }
    return chk;
  };
  std::string hrp = "age-secret-key-";
  std::vector<uint32_t> data;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes(32, 11)) {
    acc = (acc << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 5) data.push_back((acc >> (bits -= 5)) & 31);
  }
  if (bits) data.push_back((acc << (5 - bits)) & 31);
  std::vector<uint32_t> values;
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) >> 5);
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c) & 31);
  values.insert(values.end(), data.begin(), data.end());
  values.insert(values.end(), 6, 0);
  uint32_t mod = polymod(values) ^ 1;
  std::string key = hrp + "1";
  for (uint32_t d : data) key += charset[d];
  for (int i = 0; i < 6; ++i) key += charset[(mod >> (5 * (5 - i))) & 31];
  for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(keyward::validate("age-bech32", key).kind == "checksum");
  std::string broken = key;
  broken.back() = broken.back() == 'Q' ? 'P' : 'Q';
  CHECK(v("age-bech32", broken) == Validity::Invalid);
}

TEST_CASE("the generic detector keeps secrets and drops lookalikes") {
  // Kept (the validator cannot tell, so the finding stands).
  CHECK(v("generic-secret", filler(32, kAlnum)) == Validity::NotApplicable);
  CHECK(v("generic-secret", filler(14, kAlnum) + "!" + filler(5, kAlnum)) == Validity::NotApplicable);
  CHECK(v("generic-secret", b64(bytes(33))) == Validity::NotApplicable);
  CHECK(v("generic-secret", filler(20, kAlnum) + "/" + filler(19, kAlnum)) == Validity::NotApplicable);
  // Digests, ids, integrity values, images.
  CHECK(v("generic-secret", filler(40, kHex)) == Validity::Invalid);
  CHECK(v("generic-secret", filler(64, kHex)) == Validity::Invalid);
  std::string uuid = filler(8, kHex) + "-" + filler(4, kHex) + "-4" + filler(3, kHex) + "-a" + filler(3, kHex) + "-" + filler(12, kHex);
  CHECK(v("generic-secret", uuid) == Validity::Invalid);
  CHECK(v("generic-secret", "sha512-" + b64(bytes(64))) == Validity::Invalid);
  CHECK(v("generic-secret", std::string("iVBORw0K") + "GgoAAAANSUhEUg" + filler(20, kAlnum)) == Validity::Invalid);
  // Identifiers, names, paths, versions, placeholders.
  for (std::string s : {"get_password", "settings.API_KEY", "MY_SERVICE_TOKEN", "MyApplicationKeyName", "SSHPrivateKeyTypes",
                        "PKCS7PrivateKeyTypes", "x25519.X25519PrivateKey", "user_password_v2", "./keys/id_rsa.pem",
                        "/etc/ssl/private/server.key", "v1.2.3", "2024.01.15", "12345678901234", "your-api-key-here",
                        "changeme123", "abcd1234efgh5678", "mock_access_key/20220524/us-east-1/s3/aws4_request",
                        "TheBloke/Llama-2-7B-Chat-GGUF", "mistralai/Mixtral-8x7B-Instruct-v0.1", "meta-llama/Llama-3.1-8B"})
    CHECK(v("generic-secret", s) == Validity::Invalid);
  // Provider-shaped values belong to their own rules.
  CHECK(v("generic-secret", std::string("gh") + "p_" + filler(36, kAlnum)) == Validity::Invalid);
  CHECK(v("generic-secret", std::string("ey") + "J" + filler(40, kAlnum)) == Validity::Invalid);
}

TEST_CASE("url passwords: defaults and templates are not findings") {
  CHECK(v("url-password", std::string("pass") + "word") == Validity::Invalid);
  CHECK(v("url-password", "postgres") == Validity::Invalid);
  CHECK(v("url-password", "change" "me") == Validity::Invalid);
  CHECK(v("url-password", filler(16, kAlnum)) == Validity::NotApplicable);
}

TEST_CASE("every validator name is known, and only those") {
  for (auto& name : keyward::validator_names()) CHECK(keyward::is_known_validator(name));
  CHECK(keyward::is_known_validator(""));
  CHECK_FALSE(keyward::is_known_validator("no-such-validator"));
  CHECK(keyward::validate("no-such-validator", "x").validity == Validity::NotApplicable);
}
