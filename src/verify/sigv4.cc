#include "sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

#include "sha256.h"

namespace keyward {
namespace {

std::string hex_sha256(std::string_view s) {
  Sha256 h;
  h.update(s);
  auto d = h.finish();
  return to_hex(d.data(), d.size());
}

std::string_view as_view(const std::array<uint8_t, 32>& a) {
  return std::string_view(reinterpret_cast<const char*>(a.data()), a.size());
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::array<uint8_t, 32> hmac_sha256_bytes(std::string_view key, std::string_view message) {
  return hmac_sha256(key, message);
}

std::array<uint8_t, 32> sigv4_signing_key(const SigV4Key& k, const std::string& date) {
  auto kdate = hmac_sha256_bytes("AWS4" + k.secret_access_key, date);
  auto kregion = hmac_sha256_bytes(as_view(kdate), k.region);
  auto kservice = hmac_sha256_bytes(as_view(kregion), k.service);
  return hmac_sha256_bytes(as_view(kservice), "aws4_request");
}

void sigv4_sign(HttpRequest& req, const SigV4Key& k, const std::string& amz_date) {
  // https://host[:port]/path?query
  std::string rest = req.url.substr(req.url.find("://") + 3);
  size_t slash = rest.find('/');
  std::string host = slash == std::string::npos ? rest : rest.substr(0, slash);
  std::string path_query = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t q = path_query.find('?');
  std::string path = q == std::string::npos ? path_query : path_query.substr(0, q);
  std::string query = q == std::string::npos ? "" : path_query.substr(q + 1);
  // Canonical query: parameters sorted by name (they are sent already encoded).
  std::vector<std::string> params;
  for (size_t i = 0; !query.empty() && i <= query.size();) {
    size_t amp = query.find('&', i);
    if (amp == std::string::npos) amp = query.size();
    std::string p = query.substr(i, amp - i);
    if (p.find('=') == std::string::npos) p += '=';
    params.push_back(p);
    i = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string canonical_query;
  for (size_t i = 0; i < params.size(); ++i) canonical_query += (i ? "&" : "") + params[i];

  req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                   [](const auto& h) {
                                     std::string n = lower(h.first);
                                     return n == "host" || n == "x-amz-date" || n == "authorization";
                                   }),
                    req.headers.end());
  req.headers.emplace_back("Host", host);
  req.headers.emplace_back("X-Amz-Date", amz_date);
  std::vector<std::pair<std::string, std::string>> canon;
  for (auto& [n, v] : req.headers) canon.emplace_back(lower(n), trim(v));
  std::sort(canon.begin(), canon.end());
  std::string canonical_headers, signed_headers;
  for (size_t i = 0; i < canon.size(); ++i) {
    canonical_headers += canon[i].first + ":" + canon[i].second + "\n";
    signed_headers += (i ? ";" : "") + canon[i].first;
  }
  std::string canonical_request = req.method + "\n" + path + "\n" + canonical_query + "\n" + canonical_headers +
                                  "\n" + signed_headers + "\n" + hex_sha256(req.body);
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + k.region + "/" + k.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + hex_sha256(canonical_request);
  auto sig = hmac_sha256_bytes(as_view(sigv4_signing_key(k, date)), to_sign);
  req.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + k.access_key_id + "/" + scope +
                                                ", SignedHeaders=" + signed_headers +
                                                ", Signature=" + to_hex(sig.data(), sig.size()));
}

std::string amz_date_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace keyward
