#include "decoders.h"

#include <algorithm>

#include <fmt/format.h>

#include "base64_decoder.h"
#include "compressed_decoder.h"
#include "data_uri.h"
#include "escape_decoder.h"
#include "line_decoders.h"
#include "notebook_decoder.h"
#include "pickle_decoder.h"
#include "triggers.h"
#include "utf16_decoder.h"

namespace keyward {

namespace {

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// Strict, as the LFS spec writes them: a file that merely starts like a pointer (and then
// holds anything else, a token say) is not one and is scanned.
bool is_lfs_pointer(std::string_view data) {
  static constexpr std::string_view kHeader = "version https://git-lfs.github.com/spec/v1\n";
  if (data.size() >= 1024 || data.substr(0, kHeader.size()) != kHeader || data.back() != '\n') return false;
  bool oid = false, size = false;
  for (std::string_view rest = data.substr(kHeader.size()); !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.substr(0, 11) == "oid sha256:" && is_hex64(line.substr(11))) {
      oid = true;
    } else if (line.substr(0, 5) == "size " && all_digits(line.substr(5))) {
      size = true;
    } else if (line.substr(0, 4) == "ext-") {
      size_t sp = line.find(" sha256:");
      if (sp == std::string_view::npos || !is_hex64(line.substr(sp + 8))) return false;
      for (char c : line.substr(4, sp - 4))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
    } else {
      return false;
    }
  }
  return oid && size;
}

std::vector<View> decode_blob(std::string_view path, std::string_view data, BlobFacts& facts,
                              const DecodeLimits& limits) {
  std::vector<View> views;
  if (is_lfs_pointer(data)) {
    facts.not_scanned = "Git LFS pointer (the content lives in LFS storage)";
    return views;
  }
  View raw = View::of(data);
  views.push_back(std::move(raw));
  // One pass finds what each decoder below needs to see before it can decode anything;
  // ungated, every trigger counts as present.
  BlobTriggers on;
  if (limits.gated) {
    on = find_triggers(data);
  } else {
    on.nul = on.backslash = on.percent = on.html_ref = on.esc = on.qp = on.data_uri = on.ps_switch = on.base64_run =
        true;
  }
  // Notebooks: cells for "cell N, line M" and image payloads to skip. A notebook that
  // does not parse is scanned as plain text.
  View joined;
  const size_t total = limits.base_decoded_bytes + limits.per_byte * data.size();
  if (is_notebook_path(path)) parse_notebook(data, facts, total, &joined);
  // Inline binary files (data:audio/wav;base64,... in HTML, notebook outputs, CSS).
  if (on.data_uri) add_binary_data_uris(data, facts.skip);
  std::sort(facts.skip.begin(), facts.skip.end());

  size_t budget = total;
  // A decoder stops once its view reaches the budget it was given: a view that large may
  // be cut short, so the blob is reported as not fully scanned rather than passed.
  auto add = [&](View&& v, size_t given) {
    // A view whose offsets would point past the blob is a decoder bug: fail closed (the
    // blob is reported as not scanned, exit 2), never locate a finding outside the file.
    if (v.to_orig(v.text().size(), true) > data.size() || v.to_orig(0, false) > data.size()) {
      if (facts.incomplete.empty())
        facts.incomplete = fmt::format("its {} decoding maps outside the file (a keyward bug: please report it); "
                                       "not scanned in full", v.decoded);
      return;
    }
    if (v.storage.size() >= given && facts.incomplete.empty())
      facts.incomplete = fmt::format("its decoded views ({}) exceed the {} MiB decoding budget for a blob of {} "
                                     "bytes; not scanned in full", v.decoded, total >> 20, data.size());
    budget -= std::min(budget, v.storage.size());
    views.push_back(std::move(v));
  };
  if (!joined.storage.empty()) add(std::move(joined), budget);
  // The text itself, when the blob is UTF-16 or UTF-32 rather than UTF-8.
  size_t text_view = 0;
  // Wide text has zero bytes (ASCII's high halves) or starts with a UTF-16 BOM.
  bool wide_bom = data.size() >= 2 && ((data[0] == '\xFF' && data[1] == '\xFE') || (data[0] == '\xFE' && data[1] == '\xFF'));
  if (View v; (on.nul || wide_bom) && decode_wide_text(data, budget, v)) {
    add(std::move(v), budget);
    text_view = views.size() - 1;
  } else {
    if (View j; on.backslash && decode_json_escapes(data, facts.skip, budget, j)) add(std::move(j), budget);
    if (View u; on.percent && decode_url_escapes(data, facts.skip, budget, u)) add(std::move(u), budget);
    if (View h; on.html_ref && decode_html_entities(data, facts.skip, budget, h)) add(std::move(h), budget);
    if (View a; on.esc && decode_ansi_escapes(data, facts.skip, budget, a, &facts.incomplete)) add(std::move(a), budget);
    if (View q; on.qp && decode_quoted_printable(data, facts.skip, budget, q, &facts.incomplete))
      add(std::move(q), budget);
    // UTF-16 strings in a blob that is not UTF-16 text as a whole (binaries, mixed files).
    if (View r; on.nul && decode_utf16_runs(data, budget, r)) add(std::move(r), budget);
    if (View r; on.nul && decode_utf32_runs(data, budget, r)) add(std::move(r), budget);
  }
  // Strings out of Python pickles and the zips torch.save writes.
  if (View p; decode_pickle(data, budget, p, &facts.incomplete)) add(std::move(p), budget);
  // gzip files and deflated zip members (a clean filter that compresses stores gzip).
  if (View c; decode_compressed(data, budget, c, &facts.incomplete)) add(std::move(c), budget);
  // PowerShell -EncodedCommand arguments in the text.
  // (The triggers are the blob's: a wide text view is always searched.)
  if (View p; (on.ps_switch || text_view != 0) && decode_encoded_commands(views[text_view], budget, p))
    add(std::move(p), budget);
  // Base64 runs, and base64 inside those, until a layer holds none.
  size_t src = text_view;
  for (int depth = 1; facts.incomplete.empty(); ++depth) {
    View v;
    if (src == 0 && !on.base64_run) break;  // no run long enough in the blob itself
    if (!decode_base64_runs(views[src], facts.skip, budget, v, limits.gated)) break;
    if (depth > limits.max_depth) {
      facts.incomplete = fmt::format("base64 is nested more than {} layers deep; not scanned in full",
                                     limits.max_depth);
      break;
    }
    if (depth > 1) v.decoded = "base64 (x" + std::to_string(depth) + ")";
    add(std::move(v), budget);
    src = views.size() - 1;
  }
  return views;
}

}  // namespace keyward
