#include "check.h"
#include "base64.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "json_cursor.h"
#include "sigv4.h"

namespace keyward {
namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}


// A secret goes into a header or a JSON string as it is: anything that could end either
// (a line break, a quote, a backslash, a control byte) is refused rather than escaped.
bool safe_to_send(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  return true;
}

using JT = JsonCursor::Type;

// The scalar at the cursor as text: strings unescaped, numbers and booleans spelled.
bool json_scalar(JsonCursor& c, std::string* s) {
  switch (c.peek()) {
    case JT::String: {
      JsonCursor::Span raw;
      if (!c.string(&raw)) return false;
      *s = JsonCursor::unescape(c.text().substr(raw.first, raw.second - raw.first));
      return true;
    }
    case JT::Number: {
      std::string raw(c.raw_value());
      if (raw.empty()) return false;
      int64_t iv;
      uint64_t uv;
      const char* end = raw.data() + raw.size();
      if (auto r = std::from_chars(raw.data(), end, iv); r.ec == std::errc() && r.ptr == end) {
        *s = std::to_string(iv);
      } else if (auto r2 = std::from_chars(raw.data(), end, uv); r2.ec == std::errc() && r2.ptr == end) {
        *s = std::to_string(uv);
      } else {
        *s = fmt::format("{}", std::strtod(raw.c_str(), nullptr));
      }
      return true;
    }
    case JT::True:
    case JT::False:
      *s = c.peek() == JT::True ? "true" : "false";
      return c.skip();
    default: return false;
  }
}

bool json_value_at(JsonCursor& c, const std::vector<std::string>& keys, size_t i, std::string* out) {
  if (i == keys.size()) {
    if (c.peek() != JT::Array) return json_scalar(c, out);
    std::string joined;
    c.array([&] {
      std::string s;
      if (json_scalar(c, &s)) joined += (joined.empty() ? "" : ", ") + s;
    });
    *out = joined;
    return c.ok();
  }
  if (c.peek() != JT::Object) return false;
  bool seen = false, found = false;
  c.object([&](std::string_view key) {
    if (seen || key != keys[i]) return;
    seen = true;  // the first member of that name
    found = json_value_at(c, keys, i + 1, out);
  });
  return found;
}

// A JSON value at a dotted path ("auth.accessToken.role") as text: strings as they are,
// numbers and booleans spelled, arrays of scalars joined with ", ".
bool json_at(std::string_view body, const std::string& path, std::string* out) {
  std::vector<std::string> keys;
  for (size_t i = 0; i <= path.size();) {
    size_t dot = path.find('.', i);
    if (dot == std::string::npos) dot = path.size();
    keys.push_back(path.substr(i, dot - i));
    i = dot + 1;
  }
  JsonCursor c(body);
  return json_value_at(c, keys, 0, out);
}

std::string xml_at(const std::string& body, const std::string& tag) {
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t b = body.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  size_t e = body.find(close, b);
  return e == std::string::npos ? "" : body.substr(b, e - b);
}

// What a remote server said, made fit to print: no control bytes (an escape sequence
// could rewrite the terminal), bounded, and never anything holding the secret. UTF-8 is
// kept (a team name); the reporters repair what the bound cuts.
std::string harmless(std::string v, const std::string& secret) {
  if (!secret.empty() && v.find(secret) != std::string::npos) return "";
  std::string out;
  for (unsigned char c : v)
    if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
  if (out.size() > 120) out = out.substr(0, 117) + "...";
  return out;
}

}  // namespace

