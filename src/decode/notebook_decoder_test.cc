#include "notebook_decoder.h"

#include <catch2/catch.hpp>
#include <string>

using namespace keyward;

namespace {
// Blob offset of the first occurrence of needle.
size_t at(const std::string& s, const std::string& needle) { return s.find(needle); }
int line_of(const CellSpan& c, size_t off) {
  int n = 0;
  for (size_t s : c.line_starts) n += s <= off;
  return n;
}
}  // namespace

TEST_CASE("notebook: list-of-lines sources get one line start per string", "[notebook]") {
  std::string nb = R"({"cells": [
 {"cell_type": "markdown", "source": ["# T\n", "text\n"]},
 {"cell_type": "code", "source": ["import os\n", "x = 1\n", "SECRET_HERE\n"], "outputs": []}
], "nbformat": 4})";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  REQUIRE(f.cells.size() == 2);
  CHECK(f.cells[0].cell == 1);
  CHECK(f.cells[1].cell == 2);
  CHECK_FALSE(f.cells[1].output);
  REQUIRE(f.cells[1].line_starts.size() == 3);
  CHECK(f.cells[1].line_starts[0] == at(nb, "import os"));
  CHECK(f.cells[1].line_starts[2] == at(nb, "SECRET_HERE"));
  CHECK(line_of(f.cells[1], at(nb, "SECRET_HERE") + 3) == 3);
}

TEST_CASE("notebook: a single-string source splits lines at \\n escapes", "[notebook]") {
  std::string nb = R"({"cells": [{"cell_type": "code", "source": "a = 2\nb = \"x\\n\"\nSECRET_HERE\n"}], "nbformat": 4})";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  REQUIRE(f.cells.size() == 1);
  // The escaped backslash before n in "x\\n" is not a line break.
  REQUIRE(f.cells[0].line_starts.size() == 3);
  CHECK(line_of(f.cells[0], at(nb, "SECRET_HERE")) == 3);
  CHECK(f.cells[0].begin == at(nb, "a = 2"));
  CHECK(f.cells[0].end == at(nb, "\"}],"));
}

TEST_CASE("notebook: text outputs are cells, image payloads are skipped", "[notebook]") {
  std::string nb = R"({"cells": [{"cell_type": "code", "source": ["print(1)\n"], "outputs": [
  {"output_type": "stream", "name": "stdout", "text": ["one\n", "OUT_SECRET\n"]},
  {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgoAAAANSUhEUg", "text/plain": ["<Figure>"]}},
  {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["TB_FIRST", "TB_LINE"]}
 ], "attachments": {"a.png": {"image/png": ["AAAA", "BBBB"]}}}], "nbformat": 4})";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  bool found_stream = false;
  for (auto& c : f.cells)
    if (c.output && c.begin <= at(nb, "OUT_SECRET") && at(nb, "OUT_SECRET") < c.end) {
      found_stream = true;
      CHECK(c.cell == 1);
      CHECK(line_of(c, at(nb, "OUT_SECRET")) == 2);
    }
  CHECK(found_stream);
  // Traceback frames are lines of their own, even without \n.
  for (auto& c : f.cells)
    if (c.begin == at(nb, "TB_FIRST")) CHECK(line_of(c, at(nb, "TB_LINE")) == 2);
  REQUIRE(f.skip.size() == 2);
  CHECK(f.skip[0].first == at(nb, "iVBOR"));
  CHECK(f.skip[0].second == at(nb, "iVBOR") + 22);
  CHECK(f.skip[1].first == at(nb, "\"AAAA\"") + 1);
  CHECK(f.skip[1].second == at(nb, "BBBB") + 4);
}

TEST_CASE("notebook: malformed or foreign JSON is not a notebook", "[notebook]") {
  BlobFacts f;
  CHECK_FALSE(parse_notebook(R"({"cells": [{"source": ["x\n"]}, )", f));
  CHECK_FALSE(parse_notebook(R"({"auths": {}})", f));
  CHECK_FALSE(parse_notebook("not json at all", f));
  CHECK(f.cells.empty());
  CHECK(f.skip.empty());
}

TEST_CASE("notebook: nbformat 3 worksheets and png outputs", "[notebook]") {
  std::string nb = R"({"worksheets": [{"cells": [{"cell_type": "code", "input": ["a\n", "b\n"],
   "outputs": [{"output_type": "display_data", "png": "iVBORw0KGgo"}]}]}], "nbformat": 3})";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  REQUIRE(f.cells.size() == 1);
  CHECK(f.cells[0].line_starts.size() == 2);
  REQUIRE(f.skip.size() == 1);
}

