#include "verifier.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "sigv4.h"

namespace keyward {

VerifyStats verify_findings(std::vector<Finding>& findings, const RuleSet& rules, const Transport* transport,
                            const VerifyOptions& opts, const std::string& unavailable) {
  VerifyStats stats;
  // One job per distinct (rule, secret, pair): the same token found in 100 places is asked
  // about once.
  struct Job {
    const HttpCheck* check;
    std::string secret, pair;
    Verdict verdict;
    bool sent = false;
  };
  std::map<std::tuple<std::string, std::string, std::string>, size_t> index;
  std::vector<Job> jobs;
  std::vector<long> job_of(findings.size(), -1);
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    const Rule* r = rules.find(f.rule_id);
    if (f.secret.empty()) continue;  // hygiene findings claim no secret
    if (!r || r->verify.empty()) {
      f.verification = "unknown";
      f.verification_reason = "keyward has no way to verify this kind of secret";
      continue;
    }
    if (r->verify.kind == "offline") {
      f.verification = "unknown";
      f.verification_reason = r->verify.note.empty() ? "the provider offers no way to check it" : r->verify.note;
      continue;
    }
    // Keyed by where it is asked, so one secret matched by two rules is asked once too.
    auto key = std::make_tuple(r->verify.method + " " + r->verify.url, f.secret, f.pair);
    auto [it, added] = index.emplace(key, jobs.size());
    if (added) jobs.push_back(Job{&r->verify, f.secret, f.pair, {}, false});
    job_of[i] = static_cast<long>(it->second);
  }
  std::string amz_date = amz_date_now();
  std::atomic<size_t> next{0};
  std::mutex mu;
  auto work = [&] {
    for (size_t j; (j = next.fetch_add(1)) < jobs.size();) {
      Job& job = jobs[j];
      if (!transport) {
        job.verdict = {"unknown", {}, unavailable};
        continue;
      }
      auto req = build_request(*job.check, job.secret, job.pair, opts.endpoint, amz_date);
      if (!req) {
        job.verdict = {"unknown", {}, req.error()};
        continue;
      }
      HttpResponse res = (*transport)(*req);
      job.sent = true;
      job.verdict = classify(*job.check, res, job.secret);
      if (res.status == 0) {
        std::lock_guard<std::mutex> lock(mu);
        ++stats.unreachable;
        if (stats.first_error.empty()) stats.first_error = res.error;
      }
    }
  };
  size_t n = std::min<size_t>(static_cast<size_t>(std::max(opts.parallel, 1)), jobs.size());
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n; ++t) threads.emplace_back(work);
  if (!jobs.empty()) work();
  for (auto& t : threads) t.join();
  for (auto& j : jobs) stats.requests += j.sent ? 1 : 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (job_of[i] < 0) continue;
    const Verdict& v = jobs[static_cast<size_t>(job_of[i])].verdict;
    findings[i].verification = v.status;
    findings[i].verification_identity = v.identity;
    findings[i].verification_reason = v.reason;
  }
  return stats;
}

}  // namespace keyward
