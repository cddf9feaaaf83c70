// decode_blob through the real Scanner: a rule set with only the Hugging Face rules,
// compiled once into a temporary directory.
#include "decoders.h"
#include "base64.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "engine.h"
#include "engine_testing.h"
#include "testing.h"

using namespace keyward;
namespace fs = std::filesystem;

namespace {

std::vector<Finding> scan(const std::string& path, const std::string& data, BlobFacts* facts = nullptr) {
  return testing::scan_blob(testing::hf_engine(), path, data, facts);
}

std::string b64(const std::string& in) { return base64_encode(in); }

}  // namespace

TEST_CASE("decode_blob: LFS pointers are not scanned, never flagged", "[decoders]") {
  std::string lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'a') +
                    "\nsize 123\n";
  BlobFacts f;
  CHECK(decode_blob("model.bin", lfs, f).empty());
  CHECK_FALSE(f.not_scanned.empty());
  BlobFacts g;
  CHECK(scan("model.bin", lfs, &g).empty());
  CHECK_FALSE(g.not_scanned.empty());
}

TEST_CASE("decode_blob: nothing to decode means only the raw view", "[decoders]") {
  BlobFacts f;
  auto v = decode_blob("a.py", "x = 1\nprint('hello world')\n", f);
  REQUIRE(v.size() == 1);
  CHECK(v[0].decoded.empty());
}

TEST_CASE("scanner: notebook findings carry cell and line, for list and string sources", "[decoders]") {
  std::string t1 = testing::fake_hf_token(11), t2 = testing::fake_hf_token(12), t3 = testing::fake_hf_token(13);
  std::string png = b64(std::string(600, '\x89') + "hf_" + std::string(40, 'Q') + std::string(600, '\x01'));
  std::string nb = "{\n \"cells\": [\n  {\"cell_type\": \"markdown\", \"source\": [\"# T\\n\"]},\n"
                   "  {\"cell_type\": \"code\", \"source\": [\"import os\\n\", \"tok = \\\"" + t1 + "\\\"\\n\"],\n"
                   "   \"outputs\": [{\"output_type\": \"stream\", \"text\": [\"a\\n\", \"b\\n\", \"got " + t2 + "\\n\"]},\n"
                   "    {\"output_type\": \"display_data\", \"data\": {\"image/png\": \"" + png + "\"}}]},\n"
                   "  {\"cell_type\": \"code\", \"source\": \"a = 1\\nb = 2\\n" + t3 + "\"}\n"
                   " ],\n \"nbformat\": 4\n}\n";
  auto fs = scan("nb.ipynb", nb);
  REQUIRE(fs.size() == 3);
  CHECK(fs[0].secret == t1);
  CHECK(fs[0].cell == 2);
  CHECK(fs[0].cell_line == 2);
  CHECK(fs[0].line == 4);
  CHECK(fs[0].column == nb.find(t1) - nb.rfind('\n', nb.find(t1)));
  CHECK(fs[1].secret == t2);
  CHECK(fs[1].cell == 2);
  CHECK(fs[1].cell_line == 3);
  // Found in the json-escape view (the raw text reads "\nhf_..."), reported where it lies.
  CHECK(fs[2].secret == t3);
  CHECK(fs[2].cell == 3);
  CHECK(fs[2].cell_line == 3);
  CHECK(fs[2].offset == nb.find(t3));
}

TEST_CASE("scanner: a malformed notebook is scanned as text", "[decoders]") {
  std::string t = testing::fake_hf_token(14);
  std::string nb = "{\"cells\": [{\"source\": [\"tok = '" + t + "'\\n\"]}, ";
  BlobFacts f;
  auto fs = scan("broken.ipynb", nb, &f);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].cell == 0);
  CHECK(f.cells.empty());
}

TEST_CASE("scanner: \\u-escaped token is found at the escape", "[decoders]") {
  std::string t = testing::fake_hf_token(15);
  std::string d = "{\n  \"token\": \"\\u0068" + t.substr(1) + "\"\n}\n";
  auto fs = scan("c.json", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].secret == t);
  CHECK(fs[0].decoded == "json-escape");
  CHECK(fs[0].line == 2);
  CHECK(fs[0].column == 13);
  CHECK(fs[0].offset == d.find("\\u0068"));
}

