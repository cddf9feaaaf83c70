#include "matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "keyed_rule.h"

namespace keyward {
namespace {

// Hyperscan takes an unsigned length; larger inputs are scanned in overlapping chunks.
constexpr size_t kChunk = size_t(1) << 30;
constexpr size_t kOverlap = 64 * 1024;

// Candidate windows [end - max_length, end] per rule, merged as Hyperscan reports them
// (in order of end offset, mostly): a run of hits on every byte (4 million 'A's after
// "aws_session_token=") is one window, so there is no cap on hits to lose a later token.
struct Collect {
  const RuleSet* rules;
  std::vector<std::pair<size_t, size_t>>* open;  // per rule: current window, from > to when none
  std::vector<MatchScratch::Window>* windows;     // closed windows
  size_t base;
  const std::vector<int32_t>* rule_of;  // the part's pattern ids to rule indexes
};

int on_match(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<Collect*>(ctx);
  if (!c->rule_of->empty()) {
    int32_t r = (*c->rule_of)[id];
    if (r < 0) return 0;  // disabled by the configuration
    id = static_cast<unsigned>(r);
  }
  size_t end = static_cast<size_t>(to) + c->base;
  size_t w = (*c->rules)[id].max_length;
  size_t from = end > w ? end - w : 0;
  auto& cur = (*c->open)[id];
  if (cur.first <= cur.second && from <= cur.second && end >= cur.first) {
    cur.first = std::min(cur.first, from);
    cur.second = std::max(cur.second, end);
    return 0;
  }
  if (cur.first <= cur.second) c->windows->push_back({static_cast<uint32_t>(id), cur.first, cur.second});
  cur = {from, end};
  return 0;
}

// The name a keyed rule's match was assigned to: whichever form's group took part.
KeyedName keyed_name(const std::vector<re2::StringPiece>& sub, int secret_group) {
  KeyedName n;
  for (int g : {kKeyedAssignName, kKeyedBareName}) {
    auto& name = sub[static_cast<size_t>(g)];
    auto& ctx = sub[static_cast<size_t>(g + 1)];
    if (!name.data()) continue;
    n.name = std::string_view(name.data(), name.size());
    if (ctx.data()) {
      n.context_begin = static_cast<size_t>(ctx.data() - name.data());
      n.context_end = n.context_begin + ctx.size();
    }
    return n;
  }
  for (int g = kKeyedFlagSlot; g < secret_group; ++g)
    if (auto& slot = sub[static_cast<size_t>(g)]; slot.data()) n.name = std::string_view(slot.data(), slot.size());
  return n;
}

}  // namespace

MatchScratch::MatchScratch(MatchScratch&& o) noexcept
    : hs(std::move(o.hs)), home(o.home), windows(std::move(o.windows)), open(std::move(o.open)) {
  o.home = nullptr;
}

MatchScratch& MatchScratch::operator=(MatchScratch&& o) noexcept {
  if (this != &o) {
    if (home && hs) home->give_back(std::move(hs));
    hs = std::move(o.hs);
    home = o.home;
    o.home = nullptr;
    windows = std::move(o.windows);
    open = std::move(o.open);
  }
  return *this;
}

MatchScratch::~MatchScratch() {
  if (home && hs) home->give_back(std::move(hs));
}

Result<HsScratchPtr> Matcher::new_scratch() const {
  // One scratch serves every part: the first database's (HsDatabase), grown by
  // hs_alloc_scratch to fit each other one (a configuration's few rules).
  HsScratchPtr s = parts_[0].db->take_scratch();
  if (!s) {
    auto made = parts_[0].db->make_scratch();
    if (!made) return Error{made.error()};
    s = std::move(*made);
  }
  for (size_t i = 1; i < parts_.size(); ++i) {
    hs_scratch_t* raw = s.release();
    if (hs_alloc_scratch(parts_[i].db->get(), &raw) != HS_SUCCESS) {
      hs_free_scratch(raw);
      return Error{"cannot allocate Hyperscan scratch space"};
    }
    s.reset(raw);
  }
  return s;
}

Result<MatchScratch> Matcher::make_scratch() const {
  MatchScratch out;
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (!idle_.empty()) {
    out.hs = std::move(idle_.back());
    idle_.pop_back();
  } else {
    auto s = new_scratch();
    if (!s) return Error{s.error()};
    out.hs = std::move(*s);
  }
  out.home = this;
  return out;
}

Status Matcher::reserve_scratch(size_t n) const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (idle_.empty() && n > 0) {
    auto s = new_scratch();
    if (!s) return Error{s.error()};
    idle_.push_back(std::move(*s));
  }
  while (idle_.size() < n) {
    // A copy of an idle scratch (already grown for every part): no check of the database.
    hs_scratch_t* copy = nullptr;
    if (hs_clone_scratch(idle_.front().get(), &copy) != HS_SUCCESS)
      return Error{"cannot allocate Hyperscan scratch space"};
    idle_.emplace_back(copy);
  }
  return std::nullopt;
}