TEST_CASE("notebook: every MIME type but base64 binary is output text", "[notebook]") {
  std::string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  std::string nb = R"({"cells": [{"cell_type": "code", "source": [], "outputs": [{"output_type": "display_data", "data": {
  "image/png": ")" + png + R"(\n",
  "image/svg+xml": ["<svg xmlns=\"http://www.w3.org/2000/svg\">\n", "<text>SVG_SECRET</text></svg>\n"],
  "application/x-custom": "X_SECRET",
  "application/vnd.acme.report+json": {"token": "VND_SECRET"},
  "text/markdown": "MD_SECRET",
  "application/x-b64text": "dGhpcyBpcyBwbGFpbiB0ZXh0IHdpdGggYSBzZWNyZXQgaW4gaXQ="
}}]}], "nbformat": 4})";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  REQUIRE(f.skip.size() == 1);  // the PNG only
  CHECK(f.skip[0].first == nb.find(png));
  for (const char* needle : {"SVG_SECRET", "X_SECRET", "VND_SECRET", "MD_SECRET", "dGhpcyBp"}) {
    size_t off = nb.find(needle);
    bool in_output = false;
    for (auto& c : f.cells) in_output |= c.output && c.cell == 1 && off >= c.begin && off < c.end;
    CHECK(in_output);
    for (auto& s : f.skip) CHECK_FALSE((off >= s.first && off < s.second));
  }
  CHECK(is_binary_mime("image/png"));
  CHECK(is_binary_mime("application/pdf"));
  CHECK_FALSE(is_binary_mime("image/svg+xml"));
  CHECK_FALSE(is_binary_mime("application/x-custom"));
  CHECK(is_notebook_path("a/.ipynb_checkpoints/x-checkpoint.ipynb"));
  CHECK_FALSE(is_notebook_path("x.json"));
}

TEST_CASE("notebook: a markdown cell's attachments are attachments, not outputs", "[notebook]") {
  std::string nb = R"nb({"cells": [{"cell_type": "code", "source": ["x\n"], "outputs": []},
  {"cell_type": "markdown", "source": ["![a](attachment:a.txt)"],
   "attachments": {"a.txt": {"text/plain": ["ATTACHED_TEXT\n"]}}}], "nbformat": 4})nb";
  BlobFacts f;
  REQUIRE(parse_notebook(nb, f));
  bool seen = false;
  for (auto& c : f.cells)
    if (c.begin <= at(nb, "ATTACHED_TEXT") && at(nb, "ATTACHED_TEXT") < c.end) {
      seen = true;
      CHECK(c.cell == 2);
      CHECK(c.attachment);
      CHECK_FALSE(c.output);
    }
  CHECK(seen);
  for (auto& c : f.cells)
    if (c.begin == at(nb, "x\\n")) CHECK_FALSE(c.attachment);
}

TEST_CASE("notebook: a list of strings is joined with no separator in a view", "[notebook]") {
  std::string nb = R"({"cells": [{"cell_type": "code", "source": ["t = \"hf_AAAA", "BBBB\u0043\"\n", "next\n"],
 "outputs": [{"output_type": "stream", "name": "stdout", "text": ["tok: hf_CC", "DD\n"]},
             {"output_type": "execute_result", "data": {"text/plain": ["'hf_E", "F'"]}},
             {"output_type": "error", "traceback": ["line1", "line2"]}]},
 {"cell_type": "code", "source": "single string\n", "outputs": []}], "nbformat": 4})";
  BlobFacts f;
  View v;
  REQUIRE(parse_notebook(nb, f, 1 << 20, &v));
  CHECK(v.decoded == "notebook-joined");
  CHECK(v.text() == "t = \"hf_AAAABBBBC\"\nnext\n\ntok: hf_CCDD\n\n'hf_EF'\nline1\nline2\n\n");
  size_t h = v.text().find("hf_AAAABBBBC");
  CHECK(v.to_orig(h, false) == at(nb, "hf_AAAA"));
  CHECK(v.to_orig(h + 7, false) == at(nb, "BBBB"));
  CHECK(v.to_orig(h + 11, false) == at(nb, "\\u0043"));
  CHECK(v.to_orig(h + 12, true) == at(nb, "\\u0043") + 6);
  CHECK(v.to_orig(v.text().find("hf_CCDD") + 5, false) == at(nb, "DD\\n"));
  // Cells and lines are as before: the token's first part is on line 1 of cell 1.
  REQUIRE(f.cells.size() == 5);
  CHECK(f.cells[0].cell == 1);
  CHECK(line_of(f.cells[0], at(nb, "hf_AAAA")) == 1);
  CHECK(line_of(f.cells[0], at(nb, "next")) == 2);
  // No list of two or more strings: no view.
  BlobFacts g;
  View w;
  REQUIRE(parse_notebook(R"({"cells": [{"cell_type": "code", "source": ["one\n"]}], "nbformat": 4})", g, 1 << 20, &w));
  CHECK(w.storage.empty());
}