TEST_CASE("scanner: Docker config basic auth is decoded from base64", "[decoders]") {
  std::string t = testing::fake_hf_token(16);
  std::string run = b64("robot:" + t);
  std::string d = "{\n \"auths\": {\n  \"registry.test\": {\n   \"auth\": \"" + run + "\"\n  }\n }\n}\n";
  auto fs = scan("config.json", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].secret == t);
  CHECK(fs[0].decoded == "base64");
  CHECK(fs[0].line == 4);
  CHECK(fs[0].offset >= d.find(run));
  CHECK(fs[0].end_offset <= d.find(run) + run.size());
}

TEST_CASE("scanner: UTF-16 with BOM is located in its text", "[decoders]") {
  std::string t = testing::fake_hf_token(17);
  std::string text = "first line\r\nHF_TOKEN=" + t + "\r\n";
  for (bool le : {true, false}) {
    std::string d = le ? "\xFF\xFE" : "\xFE\xFF";
    for (char c : text) {
      d += le ? c : '\0';
      d += le ? '\0' : c;
    }
    auto fs = scan("win.txt", d);
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].secret == t);
    CHECK(fs[0].decoded == "utf-16");
    CHECK(fs[0].line == 2);
    CHECK(fs[0].column == 10);
    CHECK(fs[0].context.find('\0') == std::string::npos);
    CHECK(fs[0].offset == 2 + 2 * text.find(t));
  }
}

TEST_CASE("scanner: NUL bytes, CRLF and a UTF-8 BOM do not hide a token", "[decoders]") {
  std::string t = testing::fake_hf_token(18);
  std::string d = std::string("\x00\x01\x02 bin\x00", 8) + "\r\nkey=" + t + "\r\n";
  auto fs = scan("blob.bin", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].line == 2);
  CHECK(fs[0].column == 5);
  // A UTF-8 BOM is not text a person sees: line 1's columns start after it.
  auto gs = scan("bom.env", "\xEF\xBB\xBFHF_TOKEN=" + t + "\r\n");
  REQUIRE(gs.size() == 1);
  CHECK(gs[0].column == 10);
  CHECK(gs[0].column_utf16 == 10);
  CHECK(gs[0].end_column_utf16 == 10 + t.size());
  CHECK(gs[0].context.back() != '\r');
  CHECK(gs[0].context.rfind("HF_TOKEN=", 0) == 0);
}

TEST_CASE("scanner: a lone CR ends a line, CRLF is one line end", "[decoders]") {
  std::string t = testing::fake_hf_token(20);
  auto fs = scan("mac.env", "A=1\rB=2\r\rHF_TOKEN=" + t + "\rC=3\r");
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].line == 4);
  CHECK(fs[0].column == 10);
  CHECK(fs[0].end_line == 4);
  CHECK(fs[0].context == "HF_TOKEN=" + t);
  fs = scan("mixed.env", "A=1\r\nB=2\rC=3\nHF_TOKEN=" + t + "\r\n");
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].line == 4);
  CHECK(fs[0].column == 10);
}

TEST_CASE("scanner: FF FE before 8-bit text is scanned as the bytes it is", "[decoders]") {
  std::string t = testing::fake_hf_token(21);
  std::string d = "\xFF\xFE" "A=1\nHF_TOKEN=" + t + "\n";
  auto fs = scan("odd.env", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].decoded == "");
  CHECK(fs[0].line == 2);
  CHECK(fs[0].column == 10);
  CHECK(fs[0].column_utf16 == 10);
  CHECK(fs[0].offset == d.find(t));
}

TEST_CASE("scanner: an 8-bit line after UTF-16 text is located in its bytes", "[decoders]") {
  std::string t = testing::fake_hf_token(22);
  std::string d = "\xFF\xFE";
  for (int i = 0; i < 50; ++i)
    for (char c : std::string("the quick brown fox\r\n")) d += c, d += '\0';
  d += "HF_TOKEN=" + t + "\n";
  auto fs = scan("mixed.txt", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].line == 51);
  CHECK(fs[0].column == 10);
  CHECK(fs[0].end_column == 10 + t.size());
  CHECK(fs[0].offset == d.find(t));
  CHECK(fs[0].context == "HF_TOKEN=" + t);
}