std::string url_host(const std::string& url) {
  auto s = url.find("://");
  if (s == std::string::npos) return "";
  std::string rest = url.substr(s + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

Result<HttpRequest> build_request(const HttpCheck& c, const std::string& secret, const std::string& pair,
                                  const Endpoint& where, const std::string& amz_date) {
  if (c.url.rfind("https://", 0) != 0) return Error{"the rule's verification URL is not https://"};
  if (!safe_to_send(secret) || !safe_to_send(pair))
    return Error{"the secret holds characters that cannot be sent safely"};
  if (c.kind == "aws-sigv4" && pair.empty()) return Error{"its access key id was not found next to it"};
  HttpRequest req;
  req.method = c.method;
  req.url = c.url;
  if (!where.test_base.empty()) {
    // scheme://host[:port] replaced; path and query kept.
    std::string rest = c.url.substr(8);
    size_t slash = rest.find('/');
    req.url = where.test_base + (slash == std::string::npos ? "/" : rest.substr(slash));
  }
  auto fill = [&](const std::string& t) { return replace_all(replace_all(t, "{secret}", secret), "{pair}", pair); };
  for (auto& h : c.headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos) return Error{"a verification header has no ':'"};
    std::string name = h.substr(0, colon), value = h.substr(colon + 1);
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    req.headers.emplace_back(name, fill(value));
  }
  if (!c.basic_auth.empty()) req.headers.emplace_back("Authorization", "Basic " + base64_encode(fill(c.basic_auth)));
  req.body = fill(c.body);
  if (c.kind == "aws-sigv4") {
    SigV4Key key{pair, secret, c.region, c.service};
    // Signed for the provider's own host even when a test redirects the request: the
    // signature is the same computation either way.
    HttpRequest signed_req = req;
    signed_req.url = c.url;
    sigv4_sign(signed_req, key, amz_date);
    req.headers = signed_req.headers;
  }
  return req;
}

Verdict classify(const HttpCheck& c, const HttpResponse& r, const std::string& secret) {
  Verdict v;
  v.status = "unknown";
  if (r.status == 0) {
    v.reason = r.error.empty() ? "no answer" : r.error;
    return v;
  }
  if (r.status == 429) {
    v.reason = "rate limited";  // never retried: a retry could lock the account out
    return v;
  }
  bool is_live = std::find(c.live.begin(), c.live.end(), r.status) != c.live.end();
  bool is_invalid = std::find(c.invalid.begin(), c.invalid.end(), r.status) != c.invalid.end();
  bool json = JsonCursor::valid(r.body);
  if (is_invalid) {
    v.status = "invalid";
    v.reason = c.note.empty() ? fmt::format("the provider answered HTTP {}", r.status)
                              : fmt::format("{} (HTTP {})", c.note, r.status);
    return v;
  }
  if (!is_live) {
    v.reason = r.status >= 500 ? fmt::format("the provider is unavailable (HTTP {})", r.status)
                               : fmt::format("unexpected answer (HTTP {})", r.status);
    return v;
  }
  bool needs_json = !c.live_if.empty();
  for (auto& id : c.identity) {
    std::string src = id.substr(id.find('=') + 1);
    if (src.rfind("header:", 0) != 0 && src.rfind("xml:", 0) != 0) needs_json = true;
  }
  if (needs_json && !json) {
    v.reason = "malformed answer from the provider";
    return v;
  }
  if (!c.live_if.empty()) {
    auto eq = c.live_if.find('=');
    std::string got;
    if (!json_at(r.body, c.live_if.substr(0, eq), &got) || got != c.live_if.substr(eq + 1)) {
      std::string why;
      if (!c.reason_field.empty()) json_at(r.body, c.reason_field, &why);
      why = harmless(why, secret);
      v.status = "invalid";
      v.reason = why.empty() ? "the provider says it is not valid" : "the provider says: " + why;
      return v;
    }
  }
  v.status = "live";
  for (auto& id : c.identity) {
    auto eq = id.find('=');
    std::string label = id.substr(0, eq), src = id.substr(eq + 1), value;
    if (src.rfind("header:", 0) == 0) {
      std::string name = src.substr(7);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      value = r.header(name);
    } else if (src.rfind("xml:", 0) == 0) {
      value = xml_at(r.body, src.substr(4));
    } else if (json) {
      json_at(r.body, src, &value);
    }
    value = harmless(value, secret);
    if (!value.empty()) v.identity.emplace_back(label, value);
  }
  return v;
}

}  // namespace keyward
