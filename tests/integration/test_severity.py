"""A rule's severity reaches every report: the rule's own (`severity` in a rule file or a
`[[rules]]` entry, `high` by default) unless `.keyward.toml` sets `[rule."id"] severity`.
JSON has it as `severity`; SARIF as the result's and the rule's `level` (high: error,
medium: warning, low: note) and the rule's `security-severity`; GitLab as the
vulnerability's `severity` (high: Critical, medium: Medium, low: Low). Real repositories;
tokens are built at run time."""
import json
import unittest

from kwtest import RepoTestCase, fake_hf_token, fake_token

RULE = "huggingface-user-token"
EXTRA = """
[[rules]]
id = "acme-deploy-key"
description = "Acme deploy key"
regex = '''\\b(acmedk_[a-z0-9]{24})\\b'''
keywords = ["acmedk_"]
severity = "medium"
"""
LEVEL = {"high": "error", "medium": "warning", "low": "note"}
GITLAB = {"high": "Critical", "medium": "Medium", "low": "Low"}


class SeverityTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.hf = fake_hf_token(seed=71)
        self.acme = "acmedk_" + fake_token("", 24, alphabet="abcdefghijklmnopqrstuvwxyz0123456789", seed=72)
        self.write("app.py", f"HF_TOKEN = '{self.hf}'\nACME = '{self.acme}'\n")

    def reports(self):
        out = {}
        for fmt in ("json", "sarif", "gitlab"):
            r = self.keyward("app.py", "--format", fmt)
            self.assertEqual(r.rc, 1, r.all)
            self.assertNoSecret(r.all, self.hf)
            out[fmt] = json.loads(r.out)
        return out

    def check(self, want):
        """want: rule id -> keyward severity; every report must say it."""
        rep = self.reports()
        got = {f["rule"]: f["severity"] for f in rep["json"]["findings"]}
        self.assertEqual(got, want)
        run = rep["sarif"]["runs"][0]
        rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
        for res in run["results"]:
            sev = want[res["ruleId"]]
            self.assertEqual(res["level"], LEVEL[sev], res["ruleId"])
            rule = rules[res["ruleId"]]
            self.assertEqual(rule["defaultConfiguration"]["level"], LEVEL[sev])
            score = float(rule["properties"]["security-severity"])
            self.assertTrue({"high": 9.0 <= score, "medium": 4.0 <= score < 7.0, "low": score < 4.0}[sev], score)
        self.assertEqual(sorted(r["ruleId"] for r in run["results"]), sorted(want))
        vulns = rep["gitlab"]["vulnerabilities"]
        self.assertEqual(sorted((v["identifiers"][0]["value"], v["severity"]) for v in vulns),
                         sorted((rid, GITLAB[s]) for rid, s in want.items()))

    def test_rule_files_and_extra_rules_give_their_own_severity(self):
        self.write(".keyward.toml", EXTRA)
        self.check({RULE: "high", "acme-deploy-key": "medium"})

    def test_the_config_overrides_a_rule_severity(self):
        self.write(".keyward.toml", EXTRA + f'\n[rule."{RULE}"]\nseverity = "low"\n'
                   '\n[rule."acme-deploy-key"]\nseverity = "high"\n')
        self.check({RULE: "low", "acme-deploy-key": "high"})


if __name__ == "__main__":
    unittest.main()