TEST_CASE("scanner: UTF-16 without BOM, UTF-32, UTF-16 in binary, PowerShell -enc", "[decoders]") {
  std::string t = testing::fake_hf_token(23);
  std::string text = "# \xE4\xB8\x8A\r\nHF_TOKEN=" + t + "\r\n";  // U+4E0A before the token
  std::u32string cps = {'#', ' ', 0x4E0A, '\r', '\n'};
  for (char c : "HF_TOKEN=" + t + "\r\n") cps += static_cast<char32_t>(c);
  for (bool le : {true, false}) {
    std::string u16, u32;
    for (char32_t c : cps) {
      for (int k = 0; k < 2; ++k) u16 += static_cast<char>(c >> (8 * (le ? k : 1 - k)));
      for (int k = 0; k < 4; ++k) u32 += static_cast<char>(c >> (8 * (le ? k : 3 - k)));
    }
    for (auto [d, kind] : {std::pair{u16, "utf-16"}, {u32, "utf-32"}, {std::string(le ? "\xFF\xFE\0\0" : "\0\0\xFE\xFF", 4) + u32, "utf-32"}}) {
      auto fs = scan("w.txt", d);
      REQUIRE(fs.size() == 1);
      CHECK(fs[0].decoded == kind);
      CHECK(fs[0].line == 2);
      CHECK(fs[0].column == 10);
    }
    // UTF-16 strings inside a binary: found, located in the bytes.
    std::string bin = std::string("\x7F" "ELF\x02\x01\x01\0\0\0\xFF\xFE\x13", 14) + u16.substr(10) + std::string(8, '\0');
    auto fs = scan("tool.exe", bin);
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].decoded == "utf-16");
    CHECK(fs[0].secret == t);
  }
  std::string cmd;
  for (char c : "$env:HF_TOKEN='" + t + "'") cmd += c, cmd += '\0';
  std::string ps = "@echo off\npowershell -NoProfile -EncodedCommand " + b64(cmd) + "\n";
  auto fs = scan("run.cmd", ps);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].decoded == "powershell-encoded-command");
  CHECK(fs[0].line == 2);
  CHECK(fs[0].offset >= ps.find(b64(cmd)));
}

TEST_CASE("scanner: locate clamps offsets past the text instead of throwing", "[decoders]") {
  std::vector<Finding> fs(2);
  fs[0].offset = 500, fs[0].end_offset = 540;
  fs[1].offset = 3, fs[1].end_offset = 900;
  REQUIRE_NOTHROW(locate("short\ntext", fs));
  for (auto& f : fs) CHECK(f.line >= 1);
}

TEST_CASE("scanner: a 20,000-character line shows a window around the secret", "[decoders]") {
  std::string t = testing::fake_hf_token(19);
  std::string d;
  while (d.size() < 10000) d += "var a=1;";
  d += "var t=\"" + t + "\";";
  while (d.size() < 20000) d += "var b=2;";
  auto fs = scan("app.min.js", d);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].column == d.find(t) + 1);
  CHECK(fs[0].context.size() < 2 * 80 + t.size() + 8);
  CHECK(fs[0].context.substr(fs[0].context_secret_begin, t.size()) == t);
}

TEST_CASE("decode_blob: limits bound the decoded bytes, and a blob over them is not passed", "[decoders]") {
  std::string d;
  for (int i = 0; i < 2000; ++i) d += "\"k\": \"\\u0041" + std::string(200, 'x') + "\"\n";
  BlobFacts f;
  DecodeLimits small;
  small.base_decoded_bytes = 4096;
  small.per_byte = 0;
  size_t total = 0;
  for (auto& v : decode_blob("a.json", d, f, small)) total += v.storage.size();
  CHECK(total < 4096 + 2 * 1100 + 512);
  CHECK_THAT(f.incomplete, Catch::Contains("json-escape") && Catch::Contains("budget"));
  // With the default limits, which grow with the blob, the same blob decodes in full.
  BlobFacts g;
  decode_blob("a.json", d, g);
  CHECK(g.incomplete.empty());
}
