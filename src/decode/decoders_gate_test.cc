// The decoder gates (triggers.h) skip work, never a decoding: decode_blob gated and
// ungated must give the same views and facts for any input. Views equal, the scanner's
// findings are equal too (it matches only the views, and reads only the facts besides).
// Generated inputs: a token in every encoding a decoder reads, at every offset of the
// first 48 bytes, followed by 0 to 17 bytes (so it ends at and around the 16-byte steps of
// the vector loops), and random blobs drawn from the bytes the triggers look for.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base64_decoder.h"
#include "base64.h"
#include "decoders.h"
#include "engine_testing.h"
#include "testing.h"
#include "triggers.h"

using namespace keyward;

namespace {

std::string b64(const std::string& in, bool url = false) { return base64_encode(in, url); }

std::string wrap(const std::string& s, size_t width) {
  std::string out;
  for (size_t i = 0; i < s.size(); i += width) out += s.substr(i, width) + "\n";
  return out;
}

std::string utf16(const std::string& s, bool le) {
  std::string out;
  for (char c : s) out += le ? std::string{c, '\0'} : std::string{'\0', c};
  return out;
}

std::string utf32(const std::string& s, bool le) {
  std::string out;
  for (char c : s) out += le ? std::string{c, '\0', '\0', '\0'} : std::string{'\0', '\0', '\0', c};
  return out;
}

std::string hex_escapes(const std::string& s, const char* fmt) {
  std::string out;
  char buf[16];
  for (unsigned char c : s) {
    snprintf(buf, sizeof buf, fmt, c);
    out += buf;
  }
  return out;
}

// Every encoding of the line `tok` that some decoder reads.
std::vector<std::pair<std::string, std::string>> encodings(const std::string& tok) {
  std::string line = "HF_TOKEN=" + tok;
  std::vector<std::pair<std::string, std::string>> e = {
      {"plain", line},
      {"base64", b64(line)},
      {"base64 url-safe", b64(line, true)},
      {"base64 wrapped", wrap(b64(line + " and some more text to wrap it over several lines of base64"), 64)},
      {"base64 x2", b64(b64(line))},
      {"base64 after a short run's padding", "ab==" + b64(line)},
      {"base64 after one '='", "ab=" + b64(line)},
      {"base64 after '='", "key=" + b64(line)},
      {"json \\u00XX", "\"" + hex_escapes(tok, "\\u%04x") + "\""},
      {"json glued \\n", "\"a\\n" + tok + "\""},
      {"json \\/", "\"https:\\/\\/x\\/" + tok + "\""},
      {"\\xNN", "b'\\x00\\x10" + tok + "'"},
      {"url", "t=" + hex_escapes(tok, "%%%02X")},
      {"html", "<p>" + hex_escapes(tok, "&#x%x;") + "</p>"},
      {"html decimal", "<p>" + hex_escapes(tok, "&#%d;") + "</p>"},
      {"ansi", "INFO \x1b[32m" + tok + "\x1b[0m"},
      {"quoted-printable", "HF_TOKEN=3D" + tok.substr(0, 10) + "=\n" + tok.substr(10)},
      {"quoted-printable header", "Content-Transfer-Encoding: quoted-printable\n\nx=\r\n" + line},
      {"QUOTED-PRINTABLE header", "CONTENT-TRANSFER-ENCODING: QUOTED-PRINTABLE\n\nx=\n" + line},
      {"Quoted-Printable header", "Content-Transfer-Encoding: Quoted-Printable\n\nx=\n" + line},
      {"utf-16le", utf16(line, true)},
      {"utf-16be", utf16(line, false)},
      {"utf-16le bom", "\xFF\xFE" + utf16(line, true)},
      {"utf-16be bom", "\xFE\xFF" + utf16(line, false)},
      {"utf-32le", utf32(line, true)},
      {"utf-32be", utf32(line, false)},
      {"utf-32le bom", std::string("\xFF\xFE\0\0", 4) + utf32(line, true)},
      {"powershell", "powershell -EncodedCommand " + b64(utf16("echo " + line, true))},
      {"powershell /e", "cmd /e:" + b64(utf16("echo " + line, true))},
      {"data uri text", "<img src=\"data:text/plain;base64," + b64(line) + "\">"},
      {"data uri binary", "<img src=\"data:image/png;base64," + b64(std::string(60, '\x89') + "\x01\x02") + "\">" +
                              tok},
  };
  return e;
}

void require_same(const std::string& what, const std::string& data) {
  BlobFacts fg, fu;
  DecodeLimits gated, ungated;
  ungated.gated = false;
  std::vector<View> g = decode_blob("x.txt", data, fg, gated);
  std::vector<View> u = decode_blob("x.txt", data, fu, ungated);
  INFO(what << " (" << data.size() << " bytes)");
  REQUIRE(g.size() == u.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("view " << i << " " << u[i].decoded);
    REQUIRE(g[i].decoded == u[i].decoded);
    REQUIRE(g[i].text() == u[i].text());
    REQUIRE(g[i].whole_text == u[i].whole_text);
    REQUIRE(g[i].map.size() == u[i].map.size());
    for (size_t k = 0; k < g[i].map.size(); ++k) {
      const OffsetPiece &a = g[i].map[k], &b = u[i].map[k];
      REQUIRE((a.view == b.view && a.orig == b.orig && a.orig_end == b.orig_end && a.exact == b.exact &&
               a.stride == b.stride && a.group == b.group));
    }
  }
  REQUIRE(fg.skip == fu.skip);
  REQUIRE(fg.incomplete == fu.incomplete);
  REQUIRE(fg.not_scanned == fu.not_scanned);
}

}  // namespace