void Matcher::give_back(HsScratchPtr s) const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  idle_.push_back(std::move(s));
}

void Matcher::confirm(uint32_t rule, std::string_view text, size_t from, size_t to,
                      std::vector<RawMatch>& out) const {
  const re2::RE2* re = rules_.confirmer(rule);
  if (!re) return;
  int group = rules_[rule].secret_group;
  int pair = rules_[rule].verify.pair_group;
  int n = std::max({group, pair, 0}) + 1;
  std::vector<re2::StringPiece> sub(static_cast<size_t>(n));
  re2::StringPiece whole(text.data(), text.size());
  size_t pos = from;
  while (pos <= to) {
    if (!re->Match(whole, pos, to, re2::RE2::UNANCHORED, sub.data(), n)) break;
    RawMatch m;
    m.rule = rule;
    m.begin = static_cast<size_t>(sub[0].data() - text.data());
    m.end = m.begin + sub[0].size();
    const re2::StringPiece& sec = sub[static_cast<size_t>(group)].data() ? sub[static_cast<size_t>(group)] : sub[0];
    m.secret_begin = static_cast<size_t>(sec.data() - text.data());
    m.secret_end = m.secret_begin + sec.size();
    if (pair > 0 && sub[static_cast<size_t>(pair)].data()) {
      m.pair_begin = static_cast<size_t>(sub[static_cast<size_t>(pair)].data() - text.data());
      m.pair_end = m.pair_begin + sub[static_cast<size_t>(pair)].size();
    }
    // A keyed rule's name may say the value is a digest or an id: then it is not reported,
    // and the search goes on after it (a shorter name inside this one must not revive it).
    bool named_ok = !rules_[rule].keyed() ||
                    keyed_name_allows(rules_[rule], keyed_name(sub, group),
                                      std::string_view(sec.data(), sec.size()));
    if (m.secret_end > m.secret_begin && named_ok) out.push_back(m);
    pos = m.end > pos ? m.end : pos + 1;
    // A match that consumed its trailing boundary byte must not hide the next secret
    // that starts right there ("tok1,tok2"): resume at the secret's end instead.
    if (m.secret_end < m.end && m.secret_end > m.secret_begin) pos = std::max(m.secret_end, from + 1);
  }
}

Status Matcher::scan(std::string_view text, MatchScratch& scratch, std::vector<RawMatch>& out) const {
  auto& windows = scratch.windows;
  auto& open = scratch.open;
  windows.clear();
  open.assign(rules_.size(), {1, 0});
  if (text.empty()) return std::nullopt;  // hs_scan rejects a null buffer (an empty file's)
  for (size_t base = 0; base < text.size() || base == 0; base += kChunk - kOverlap) {
    size_t len = std::min(kChunk, text.size() - base);
    for (auto& p : parts_) {
      Collect ctx{&rules_, &open, &windows, base, &p.rule_of};
      hs_error_t rc = hs_scan(p.db->get(), text.data() + base, static_cast<unsigned>(len), 0, scratch.hs.get(),
                              on_match, &ctx);
      if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
        return Error{fmt::format("Hyperscan scan failed (error {})", rc)};
    }
    if (base + len >= text.size()) break;
  }
  for (size_t r = 0; r < open.size(); ++r)
    if (open[r].first <= open[r].second) windows.push_back({static_cast<uint32_t>(r), open[r].first, open[r].second});
  if (windows.empty()) return std::nullopt;
  std::sort(windows.begin(), windows.end());

  size_t first_out = out.size();
  // Confirm each rule's merged windows once: linear in the input whatever the number of hits.
  for (size_t i = 0; i < windows.size();) {
    uint32_t rule = windows[i].rule;
    size_t from = windows[i].from, to = windows[i].to;
    size_t j = i + 1;
    while (j < windows.size() && windows[j].rule == rule) {
      if (windows[j].from > to) {
        confirm(rule, text, from, to, out);
        from = windows[j].from;
      }
      to = std::max(to, windows[j].to);
      ++j;
    }
    confirm(rule, text, from, to, out);
    i = j;
  }
  std::sort(out.begin() + static_cast<long>(first_out), out.end(), [](const RawMatch& a, const RawMatch& b) {
    return std::tie(a.secret_begin, a.rule, a.secret_end) < std::tie(b.secret_begin, b.rule, b.secret_end);
  });
  out.erase(std::unique(out.begin() + static_cast<long>(first_out), out.end(),
                        [](const RawMatch& a, const RawMatch& b) {
                          return a.rule == b.rule && a.secret_begin == b.secret_begin &&
                                 a.secret_end == b.secret_end;
                        }),
            out.end());
  return std::nullopt;
}

}  // namespace keyward
