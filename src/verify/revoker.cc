#include "revoker.h"

#include <algorithm>

#include <fmt/format.h>

namespace keyward {

RevokeOutcome revoke_secret(const HttpCheck& c, const std::string& secret, const Transport& transport,
                            const Endpoint& where) {
  RevokeOutcome out;
  auto req = build_request(c, secret, "", where, "");
  if (!req) {
    out.detail = "not sent: " + req.error();
    return out;
  }
  HttpResponse res = transport(*req);  // once: never retried
  if (res.status == 0) {
    out.detail = "not revoked: " + res.error;
    return out;
  }
  if (res.status == 429) {
    out.detail = "not revoked: rate limited (try again later)";
    return out;
  }
  if (std::find(c.live.begin(), c.live.end(), res.status) != c.live.end()) {
    out.requested = true;
    out.detail = fmt::format("revocation requested (HTTP {})", res.status);
    return out;
  }
  out.detail = fmt::format("not revoked: the provider answered HTTP {}", res.status);
  return out;
}

}  // namespace keyward
