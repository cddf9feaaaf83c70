// Binary data: URIs are payloads to skip; text ones are not.
#include "data_uri.h"
#include "base64.h"

#include <catch2/catch.hpp>
#include <string>

using namespace keyward;

namespace {

std::string b64(const std::string& in) { return base64_encode(in); }

// A few hundred bytes of a RIFF/WAVE header and samples: binary.
std::string wav() {
  std::string s = "RIFF\x24\x08\x00\x00WAVEfmt ";
  for (int i = 0; i < 300; ++i) s += static_cast<char>((i * 37 + 11) & 0xFF);
  return s;
}

}  // namespace

TEST_CASE("data URIs: binary media payloads are skipped", "[decode][datauri]") {
  std::string payload = b64(wav());
  std::string html = "<audio controls><source src=\"data:audio/wav;base64," + payload + "\" type=\"audio/wav\"></audio>";
  SkipSpans skip;
  add_binary_data_uris(html, skip);
  REQUIRE(skip.size() == 1);
  CHECK(html.substr(skip[0].first, skip[0].second - skip[0].first) == payload);
  // Parameters before ;base64, and upper-case schemes are the same URI.
  skip.clear();
  add_binary_data_uris("url(DATA:image/png;name=x.png;base64," + payload + ")", skip);
  CHECK(skip.size() == 1);
}

TEST_CASE("data URIs: text payloads and text under a binary label are not skipped", "[decode][datauri]") {
  std::string text = b64("HF_TOKEN=this is a text payload a person can read, long enough to matter\n");
  SkipSpans skip;
  add_binary_data_uris("<a href=\"data:text/plain;base64," + text + "\">x</a>", skip);
  add_binary_data_uris("<a href=\"data:application/json;base64," + text + "\">x</a>", skip);
  add_binary_data_uris("<img src=\"data:image/png;base64," + text + "\">", skip);  // labelled binary, is text
  add_binary_data_uris("see ;base64, and data: apart", skip);
  add_binary_data_uris(";base64,", skip);
  CHECK(skip.empty());
}
