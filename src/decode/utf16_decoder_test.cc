#include "utf16_decoder.h"
#include "base64.h"

#include <catch2/catch.hpp>
#include <string>

#include "decoders.h"
#include "testing.h"

using namespace keyward;

namespace {
// UTF-16 of s; bom adds FF FE / FE FF.
std::string utf16(const std::u16string& s, bool le, bool bom = true) {
  std::string out = !bom ? "" : le ? std::string("\xFF\xFE") : std::string("\xFE\xFF");
  for (char16_t c : s) {
    char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
    out += le ? lo : hi;
    out += le ? hi : lo;
  }
  return out;
}
std::string utf32(const std::u32string& s, bool le, bool bom) {
  std::u32string t = bom ? U"\uFEFF" + s : s;
  std::string out;
  for (char32_t c : t)
    for (int k = 0; k < 4; ++k) out += static_cast<char>(c >> (8 * (le ? k : 3 - k)));
  return out;
}
std::u16string u16(const std::string& ascii) { return std::u16string(ascii.begin(), ascii.end()); }
std::u32string u32(const std::string& ascii) { return std::u32string(ascii.begin(), ascii.end()); }
}  // namespace

TEST_CASE("utf-16: LE and BE with BOM decode to UTF-8 and map back", "[utf16]") {
  for (bool le : {true, false}) {
    std::string d = utf16(u"a\u00e9\r\nkey=hf_abc\U0001F600z", le);
    View v;
    REQUIRE(decode_utf16(d, 1 << 20, v));
    CHECK(v.whole_text);
    CHECK(v.text() == "a\xC3\xA9\r\nkey=hf_abc\xF0\x9F\x98\x80z");
    size_t h = v.text().find("hf_abc");
    // BOM (2) + "a" "é" "\r" "\n" "key=" = 8 units.
    CHECK(v.to_orig(h, false) == 2 + 2 * 8);
    CHECK(v.to_orig(h + 6, true) == 2 + 2 * 14);
    CHECK(v.from_orig(2 + 2 * 8) == h);
    CHECK(v.from_orig(2 + 2 * 14) == h + 6);
    size_t z = v.text().find('z');
    CHECK(v.to_orig(z, false) == 2 + 2 * 16);  // the emoji is a surrogate pair: 2 units
  }
}

TEST_CASE("utf-16: no BOM and no zero bytes, no view; odd trailing byte is scanned as a byte", "[utf16]") {
  View v;
  CHECK(utf16_bom("plain") == Utf16Bom::None);
  CHECK_FALSE(decode_utf16("plain text, long enough to tell", 1 << 20, v));
  CHECK_FALSE(decode_wide_text("plain text, long enough to tell", 1 << 20, v));
  REQUIRE(decode_utf16(std::string("\xFF\xFE" "a\0b\0c", 7), 1 << 20, v));
  CHECK(v.text() == "abc");
}

TEST_CASE("utf-16: without a BOM, LE and BE are told by their zero bytes", "[utf16]") {
  std::string t = testing::fake_hf_token(61);
  for (bool le : {true, false}) {
    std::string d = utf16(u"# \u4e0a settings\r\nHF_TOKEN=" + u16(t) + u"\r\n", le, false);
    View v;
    REQUIRE(decode_wide_text(d, 1 << 20, v));
    CHECK(v.whole_text);
    CHECK(v.decoded == "utf-16");
    size_t h = v.text().find(t);
    REQUIRE(h != std::string::npos);
    CHECK(v.to_orig(h, false) == 2 * std::string("# x settings\r\nHF_TOKEN=").size());
  }
}

TEST_CASE("utf-32: with and without BOM, LE and BE", "[utf16]") {
  std::string t = testing::fake_hf_token(62);
  for (bool le : {true, false})
    for (bool bom : {true, false}) {
      std::string d = utf32(U"a\u00e9\nHF_TOKEN=" + u32(t) + U"\U0001F600\n", le, bom);
      View v;
      REQUIRE(decode_wide_text(d, 1 << 20, v));
      CHECK(v.whole_text);
      CHECK(v.decoded == "utf-32");
      CHECK(v.text() == "a\xC3\xA9\nHF_TOKEN=" + t + "\xF0\x9F\x98\x80\n");
      size_t h = v.text().find(t);
      CHECK(v.to_orig(h, false) == (bom ? 4u : 0u) + 4 * 12);
      CHECK(v.to_orig(h + t.size(), true) == (bom ? 4u : 0u) + 4 * (12 + t.size()));
    }
}

