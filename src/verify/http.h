// One HTTPS request and its answer, as the verify layer sees them: plain values, so the
// logic that builds requests and reads answers is tested without a network.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace keyward {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // https:// only (HttpClient refuses anything else)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;  // 0 = no answer; error says why
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string error;       // "" or why there is no answer (timeout, cannot connect, TLS, ...)
  bool timed_out = false;
  std::string header(const std::string& lower_name) const {
    for (auto& [k, v] : headers)
      if (k == lower_name) return v;
    return "";
  }
};

// Sends one request; must be safe to call from several threads at once.
using Transport = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace keyward
