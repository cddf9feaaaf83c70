#include "json_cursor.h"

#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace keyward;
using JT = JsonCursor::Type;

namespace {

std::string raw(const JsonCursor& c, JsonCursor::Span s) {
  return std::string(c.text().substr(s.first, s.second - s.first));
}

// Every string of a document, in order, as raw spans (a walk that reads everything).
void strings_of(JsonCursor& c, std::vector<std::string>& out) {
  switch (c.peek()) {
    case JT::Object:
      c.object([&](std::string_view key) {
        out.push_back("key:" + std::string(key));
        strings_of(c, out);
      });
      break;
    case JT::Array: c.array([&] { strings_of(c, out); }); break;
    case JT::String: {
      JsonCursor::Span s;
      if (c.string(&s)) out.push_back(raw(c, s));
      break;
    }
    default: c.skip(); break;
  }
}

// A random JSON value, with the strings it holds (keys prefixed) in document order.
std::string random_json(std::mt19937& rng, int depth, std::vector<std::string>& strings) {
  auto str = [&] {
    static const char* pieces[] = {"a", "hf_", "\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", " ", "\xc3\xa9", "{", "]", ","};
    std::string s;
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) s += pieces[rng() % 12];
    return s;
  };
  int kind = depth <= 0 ? static_cast<int>(rng() % 4) : static_cast<int>(rng() % 6);
  switch (kind) {
    case 0: {
      std::string s = str();
      strings.push_back(s);
      return "\"" + s + "\"";
    }
    case 1: return std::vector<std::string>{"0", "-1.5e+3", "123456789012345678901", "3.25", "-0"}[rng() % 5];
    case 2: return std::vector<std::string>{"true", "false", "null"}[rng() % 3];
    case 3: return "[]";
    case 4: {
      std::string out = "[";
      for (int n = static_cast<int>(rng() % 4); n > 0; --n) out += random_json(rng, depth - 1, strings) + (n > 1 ? " , " : "");
      return out + "]";
    }
    default: {
      std::string out = "{\n";
      for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
        std::string k = str();
        strings.push_back("key:" + JsonCursor::unescape(k));
        out += "\"" + k + "\"\t: " + random_json(rng, depth - 1, strings) + (n > 1 ? ",\r\n" : "\n");
      }
      return out + "}";
    }
  }
}

}  // namespace

TEST_CASE("json cursor: strings are handed out at their own bytes, keys unescaped", "[json]") {
  std::string doc = R"({"cells": [{"source": ["a = \"hf_x\"\n", "b"]}, 3, {"s\u006furce": "x\ty"}], "n": null})";
  JsonCursor c(doc);
  std::vector<std::string> got;
  strings_of(c, got);
  CHECK(c.ok());
  CHECK(c.at_end());
  CHECK(got == std::vector<std::string>{"key:cells", "key:source", "a = \\\"hf_x\\\"\\n", "b", "key:source", "x\\ty",
                                        "key:n"});
}

TEST_CASE("json cursor: values a caller leaves unread are skipped", "[json]") {
  std::string doc = R"({"skip": {"a": [1, {"b": "}]\""}], "c": -0.5e-2}, "want": "yes", "after": [true, false]})";
  JsonCursor c(doc);
  std::string want;
  c.object([&](std::string_view key) {
    JsonCursor::Span s;
    if (key == "want" && c.string(&s)) want = raw(c, s);
  });
  CHECK(c.ok());
  CHECK(want == "yes");
}

TEST_CASE("json cursor: random documents read whole and valid", "[json]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::string> want, got;
    std::string doc = " " + random_json(rng, 5, want) + "\n";
    INFO(doc);
    REQUIRE(JsonCursor::valid(doc));
    JsonCursor c(doc);
    strings_of(c, got);
    CHECK(c.ok());
    std::vector<std::string> want_raw;
    for (auto& s : want) want_raw.push_back(s);
    CHECK(got == want_raw);
    // Every cut short of the whole is an error, never a crash or a read past the end.
    size_t cut = rng() % (doc.size() - 1);
    std::string prefix = doc.substr(0, cut);
    if ((doc[1] == '{' || doc[1] == '[') && prefix.find_first_not_of(" \n") != std::string::npos) {
      INFO("cut at " << cut);
      CHECK_FALSE(JsonCursor::valid(prefix));
    }
  }
}

TEST_CASE("json cursor: syntax errors fail, and every later call with them", "[json]") {
  for (const char* bad : {"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[1 2]", "{'a':1}", "tru", "nul",
                          "01", "1.", "-", "1e", "\"open", "{\"a\":1]", "[}", "{\"a\" 1}", "[1]]", "{} {}"}) {
    INFO(bad);
    CHECK_FALSE(JsonCursor::valid(bad));
  }
  JsonCursor c("[1, oops, \"x\"]");
  int seen = 0;
  c.array([&] { ++seen; });
  CHECK_FALSE(c.ok());
  CHECK(seen == 2);
  CHECK(c.peek() == JT::Invalid);
  CHECK(c.raw_value().empty());
}

TEST_CASE("json cursor: nesting is bounded and costs no stack", "[json]") {
  std::string ok(1024, '['), deep(1025, '[');
  ok += std::string(1024, ']');
  deep += std::string(1025, ']');
  CHECK(JsonCursor::valid(ok));
  CHECK_FALSE(JsonCursor::valid(deep));
  // A hostile file: a million openers, skipped and walked, fail fast.
  std::string hostile(1 << 20, '[');
  CHECK_FALSE(JsonCursor::valid(hostile));
  std::string objs;
  for (int i = 0; i < 200000; ++i) objs += "{\"a\":";
  JsonCursor c(objs);
  std::function<void()> walk = [&] {
    if (c.peek() == JT::Object) c.object([&](std::string_view) { walk(); });
  };
  walk();
  CHECK_FALSE(c.ok());
}

TEST_CASE("json cursor: strict strings for writers, lenient ones for readers", "[json]") {
  for (const char* s : {"\"a\tb\"", "\"bad \\x escape\"", "\"\\u12\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\""}) {
    INFO(s);
    CHECK_FALSE(JsonCursor::valid(s));
    JsonCursor lenient(s);
    JsonCursor::Span span;
    CHECK(lenient.string(&span));
    CHECK(lenient.at_end());
  }
  CHECK(JsonCursor::valid("\"caf\xc3\xa9 \xf0\x9f\x98\x80 \\u00e9\""));
}

TEST_CASE("json cursor: unescape", "[json]") {
  CHECK(JsonCursor::unescape(R"(a\nb\t\"\\\/\u00e9\ud83d\ude00)") == "a\nb\t\"\\/\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(JsonCursor::unescape(R"(\ud83d alone)") == "\xef\xbf\xbd alone");
  CHECK(JsonCursor::unescape(R"(\u12 short)") == "\\u12 short");
}