TEST_CASE("utf-32: with a BOM and 1-3 stray bytes after the last unit, the units decode", "[utf16]") {
  std::string t = testing::fake_hf_token(64);
  for (bool le : {true, false})
    for (size_t k = 1; k <= 3; ++k) {
      std::string d = utf32(U"x=" + u32(t) + U"\n", le, true) + std::string(k, '\n');
      View v;
      REQUIRE(decode_wide_text(d, 1 << 20, v));
      CHECK(v.decoded == "utf-32");
      CHECK(v.text() == "x=" + t + "\n" + std::string(k, '\n'));
      size_t h = v.text().find(t);
      CHECK(v.to_orig(h, false) == 4 + 4 * 2);
      CHECK(v.to_orig(v.text().size() - k, false) == d.size() - k);  // the tail, byte for byte
    }
}

TEST_CASE("utf-16: FF FE before 8-bit text, and binary, are not wide text", "[utf16]") {
  std::string t = testing::fake_hf_token(63);
  View v;
  CHECK_FALSE(decode_wide_text("\xFF\xFE" "A=1\nHF_TOKEN=" + t + "\n", 1 << 20, v));
  CHECK_FALSE(decode_wide_text("\xFF\xFE\xFF\xFF" + utf16(u"ascii after a noncharacter", true, false), 1 << 20, v));
  std::string bin;
  for (int i = 0; i < 64; ++i) bin += std::string("\x00\x01\x02\x03", 4);
  CHECK_FALSE(decode_wide_text(bin + "\nkey=" + t + "\n", 1 << 20, v));
  std::string ints;  // little-endian int32s: zero bytes, but NUL code units
  for (int i = 0; i < 100; ++i) ints += std::string(1, static_cast<char>(i)) + std::string(3, '\0');
  CHECK_FALSE(decode_wide_text(ints, 1 << 20, v));
  std::string noise;
  uint32_t x = 7;
  for (int i = 0; i < 4096; ++i) x = x * 1103515245 + 12345, noise += static_cast<char>(x >> 16);
  CHECK_FALSE(decode_wide_text(noise, 1 << 20, v));
}

TEST_CASE("utf-16 runs: ASCII in UTF-16 inside other bytes, at any alignment", "[utf16]") {
  std::string t = testing::fake_hf_token(64);
  for (bool le : {true, false})
    for (size_t pad : {0u, 1u, 3u}) {
      std::string d = std::string(pad, '\x07') + std::string("\x89PNG\0\0\x01\xFF", 8) + utf16(u16("HF_TOKEN=" + t), le, false) +
                      std::string("\xFF\x00\x00\x17", 4);
      View v;
      CHECK_FALSE(decode_wide_text(d, 1 << 20, v));
      REQUIRE(decode_utf16_runs(d, 1 << 20, v));
      CHECK_FALSE(v.whole_text);
      size_t h = v.text().find(t);
      REQUIRE(h != std::string::npos);
      CHECK(v.text().substr(h, t.size() + 1) == t + "\n");
      size_t want = d.find(utf16(u16(t), le, false));
      CHECK(v.to_orig(h, false) == want + (le ? 0 : 1));
    }
  View v;
  CHECK_FALSE(decode_utf16_runs("no zero bytes at all", 1 << 20, v));
  CHECK_FALSE(decode_utf16_runs(utf16(u"short", true, false) + std::string("\xFF\xFF", 2), 1 << 20, v));
}

TEST_CASE("utf-16 runs: UTF-16BE between 8-bit text bytes is read whole", "[utf16]") {
  // "x = 1\n" 00 'H' 00 'F' ... 00 <last> "\n": the bytes also read as UTF-16LE from the
  // '\n' on, one character short at the end; the UTF-16BE reading holds the whole token.
  std::string t = testing::fake_hf_token(65);
  for (std::string before : {"x = 1\n", "x = 12\n"})
    for (std::string after : {"\n", "\n# end\n", "z"}) {
      std::string be = utf16(u16("HF_TOKEN=" + t), false, false);
      std::string d = before + be + after;
      View v;
      REQUIRE(decode_utf16_runs(d, 1 << 20, v));
      size_t h = v.text().find("HF_TOKEN=" + t);
      INFO(before.size() << " " << after);
      REQUIRE(h != std::string::npos);
      CHECK(v.to_orig(h, false) == before.size() + 1);
      // Big-endian characters map to their low bytes (as everywhere in this decoder): the end
      // is one past the last unit.
      CHECK(v.to_orig(h + 9 + t.size(), true) == before.size() + be.size() + 1);
    }
}