TEST_CASE("gated decoding equals ungated for a token in every encoding at every offset", "[decode][gate]") {
  std::string tok = testing::fake_hf_token(71);
  // Source text: long identifiers and paths (base64-shaped runs), '=' and '-' everywhere.
  const std::string filler =
      "def load_configuration_file(path_to_the_file='/usr/share/some-package/x.cfg'): x = a - b; return x\n";
  for (auto& [name, enc] : encodings(tok)) {
    for (size_t before = 0; before < 48; ++before)
      for (size_t after = 0; after < 18; ++after)
        require_same(name + " at " + std::to_string(before) + "+" + std::to_string(after),
                     filler.substr(0, before) + enc + filler.substr(0, after));
    // Alone, and deep in a blob of the vector loops' size.
    require_same(name + " alone", enc);
    require_same(name + " deep", filler + filler + filler + enc + "\n" + filler);
  }
}

TEST_CASE("the encodings the gate test uses are found by the scanner", "[decode][gate]") {
  // The corpus above is worth something only if these inputs hold findings: each form,
  // alone and gated (the default), is found.
  std::string tok = testing::fake_hf_token(72);
  for (auto& [name, enc] : encodings(tok)) {
    INFO(name);
    auto found = testing::try_scan(testing::hf_engine(), "x.txt", enc);
    REQUIRE(found);
    CHECK(!found->empty());
  }
}

TEST_CASE("gated decoding equals ungated on random blobs of trigger bytes", "[decode][gate]") {
  // Bytes every trigger and decoder reacts to, and base64 characters to make runs of.
  const std::string alphabet = std::string("AZaz09+/-_=\\%&#;bapPdDeE3x\x1b\n\r \t\"'uU:", 35) + std::string(3, '\0') +
                               "\xFF\xFE" + "QRSTabcdefghij";
  std::mt19937_64 rng(1234);
  for (int round = 0; round < 20000; ++round) {
    size_t n = rng() % (round % 10 == 0 ? 400 : 160);
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      // Mostly runs of base64 characters, else any byte of the alphabet.
      if (rng() % 3 == 0) {
        size_t run = rng() % 30;
        for (size_t k = 0; k < run && s.size() < n; ++k) s += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/"[rng() % 44];
      } else {
        s += alphabet[rng() % alphabet.size()];
      }
    }
    require_same("random blob " + std::to_string(round), s);
  }
}

TEST_CASE("next_base64_window finds the first run of kMinBase64Run base64 characters", "[decode][gate]") {
  auto naive = [](const std::string& s, size_t from) {
    size_t run = 0;
    for (size_t p = from; p < s.size(); ++p) {
      unsigned char c = static_cast<unsigned char>(s[p]);
      bool b = isalnum(c) || c == '+' || c == '/' || c == '-' || c == '_';
      run = b ? run + 1 : 0;
      if (run >= kMinBase64Run) return p + 1 - run;
    }
    return s.size();
  };
  std::mt19937_64 rng(99);
  for (int round = 0; round < 20000; ++round) {
    size_t n = rng() % 120;
    std::string s;
    while (s.size() < n) {
      size_t run = rng() % 26;
      for (size_t k = 0; k < run; ++k) s += "Ab9+/-_z"[rng() % 8];
      s += " .=\n\xC1\xE1@[`{"[rng() % 10];
    }
    size_t from = n ? rng() % (n + 1) : 0;
    INFO(round);
    REQUIRE(next_base64_window(s, from) == naive(s, from));
  }
}

TEST_CASE("a blob with no trigger needs no decoder", "[decode][gate]") {
  BlobTriggers t = find_triggers("int main(void) { return x + y; }  // short words only\n");
  CHECK_FALSE((t.nul || t.backslash || t.percent || t.html_ref || t.esc || t.qp || t.data_uri || t.ps_switch ||
               t.base64_run));
  CHECK(find_triggers(std::string(19, 'a')).base64_run == false);
  CHECK(find_triggers(std::string(20, 'a')).base64_run);
  CHECK(find_triggers("Content-Transfer-Encoding: quoted-printable").qp);
  CHECK(find_triggers("x=3d").qp);
  CHECK(find_triggers("-e").ps_switch);
  CHECK_FALSE(find_triggers("re-enable /x/etc").ps_switch);
}
