#include "http_client.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

namespace keyward {
namespace {

struct Sink {
  std::string* body;
  size_t max;
  bool cut = false;
};

size_t on_body(char* p, size_t size, size_t n, void* ctx) {
  auto* s = static_cast<Sink*>(ctx);
  size_t len = size * n;
  size_t room = s->max > s->body->size() ? s->max - s->body->size() : 0;
  if (len > room) {
    s->body->append(p, room);
    s->cut = true;
    return 0;  // stops the transfer (CURLE_WRITE_ERROR): nothing more is read
  }
  s->body->append(p, len);
  return len;
}

size_t on_header(char* p, size_t size, size_t n, void* ctx) {
  auto* h = static_cast<std::vector<std::pair<std::string, std::string>>*>(ctx);
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos && h->size() < 200) {
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto trim = [](std::string& s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      size_t i = 0;
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      s.erase(0, i);
    };
    trim(value);
    h->emplace_back(name, value);
  } else if (line.rfind("HTTP/", 0) == 0) {
    h->clear();  // a new response (after 100 Continue or a proxy's CONNECT): only the last counts
  }
  return size * n;
}

// The words a person reads for a libcurl error; never the URL (a test override may name a
// path) and never a header.
std::string why(const CurlApi& api, int rc) {
  switch (rc) {
    case curl::kErrCouldntResolveHost: return "cannot resolve the provider's host (no network?)";
    case curl::kErrCouldntResolveProxy: return "cannot resolve the proxy (HTTPS_PROXY)";
    case curl::kErrCouldntConnect: return "cannot connect (no network, or a firewall)";
    case curl::kErrTimedOut: return "timed out";
    default: return api.easy_strerror(rc);
  }
}

}  // namespace

HttpResponse HttpClient::send(const HttpRequest& req) const {
  const CurlApi& api = curl_.api();
  HttpResponse res;
  if (req.url.rfind("https://", 0) != 0) {
    res.error = "refused: not an https:// URL";
    return res;
  }
  std::unique_ptr<void, void (*)(void*)> h(api.easy_init(), api.easy_cleanup);
  if (!h) {
    res.error = "libcurl could not start a request";
    return res;
  }
  struct SlistFree {
    void (*free)(void*);
    void operator()(void* p) const { if (p) free(p); }
  };
  std::unique_ptr<void, SlistFree> headers(nullptr, SlistFree{api.slist_free_all});
  for (auto& [k, v] : req.headers) {
    std::string line = k + ": " + v;
    void* next = api.slist_append(headers.get(), line.c_str());
    if (!next) {
      res.error = "out of memory";
      return res;
    }
    headers.release();
    headers.reset(next);
  }
  // libcurl sends "Expect: 100-continue" for some bodies; an empty value turns it off.
  if (void* next = api.slist_append(headers.get(), "Expect:")) {
    headers.release();
    headers.reset(next);
  }
  void* c = h.get();
  char errbuf[256] = {0};
  Sink sink{&res.body, opts_.max_body};
  int rc = curl::kOk;
  auto set = [&](int opt, auto value) {
    if (rc == curl::kOk) rc = api.easy_setopt(c, opt, value);
  };
  set(curl::kOptUrl, req.url.c_str());
  set(curl::kOptNoSignal, 1L);  // threads: no SIGALRM for timeouts
  set(curl::kOptFollowLocation, 0L);
  set(curl::kOptTimeoutMs, opts_.timeout_ms);
  set(curl::kOptConnectTimeoutMs, opts_.timeout_ms);
  set(curl::kOptErrorBuffer, static_cast<char*>(errbuf));
  set(curl::kOptUserAgent, "keyward/" KEYWARD_VERSION " (secret verification)");
  set(curl::kOptHttpHeader, headers.get());
  set(curl::kOptWriteFunction, &on_body);
  set(curl::kOptWriteData, static_cast<void*>(&sink));
  set(curl::kOptHeaderFunction, &on_header);
  set(curl::kOptHeaderData, static_cast<void*>(&res.headers));
  if (!opts_.ca_bundle.empty()) set(curl::kOptCaInfo, opts_.ca_bundle.c_str());
  if (rc != curl::kOk) {
    res.error = fmt::format("libcurl refused an option ({})", api.easy_strerror(rc));
    return res;
  }
  // TLS only, also through a proxy; libcurl before 7.85 has only the bit-mask form.
  if (api.easy_setopt(c, curl::kOptProtocolsStr, "https") != curl::kOk &&
      api.easy_setopt(c, curl::kOptProtocols, curl::kProtoHttps) != curl::kOk) {
    res.error = "libcurl cannot be restricted to https";
    return res;
  }
  if (req.method == "GET") {
    set(curl::kOptHttpGet, 1L);
  } else {
    if (req.method != "POST") set(curl::kOptCustomRequest, req.method.c_str());
    set(curl::kOptPostFields, req.body.c_str());
    set(curl::kOptPostFieldSize, static_cast<long>(req.body.size()));
  }
  if (rc != curl::kOk) {
    res.error = fmt::format("libcurl refused an option ({})", api.easy_strerror(rc));
    return res;
  }
  rc = api.easy_perform(c);
  if (rc != curl::kOk) {
    res.timed_out = rc == curl::kErrTimedOut;
    res.error = rc == curl::kErrWrite && sink.cut ? "the answer is too large" : why(api, rc);
    res.body.clear();
    return res;
  }
  long code = 0;
  api.easy_getinfo(c, curl::kInfoResponseCode, &code);
  res.status = static_cast<int>(code);
  return res;
}

}  // namespace keyward
