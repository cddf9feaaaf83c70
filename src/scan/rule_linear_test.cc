// No pathological regexes: every rule, fed input built to hurt it (long runs of its
// prefix, near misses, dense true matches, an endless token body), is matched in linear
// time. Two checks, neither an absolute timing: the adversarial input scans within a
// generous factor of random input of the same size, and doubling it twice at most
// multiplies the time by a linear factor (a quadratic rule would be 16x).
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine.h"

using namespace keyward;

namespace {

constexpr size_t kSize = 32 * 1024;
// The confirm engine legitimately costs more per byte than Hyperscan's pass over
// candidate-free text; this only has to separate linear from super-linear.
constexpr double kMaxRatioToRandom = 1000.0;
constexpr double kMaxGrowthFor4x = 9.0;  // linear: ~4; quadratic: ~16
constexpr size_t kGrowthChecked = 24;   // the costliest inputs get the growth check (all shards)

std::string fill(const std::string& unit, size_t n) {
  std::string out;
  if (unit.empty()) return out;
  out.reserve(n + unit.size());
  while (out.size() < n) out += unit;
  out.resize(n);
  return out;
}

std::string random_text(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, ' ');
  for (auto& c : out) c = static_cast<char>(32 + rng() % 95);
  for (size_t i = 80; i < n; i += 81) out[i] = '\n';
  return out;
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Clock {
  const Matcher& m;
  MatchScratch& s;
  // Best of a few runs: the least disturbed by the rest of the machine.
  double time(const std::string& text, int runs = 1) const {
    double best = 1e9;
    std::vector<RawMatch> out;
    for (int i = 0; i < runs; ++i) {
      out.clear();
      // The thread's own CPU time: other processes (ctest -j, a busy CI machine) do not
      // inflate it the way they inflate wall time.
      double t0 = thread_cpu_seconds();
      auto st = m.scan(text, s, out);
      double dt = thread_cpu_seconds() - t0;
      REQUIRE_FALSE(st);
      best = std::min(best, dt);
    }
    return std::max(best, 1e-6);
  }
};

// Adversarial units for one rule, built from its first positive example.
std::vector<std::pair<std::string, std::string>> adversarial_units(const Matcher& m, uint32_t id) {
  const Rule& r = m.rules()[id];
  std::vector<std::pair<std::string, std::string>> units;
  if (r.positive.empty()) return units;
  const std::string& ex = r.positive.front();
  std::vector<RawMatch> found;
  m.confirm(id, ex, 0, ex.size(), found);
  if (found.empty()) return units;
  const RawMatch& f = found.front();
  std::string before = ex.substr(0, f.secret_begin);
  std::string secret = ex.substr(f.secret_begin, f.secret_end - f.secret_begin);
  std::string head = secret.substr(0, std::min<size_t>(secret.size(), 4));
  units.push_back({"prefix run", before + head});
  units.push_back({"half secret run", before + secret.substr(0, secret.size() / 2)});
  units.push_back({"near miss", ex.substr(0, f.secret_end - 1)});
  units.push_back({"near miss, lines", ex.substr(0, f.secret_end - 1) + "\n"});
  units.push_back({"dense matches", ex + "\n"});
  units.push_back({"glued matches", ex});
  // The secret's prefix followed by an endless body of its own characters.
  units.push_back({"endless body", before + head + fill(secret.substr(head.size()), kSize)});
  if (!r.keywords.empty()) units.push_back({"keyword run", r.keywords.front() + " "});
  return units;
}

}  // namespace

