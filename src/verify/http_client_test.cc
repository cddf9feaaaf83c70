#include "http_client.h"

#include <catch2/catch.hpp>

using namespace keyward;

// No network here: only what is refused before anything is sent, and the loader itself.
TEST_CASE("http_client: libcurl loads at run time, or says why not", "[verify]") {
  auto curl = CurlLibrary::load();
  if (!curl) {
    CHECK(curl.error().find("libcurl.so.4") != std::string::npos);
    return;
  }
  HttpClient client(**curl, HttpOptions{});
  HttpRequest plain;
  plain.url = "http://127.0.0.1:9/";
  HttpResponse r = client.send(plain);
  CHECK(r.status == 0);
  CHECK(r.error.find("https") != std::string::npos);
}