TEST_CASE("utf-16/32 runs: a big-endian reading that ends at the blob's last byte maps inside it", "[utf16]") {
  // The last character of a UTF-16BE or UTF-32BE reading is the file's last byte: its
  // view used to end past the file, and the blob failed as "maps outside the file".
  std::string t = testing::fake_hf_token(66);
  std::string line = "HF_TOKEN=" + t;
  std::string u32le;
  for (char c : line) u32le += std::string{c, '\0', '\0', '\0'};
  for (const std::string& d : {std::string("x = 1\n") + u32le + "\n",
                               std::string("\x89PNG\0\0", 6) + utf16(u16(line), false, false)}) {
    BlobFacts facts;
    std::vector<View> views = decode_blob("x.bin", d, facts);
    CHECK(facts.incomplete == "");
    bool found = false;
    for (const View& v : views) found |= v.text().find(line) != std::string::npos;
    CHECK(found);
  }
}

TEST_CASE("utf-32 runs: a numpy '<U' array (UTF-32 without BOM) after a header", "[utf16]") {
  std::string t = testing::fake_hf_token(65);
  for (bool le : {true, false})
    for (size_t pad : {0u, 1u, 2u, 5u}) {
      std::string hdr = std::string("\x93NUMPY\x01\x00", 8) + "v\0{'descr': '<U37', 'fortran_order': False}\n";
      std::string d = std::string(pad, '\x07') + hdr + utf32(u32(t), le, false) + std::string("\xFF\x01", 2);
      View v;
      CHECK_FALSE(decode_wide_text(d, 1 << 20, v));
      REQUIRE(decode_utf32_runs(d, 1 << 20, v));
      CHECK(v.decoded == "utf-32");
      size_t h = v.text().find(t);
      REQUIRE(h != std::string::npos);
      CHECK(v.text().substr(h, t.size() + 1) == t + "\n");
      size_t want = d.find(utf32(u32(t), le, false));
      CHECK(v.to_orig(h, false) == want + (le ? 0 : 3));
    }
  View v;
  CHECK_FALSE(decode_utf32_runs("no zero bytes at all", 1 << 20, v));
  CHECK_FALSE(decode_utf32_runs(utf16(u"UTF-16 is not UTF-32", true, false), 1 << 20, v));
}

TEST_CASE("powershell: -EncodedCommand and its prefixes decode base64 of UTF-16LE", "[utf16]") {
  std::string t = testing::fake_hf_token(65);
  std::string cmd = utf16(u16("$env:HF_TOKEN='" + t + "'; python train.py"), true, false);
  // Standard base64, built here so no encoded literal lives in the source.
  std::string b64 = base64_encode(cmd);
  for (std::string sw : {"-EncodedCommand ", "-enc ", "-e ", "-ec ", "/ENC ", "-encodedcommand:", "-EnCoDeD \""}) {
    std::string text = "steps:\n  - run: powershell.exe -NoProfile " + sw + b64 + "\n";
    View raw = View::of(text);
    View v;
    REQUIRE(decode_encoded_commands(raw, 1 << 20, v));
    CHECK(v.decoded == "powershell-encoded-command");
    size_t h = v.text().find(t);
    REQUIRE(h != std::string::npos);
    // The token's characters map into the base64 argument.
    size_t arg = text.find(b64);
    CHECK(v.to_orig(h, false) >= arg);
    CHECK(v.to_orig(h + t.size(), true) <= arg + b64.size());
    CHECK(v.to_orig(h, false) == arg + 8 * 15 / 3);  // "$env:HF_TOKEN='" is 15 units
  }
  for (std::string text : {std::string("grep -e abcdefghijklmnop file\n"), std::string("sed -e ZWNobyBoaQ== x\n"), "x-enc " + b64 + "\n",
                           "-encx " + b64 + "\n"}) {
    View raw = View::of(text);
    View v;
    CHECK_FALSE(decode_encoded_commands(raw, 1 << 20, v));
  }
}