TEST_CASE("every rule matches adversarial input in linear time", "[rules][linear]") {
  EngineOptions eo;
  const char* dir = std::getenv("KEYWARD_RULES");
  eo.rules_dir = dir && *dir ? dir : KEYWARD_SOURCE_PATTERNS_DIR;
  auto engine = Engine::create(std::move(eo));
  REQUIRE(engine);
  const Matcher& m = (*engine)->matcher();
  auto scratch = m.make_scratch();
  REQUIRE(scratch);
  Clock clock{m, *scratch};

  const double random_small = clock.time(random_text(kSize, 1), 5);
  const bool report = std::getenv("KEYWARD_LINEAR_REPORT") != nullptr;
  const char* only = std::getenv("KEYWARD_LINEAR_ONLY");  // a rule id, to look at one rule
  // KEYWARD_LINEAR_SHARD=i/n: only the rules whose index is i modulo n (ctest runs the
  // shards side by side: one process is a single thread).
  size_t shard = 0, shards = 1;
  if (const char* s = std::getenv("KEYWARD_LINEAR_SHARD"); s && *s) {
    REQUIRE(std::sscanf(s, "%zu/%zu", &shard, &shards) == 2);
    REQUIRE((shards > 0 && shard < shards));
  }
  size_t in_shard = 0;
  struct Measured {
    double ratio;
    uint32_t rule;
    std::string kind, unit;
  };
  std::vector<Measured> all;

  // 1. Every rule, every adversarial input, against random text of the same size.
  for (uint32_t id = 0; id < m.rules().size(); ++id) {
    if (only && m.rules()[id].id != only) continue;
    if (id % shards != shard) continue;
    ++in_shard;
    for (auto& [kind, unit] : adversarial_units(m, id)) {
      if (only)
        for (size_t n = kSize; n <= 64 * kSize; n *= 4)
          WARN(kind << ": " << n / 1024 << " KiB in " << clock.time(fill(unit, n), 3) * 1e3 << " ms");
      std::string small = fill(unit, kSize);
      double ts = clock.time(small);
      // One run is enough when it passes; only an input that would fail is timed again,
      // best of 3, so a busy machine does not fail the test.
      if (ts / random_small >= kMaxRatioToRandom) ts = clock.time(small, 3);
      INFO("rule " << m.rules()[id].id << ", input '" << kind << "': " << ts * 1e3 << " ms for "
                   << kSize / 1024 << " KiB (random text: " << random_small * 1e3 << " ms)");
      CHECK(ts / random_small < kMaxRatioToRandom);
      all.push_back({ts / random_small, id, kind, unit});
    }
  }
  if (!only) CHECK(all.size() > in_shard);

  // 2. The costliest inputs, grown 4x at sizes past the CPU caches: time must grow linearly.
  std::sort(all.begin(), all.end(), [](const Measured& a, const Measured& b) { return a.ratio > b.ratio; });
  const size_t growth_checked = (kGrowthChecked + shards - 1) / shards;
  if (all.size() > growth_checked) all.resize(growth_checked);
  double worst_growth = 0;
  std::string worst_growth_at;
  for (auto& x : all) {
    const std::string in1 = fill(x.unit, 4 * kSize), in4 = fill(x.unit, 16 * kSize);
    double t1 = clock.time(in1), t4 = clock.time(in4);
    // As above: a growth that would fail is measured again, best of 3 each.
    if (t4 / t1 >= kMaxGrowthFor4x) t1 = clock.time(in1, 3), t4 = clock.time(in4, 3);
    double growth = t4 / t1;
    if (growth > worst_growth) worst_growth = growth, worst_growth_at = m.rules()[x.rule].id + " / " + x.kind;
    INFO("rule " << m.rules()[x.rule].id << ", input '" << x.kind << "': " << t1 * 1e3 << " ms for "
                 << 4 * kSize / 1024 << " KiB, " << t4 * 1e3 << " ms for " << 16 * kSize / 1024 << " KiB");
    CHECK(growth < kMaxGrowthFor4x);
  }
  if (report && !all.empty())
    WARN("random " << random_small * 1e3 << " ms per " << kSize / 1024 << " KiB; worst ratio to random "
                   << all.front().ratio << " (" << m.rules()[all.front().rule].id << " / " << all.front().kind
                   << "); worst growth for 4x input " << worst_growth << " (" << worst_growth_at << ")");
}
