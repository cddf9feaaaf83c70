// Pickles written by hand, opcode by opcode, the way CPython's pickle module writes them.
#include "pickle_decoder.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "decoders.h"
#include "engine.h"
#include "engine_testing.h"
#include "testing.h"

using namespace keyward;
namespace fs = std::filesystem;

namespace {

std::string le32(uint32_t v) {
  std::string s;
  for (int k = 0; k < 4; ++k) s += static_cast<char>((v >> (8 * k)) & 0xFF);
  return s;
}
std::string le16(uint16_t v) { return le32(v).substr(0, 2); }
std::string le64(uint64_t v) { return le32(static_cast<uint32_t>(v)) + le32(static_cast<uint32_t>(v >> 32)); }

// BINUNICODE (protocol 2, 3): 'X', 4-byte length, UTF-8; then BINPUT 'q' n.
std::string binunicode(const std::string& s, int memo) {
  return "X" + le32(static_cast<uint32_t>(s.size())) + s + "q" + std::string(1, static_cast<char>(memo));
}

// pickle.dumps({"hub_token": t, "model": "bert"}, protocol=2)
std::string proto2(const std::string& t) {
  return std::string("\x80\x02}q\x00(", 6) + binunicode("hub_token", 1) + binunicode(t, 2) + binunicode("model", 3) +
         binunicode("bert", 4) + "u.";
}

std::vector<std::string> lines(const View& v) {
  std::vector<std::string> out;
  std::string_view t = v.text();
  for (size_t i = 0; i < t.size();) {
    size_t nl = t.find('\n', i);
    if (nl == std::string_view::npos) nl = t.size();
    out.emplace_back(t.substr(i, nl - i));
    i = nl + 1;
  }
  return out;
}

// A zip of the members given (name, data), stored or deflated, as zipfile writes it.
std::string zip(const std::vector<std::pair<std::string, std::string>>& members, bool deflated) {
  std::string out, cd;
  for (auto& [name, data] : members) {
    std::string body = data;
    if (deflated) {
      z_stream z{};
      REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
      body.assign(deflateBound(&z, data.size()), '\0');
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z.avail_in = static_cast<uInt>(data.size());
      z.next_out = reinterpret_cast<Bytef*>(body.data());
      z.avail_out = static_cast<uInt>(body.size());
      REQUIRE(::deflate(&z, Z_FINISH) == Z_STREAM_END);
      body.resize(z.total_out);
      deflateEnd(&z);
    }
    uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                                               static_cast<uInt>(data.size())));
    uint16_t method = deflated ? 8 : 0;
    std::string common = le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21) + le32(crc) +
                         le32(static_cast<uint32_t>(body.size())) + le32(static_cast<uint32_t>(data.size())) +
                         le16(static_cast<uint16_t>(name.size())) + le16(0);
    uint32_t local = static_cast<uint32_t>(out.size());
    out += "PK\x03\x04" + common + name + body;
    cd += "PK\x01\x02" + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(local) + name;
  }
  uint32_t cd_at = static_cast<uint32_t>(out.size());
  out += cd;
  out += "PK\x05\x06" + le16(0) + le16(0) + le16(static_cast<uint16_t>(members.size())) +
         le16(static_cast<uint16_t>(members.size())) + le32(static_cast<uint32_t>(cd.size())) + le32(cd_at) + le16(0);
  return out;
}

Result<std::vector<Finding>> scan(const std::string& path, const std::string& data) {
  return testing::try_scan(testing::hf_engine(), path, data);
}

}  // namespace

