// ANSI escape sequences, quoted-printable, and the escapes of a Python bytes repr: each
// glues a letter or digit to a token in the raw text.
#include "line_decoders.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include "decoders.h"
#include "engine.h"
#include "engine_testing.h"
#include "escape_decoder.h"
#include "testing.h"

using namespace keyward;
namespace fs = std::filesystem;

namespace {

std::vector<Finding> scan(const std::string& path, const std::string& data) {
  return testing::scan_blob(testing::hf_engine(), path, data);
}

const SkipSpans kNoSkip;

}  // namespace

TEST_CASE("ansi: colour codes are removed, a space where two words would touch", "[line-decoders]") {
  std::string t = testing::fake_hf_token(201);
  std::string d = "start\n\x1b[32mINFO\x1b[0m token=\x1b[1m" + t + "\x1b[0m\nend\n";
  View v;
  std::string why;
  REQUIRE(decode_ansi_escapes(d, kNoSkip, 1 << 20, v, &why));
  CHECK(why.empty());
  CHECK(v.decoded == "ansi");
  CHECK(std::string(v.text()) == "INFO token=" + t + "\n");
  CHECK(v.to_orig(v.text().find(t), false) == d.find(t));
  CHECK(v.to_orig(v.text().find(t) + t.size(), true) == d.find(t) + t.size());
  View w;
  REQUIRE(decode_ansi_escapes("\x1b[31mOK\x1b[0m" + t + "\n", kNoSkip, 1 << 20, w, &why));
  CHECK(std::string(w.text()) == "OK " + t + "\n");
  // OSC 8 hyperlinks and charset selection.
  View x;
  REQUIRE(decode_ansi_escapes("\x1b]8;;https://x.test\x1b\\" + t + "\x1b]8;;\x07\x1b(B.\n", kNoSkip, 1 << 20, x, &why));
  CHECK(std::string(x.text()) == t + ".\n");
  View none;
  CHECK_FALSE(decode_ansi_escapes("no escapes here " + t + "\n", kNoSkip, 1 << 20, none, &why));
}

TEST_CASE("ansi: the budget fails closed", "[line-decoders]") {
  std::string d;
  for (int i = 0; i < 50; ++i) d += "\x1b[1mline " + std::to_string(i) + "\x1b[0m\n" + std::string(3000, '.') + "\n";
  View v;
  std::string why;
  decode_ansi_escapes(d, kNoSkip, 64, v, &why);
  CHECK_THAT(why, Catch::Contains("ansi") && Catch::Contains("budget"));
}

TEST_CASE("quoted-printable: =3D decoded, soft line breaks joined, only in quoted-printable text", "[line-decoders]") {
  std::string t = testing::fake_hf_token(202), u = testing::fake_hf_token(203);
  std::string d = "Content-Transfer-Encoding: quoted-printable\r\n\r\nHF_TOKEN=3D" + t + "\r\nB=3D" + u.substr(0, 20) +
                  "=\r\n" + u.substr(20) + "\r\n";
  View v;
  std::string why;
  REQUIRE(decode_quoted_printable(d, kNoSkip, 1 << 20, v, &why));
  CHECK(v.decoded == "quoted-printable");
  CHECK(v.text().find("HF_TOKEN=" + t + "\r\n") != std::string_view::npos);
  CHECK(v.text().find("B=" + u + "\r\n") != std::string_view::npos);
  size_t at = v.text().find(u);
  CHECK(v.to_orig(at, false) == d.find(u.substr(0, 20)));
  CHECK(v.to_orig(at + u.size(), true) == d.find(u.substr(20)) + u.size() - 20);
  // "=" before a newline or two hex digits in code is not quoted-printable.
  View w;
  CHECK_FALSE(decode_quoted_printable("EMPTY=\nCOLOR=FF0000\nX=1\n", kNoSkip, 1 << 20, w, &why));
}

TEST_CASE("escapes: Python's \\xNN and escaped ANSI colour codes", "[line-decoders]") {
  std::string t = testing::fake_hf_token(204);
  std::string d = "recv: b'\\x00\\x10" + t + "\\r\\n'\n";
  View v;
  REQUIRE(decode_json_escapes(d, kNoSkip, 1 << 20, v));
  CHECK(v.text().find(std::string("\x10", 1) + t + "\r\n") != std::string_view::npos);
  CHECK(v.to_orig(v.text().find(t), false) == d.find(t));
  std::string n = "{\"text\": [\"\\u001b[1;32m" + t + "\\u001b[0m\\n\", \"\\x1b[0m\"]}";
  View w;
  REQUIRE(decode_json_escapes(n, kNoSkip, 1 << 20, w));
  CHECK(w.text().find("\"" + t + "\n\"") != std::string_view::npos);
}

TEST_CASE("scanner: tokens behind ANSI codes, quoted-printable and a bytes repr are found where they lie",
          "[line-decoders][decoders]") {
  std::string t = testing::fake_hf_token(205);
  std::string nb = "{\n \"cells\": [\n  {\"cell_type\": \"code\", \"source\": [\"log(tok)\\n\"],\n"
                   "   \"outputs\": [{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": [\"\\u001b[1;32m" +
                   t + "\\u001b[0m\\n\"]}]}\n ],\n \"nbformat\": 4\n}\n";
  struct Case {
    std::string path, data;
    size_t at;
  };
  std::string qp_soft = "Content-Transfer-Encoding: quoted-printable\r\n\r\nHF_TOKEN=3D" + t.substr(0, 10) + "=\r\n" +
                        t.substr(10) + "\r\n";
  std::vector<Case> cases = {
      {"run.log", "\x1b[32mINFO\x1b[0m token=\x1b[1m" + t + "\x1b[0m\n", 0},
      {"nb.ipynb", nb, 0},
      {"mail.eml", "Content-Transfer-Encoding: quoted-printable\r\n\r\nHF_TOKEN=3D" + t + "\r\n", 0},
      {"soft.eml", qp_soft, qp_soft.find(t.substr(0, 10))},
      {"debug.log", "recv: b'\\x00\\x10" + t + "\\r\\n'\n", 0},
  };
  for (auto& c : cases) {
    INFO(c.path);
    auto fs = scan(c.path, c.data);
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].secret == t);
    CHECK(fs[0].offset == (c.at ? c.at : c.data.find(t)));
    if (c.path == "nb.ipynb") {
      CHECK(fs[0].cell == 1);
      CHECK(fs[0].cell_output);
    }
  }
}
