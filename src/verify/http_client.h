// HTTPS requests over libcurl (loaded at run time, curl_library.h): TLS only, peer and
// host verified, no redirects (a secret must never follow one to another host), one
// timeout for the whole request, HTTPS_PROXY/NO_PROXY honoured as libcurl does.
#pragma once
#include <string>

#include "curl_library.h"
#include "http.h"

namespace keyward {

struct HttpOptions {
  long timeout_ms = 5000;   // the whole request, connecting included
  std::string ca_bundle;    // "" = the system's; set only by the test-only KEYWARD_TEST_CA_BUNDLE
  size_t max_body = 1 << 20;  // a provider's answer is small; more is cut off (and not parsed)
};

class HttpClient {
 public:
  HttpClient(const CurlLibrary& curl, HttpOptions opts) : curl_(curl), opts_(std::move(opts)) {}
  // Thread-safe: each call has its own easy handle.
  HttpResponse send(const HttpRequest& req) const;
  Transport transport() const {
    return [this](const HttpRequest& r) { return send(r); };
  }

 private:
  const CurlLibrary& curl_;
  HttpOptions opts_;
};

}  // namespace keyward