TEST_CASE("pickle: protocol 2 strings, one per line, mapped to their bytes", "[pickle]") {
  std::string t = testing::fake_hf_token(101);
  std::string p = proto2(t);
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(p, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(v.decoded == "pickle");
  CHECK(lines(v) == std::vector<std::string>{"hub_token", t, "model", "bert"});
  size_t at = v.text().find(t);
  CHECK(v.to_orig(at, false) == p.find(t));
  CHECK(v.to_orig(at + t.size(), true) == p.find(t) + t.size());
}

TEST_CASE("pickle: protocol 0 UNICODE and STRING lines, their escapes decoded", "[pickle]") {
  std::string t = testing::fake_hf_token(102), u = testing::fake_hf_token(103), w = testing::fake_hf_token(104);
  // pickle.dumps({"hub_token": t}, protocol=0), then a \u-escaped and a repr'd copy.
  std::string p = "(dp0\nVhub_token\np1\nV" + t + "\np2\nsV\\u0068" + u.substr(1) + "\np3\nS'\\x10" + w +
                  "\\n'\np4\ns.";
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(p, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(lines(v) == std::vector<std::string>{"hub_token", t, u, "\x10" + w, ""});
  CHECK(v.to_orig(v.text().find(t), false) == p.find(t));
  CHECK(v.to_orig(v.text().find(u), false) == p.find("\\u0068"));
}

TEST_CASE("pickle: protocols 4 and 5 (FRAME, SHORT_BINUNICODE, MEMOIZE, BINUNICODE8, BYTEARRAY8)", "[pickle]") {
  std::string t = testing::fake_hf_token(105), u = testing::fake_hf_token(106);
  std::string body = std::string("}\x94(\x8c\x09hub_token\x94\x8c") + std::string(1, static_cast<char>(t.size())) +
                     t + "\x94" + "\x8d" + le64(u.size()) + u + "\x94" + "\x96" + le64(3) + "abc" + "K\x07u.";
  std::string p = std::string("\x80\x05\x95", 3) + le64(body.size()) + body;
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(p, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(lines(v) == std::vector<std::string>{"hub_token", t, u, "abc"});
}

TEST_CASE("pickle: several pickles in a row (legacy torch.save), then raw bytes", "[pickle]") {
  std::string t = testing::fake_hf_token(107);
  std::string p = std::string("\x80\x02\x8a\x0a", 4) + std::string(10, '\x11') + "." + proto2(t) +
                  std::string("\x00\x01\x02\xff", 4);
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(p, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(v.text().find(t + "\n") != std::string_view::npos);
}

TEST_CASE("pickle: after an unknown opcode or a cut the rest is still read; text and garbage are not pickles",
          "[pickle]") {
  std::string t = testing::fake_hf_token(108), u = testing::fake_hf_token(118);
  std::string p = proto2(t);
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(p.substr(0, p.size() - 8), 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  CHECK(v.text().find(t + "\n") != std::string_view::npos);
  // Raw bytes in the middle (joblib writes numpy arrays so), then more strings.
  std::string bad = std::string("\x80\x02", 2) + binunicode(t, 1) + std::string("\xff\x00\x01q\x09", 5) +
                    binunicode(u, 2) + "\x8c\x05short" + ".";
  View w0;
  REQUIRE(decode_pickle(bad, 1 << 20, w0, &incomplete));
  CHECK(incomplete.empty());
  CHECK(lines(w0) == std::vector<std::string>{t, u});
  // Lengths past the end: no allocation, no read past the blob, not a pickle.
  for (std::string huge : {std::string("\x80\x02X\xff\xff\xff\x7f", 7), std::string("\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff", 11),
                           std::string("\x80\x03", 2)}) {
    View w;
    std::string why;
    CHECK_FALSE(decode_pickle(huge, 1 << 20, w, &why));
    CHECK(why.empty());
  }
  // Text that happens to start and end like protocol 0.
  for (std::string text : {"Version 2 of the notes.", "(see below) and so on.", "count = 3\nlist done."}) {
    View w;
    std::string why;
    CHECK_FALSE(decode_pickle(text, 1 << 20, w, &why));
    CHECK(why.empty());
  }
}

TEST_CASE("pickle: the budget bounds the view and fails closed", "[pickle]") {
  std::string t = testing::fake_hf_token(109);
  std::string p = "\x80\x02](";
  for (int i = 0; i < 200; ++i) p += binunicode(std::string(100, 'a') + std::to_string(i), 1);
  p += binunicode(t, 2) + "e.";
  View v;
  std::string incomplete;
  decode_pickle(p, 4096, v, &incomplete);
  CHECK_THAT(incomplete, Catch::Contains("budget"));
  CHECK(v.storage.size() < 4096 + 200);
}

TEST_CASE("pickle: torch.save's zip, stored and deflated members", "[pickle]") {
  std::string t = testing::fake_hf_token(110), u = testing::fake_hf_token(111);
  std::string pk = proto2(t);
  std::string pk2 = proto2(u);
  for (bool deflate : {false, true}) {
    std::string z = zip({{"archive/data.pkl", pk}, {"archive/version", "3\n"}, {"archive/constants.pkl", pk2},
                         {"archive/data/0", std::string(300, '\x07')}},
                        deflate);
    View v;
    std::string incomplete;
    REQUIRE(decode_pickle(z, 1 << 20, v, &incomplete));
    CHECK(incomplete.empty());
    std::vector<std::string> ls = lines(v);
    CHECK(std::count(ls.begin(), ls.end(), t) == 1);
    CHECK(std::count(ls.begin(), ls.end(), u) == 1);
    size_t ot = v.to_orig(v.text().find(t), false), ou = v.to_orig(v.text().find(u), false);
    size_t m1 = z.find("archive/data.pkl") + 16, m2 = z.find("archive/constants.pkl") + 21;
    if (!deflate) {
      CHECK(ot == z.find(t));
      CHECK(ou == z.find(u));
    } else {  // somewhere in the member's compressed bytes
      CHECK(ot >= m1);
      CHECK(ot < z.find("PK\x03\x04", m1));
      CHECK(ou >= m2);
      CHECK(ou < z.find("PK\x03\x04", m2));
    }
  }
}

TEST_CASE("npz: a deflated .npy string array ('<U', UTF-32LE) is read", "[pickle]") {
  std::string t = testing::fake_hf_token(114);
  std::string npy = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + "{'descr': '<U37', 'fortran_order': False, 'shape': (), }";
  npy += std::string(127 - npy.size(), ' ') + "\n";
  for (char c : t) npy += std::string(1, c) + std::string(3, '\0');
  std::string z = zip({{"cfg.npy", npy}, {"other.bin", std::string(64, '\x07')}}, true);
  View v;
  std::string incomplete;
  REQUIRE(decode_pickle(z, 1 << 20, v, &incomplete));
  CHECK(incomplete.empty());
  size_t h = v.text().find(t);
  REQUIRE(h != std::string::npos);
  size_t m = z.find("cfg.npy") + 7;
  CHECK(v.to_orig(h, false) >= m);
  CHECK(v.to_orig(h, false) < z.find("PK\x03\x04", m));
}

TEST_CASE("pickle: a zip member that cannot be read fails closed", "[pickle]") {
  std::string t = testing::fake_hf_token(112);
  std::string z = zip({{"archive/data.pkl", proto2(t)}}, true);
  // The member's method: 12 (bzip2).
  std::string bz = z;
  bz[8] = 12;
  bz[z.find("PK\x01\x02") + 10] = 12;
  View v;
  std::string incomplete;
  decode_pickle(bz, 1 << 20, v, &incomplete);
  // Named by position: a member name is content and is never echoed.
  CHECK_THAT(incomplete, Catch::Contains("header is at byte 0") && Catch::Contains("method 12"));
  CHECK(incomplete.find("archive/data.pkl") == std::string::npos);
  // A member that inflates past the budget.
  incomplete.clear();
  decode_pickle(z, 16, v, &incomplete);
  CHECK_THAT(incomplete, Catch::Contains("budget"));
  // The central directory cut off.
  incomplete.clear();
  decode_pickle(z.substr(0, z.find("PK\x01\x02")), 1 << 20, v, &incomplete);
  CHECK_THAT(incomplete, Catch::Contains("central directory"));
}

TEST_CASE("scanner: a token in a protocol 0 or 2 pickle and in torch.save's zip is found", "[pickle][decoders]") {
  std::string t = testing::fake_hf_token(113);
  std::string p0 = "(dp0\nVhub_token\np1\nV" + t + "\np2\ns.";
  for (auto& [path, data] : std::vector<std::pair<std::string, std::string>>{
           {"state.p0.pkl", p0}, {"training_args.bin", proto2(t)}, {"model.pt", zip({{"archive/data.pkl", proto2(t)}}, false)}}) {
    INFO(path);
    auto r = scan(path, data);
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].secret == t);
    CHECK((*r)[0].offset == data.find(t));
  }
  // A pickle cut short, or with raw bytes in the middle: the strings around are read.
  std::string p = proto2(t);
  auto r = scan("cut.pkl", std::string("\x80\x02}q\x00(", 6) + binunicode("hub_token", 1) + std::string(40, '\xee') +
                              binunicode(t, 2) + "u");
  REQUIRE(r);
  CHECK(r->size() == 1);
}
