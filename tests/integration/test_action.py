"""The GitHub Action (action.yml, a composite action): its inputs are documented and mapped
to the script its steps run (.github/keyward-action.sh), and that script, run here with the
inputs and event variables GitHub would give it, scans what a pull request, a push, a new
branch or a scheduled run brings, writes SARIF, and hands the verdict over through
$GITHUB_OUTPUT. Real repositories, the real binary on PATH."""
import json
import os
import re
import unittest

import yaml

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

ACTION = os.path.join(SOURCE_DIR, "action.yml")
SCRIPT = os.path.join(SOURCE_DIR, ".github", "keyward-action.sh")
ZERO = "0" * 40


def outputs(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                out[k] = v
    return out


class ActionDefinitionTest(unittest.TestCase):
    def setUp(self):
        with open(ACTION) as f:
            self.action = yaml.safe_load(f)

    def test_composite_action_with_documented_inputs(self):
        a = self.action
        self.assertEqual(a["runs"]["using"], "composite")
        for name, spec in a["inputs"].items():
            self.assertTrue(spec.get("description"), f"input {name} has no description")
            self.assertIn("default", spec, name)
        steps = a["runs"]["steps"]
        runs = " ".join(s.get("run", "") for s in steps)
        self.assertIn(".github/keyward-action.sh\" install", runs)
        self.assertIn(".github/keyward-action.sh\" scan", runs)
        [upload] = [s for s in steps if "upload-sarif" in s.get("uses", "")]
        self.assertIn("always()", upload["if"])
        # Every input reaches the script (or the upload step).
        text = json.dumps(steps)
        for name in a["inputs"]:
            self.assertIn("inputs." + name, text, name)

    def test_documented_in_ci_md(self):
        with open(os.path.join(SOURCE_DIR, "docs", "ci.md")) as f:
            ci = f.read()
        self.assertIn("uses: keyward/keyward@v0", ci)
        for name in self.action["inputs"]:
            self.assertIn(f"`{name}`", ci, f"docs/ci.md does not describe the input {name}")


class ActionScriptTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.write("README.md", "hello\n")
        self.git("add", ".")
        self.git("commit", "-q", "-m", "base")
        self.base = self.head()
        self.gh_output = os.path.join(self.tmp, "github-output")
        # keyward on PATH: the action's install step finds it there.
        self.env["PATH"] = os.path.dirname(KEYWARD) + os.pathsep + self.env["PATH"]
        self.env.pop("KEYWARD_BIN", None)

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def add_commit(self, name, content, message):
        self.write(name, content)
        self.git("add", name)
        self.git("commit", "-q", "--no-verify", "-m", message)
        return self.head()

    def run_action(self, step, **inputs):
        env = {"GITHUB_OUTPUT": self.gh_output, "RUNNER_TEMP": self.tmp}
        env.update({k: v for k, v in inputs.items()})
        if os.path.exists(self.gh_output):
            os.unlink(self.gh_output)
        return self.run_cmd(["bash", SCRIPT, step], env=env)

    def sarif_results(self, name="keyward.sarif"):
        with open(os.path.join(self.repo, name)) as f:
            doc = json.load(f)
        return doc["runs"][0]["results"]

    def test_install_uses_keyward_on_path(self):
        r = self.run_action("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("using " + KEYWARD, r.err)
        r = self.run_action("install", KW_INSTALL="path", PATH="/usr/bin:/bin")
        self.assertEqual(r.rc, 2, r.all)

    def test_pull_request_with_a_secret(self):
        token = fake_hf_token(seed=1621)
        head = self.add_commit("app.py", f'TOKEN = "{token}"\n', "leak")
        r = self.run_action("scan", KW_EVENT="pull_request", KW_BASE=self.base, KW_HEAD=head, KW_SHA=head)
        self.assertEqual(r.rc, 0, "the scan step itself never fails: the SARIF is uploaded first\n" + r.all)
        self.assertIn(f"--range {self.base}..{head}", r.err)
        self.assertEqual(outputs(self.gh_output), {"exit-code": "1", "sarif-file": "keyward.sarif"})
        [res] = self.sarif_results()
        self.assertEqual(res["ruleId"], "huggingface-user-token")
        self.assertNoSecret(r.all, token)

    def test_clean_pull_request_and_secret_outside_the_range(self):
        token = fake_hf_token(seed=1622)
        self.add_commit("old.py", f'TOKEN = "{token}"\n', "old leak")
        base = self.head()
        head = self.add_commit("new.py", "x = 1\n", "clean")
        r = self.run_action("scan", KW_EVENT="pull_request", KW_BASE=base, KW_HEAD=head, KW_SHA=head,
                            KW_SARIF="out/report.sarif")
        self.assertEqual(outputs(self.gh_output).get("exit-code"), "0", r.all)
        self.assertEqual(self.sarif_results("out/report.sarif"), [])

    def test_push_and_new_branch(self):
        token = fake_hf_token(seed=1623)
        head = self.add_commit("app.py", f'TOKEN = "{token}"\n', "leak")
        r = self.run_action("scan", KW_EVENT="push", KW_BEFORE=self.base, KW_SHA=head)
        self.assertIn(f"--range {self.base}..{head}", r.err)
        self.assertEqual(outputs(self.gh_output)["exit-code"], "1", r.all)
        r = self.run_action("scan", KW_EVENT="push", KW_BEFORE=ZERO, KW_SHA=head)
        self.assertRegex(r.err, rf"--range {head} ")
        self.assertEqual(outputs(self.gh_output)["exit-code"], "1", r.all)

    def test_schedule_sweeps_all_history_with_extra_args(self):
        token = fake_hf_token(seed=1624)
        self.add_commit("app.py", f'TOKEN = "{token}"\n', "leak")
        self.add_commit("app.py", "TOKEN = None\n", "removed again")
        r = self.run_action("scan", KW_EVENT="schedule", KW_ARGS="--strict --jobs 1")
        self.assertIn("--all-history", r.err)
        self.assertIn("--strict --jobs 1", r.err)
        self.assertEqual(outputs(self.gh_output)["exit-code"], "1", r.all)
        self.assertEqual(len(self.sarif_results()), 1)

    def test_bad_input_is_an_error_verdict(self):
        r = self.run_action("scan", KW_SCAN="everything", KW_EVENT="push")
        self.assertEqual(outputs(self.gh_output).get("exit-code"), "2", r.all)
        self.assertIn("not auto, range or all-history", r.err)
        r = self.run_action("scan", KW_SCAN="range", KW_EVENT="workflow_dispatch")
        self.assertEqual(outputs(self.gh_output).get("exit-code"), "2", r.all)

    def test_shallow_clone_is_deepened(self):
        token = fake_hf_token(seed=1625)
        head = self.add_commit("app.py", f'TOKEN = "{token}"\n', "leak")
        clone = os.path.join(self.tmp, "shallow")
        self.run_cmd(["git", "clone", "-q", "--depth", "1", "file://" + self.repo, clone], cwd=self.tmp, check=True)
        env = {"GITHUB_OUTPUT": self.gh_output, "KW_EVENT": "pull_request", "KW_BASE": self.base, "KW_HEAD": head}
        r = self.run_cmd(["bash", SCRIPT, "scan"], cwd=clone, env=env)
        self.assertIn("shallow", r.err)
        self.assertEqual(outputs(self.gh_output).get("exit-code"), "1", r.all)
        self.assertRegex(r.err, r"secrets found")


class OrgSweepDocTest(RepoTestCase):
    """docs/ci.md's organisation sweep: the summary job's merge, run as written on the JSON
    reports of two real repositories."""

    def test_summary_merge_as_documented(self):
        import shutil
        if not shutil.which("jq"):
            self.fail("jq is missing (./install.sh --deps-only --test-deps installs it)")
        with open(os.path.join(SOURCE_DIR, "docs", "ci.md")) as f:
            ci = f.read()
        m = re.search(r"(?ms)^      (for f in reports/\*\.json; do\n.*?> org-findings\.json)$", ci)
        self.assertTrue(m, "docs/ci.md has no summary merge loop")
        merge = re.sub(r"(?m)^      ", "", m.group(1))
        reports = os.path.join(self.tmp, "reports")
        os.makedirs(reports)
        tokens = {}
        for i, name in enumerate(("my-group_api", "my-group_web")):
            repo = self.init_repo(os.path.join(self.tmp, name), hook=False)
            tokens[name] = fake_hf_token(seed=1630 + i)
            with open(os.path.join(repo, "app.py"), "w") as f:
                f.write(f'TOKEN = "{tokens[name]}"\n')
            self.git("add", ".", cwd=repo)
            self.git("commit", "-q", "-m", "leak", cwd=repo)
            r = self.keyward("--all-history", "--format", "json", "-o", os.path.join(reports, name + ".json"), cwd=repo)
            self.assertEqual(r.rc, 1, r.all)
        r = self.run_cmd(["bash", "-c", merge], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        with open(os.path.join(self.tmp, "org-findings.json")) as f:
            text = f.read()
        for t in tokens.values():
            self.assertNoSecret(text, t)
        doc = json.loads(text)
        self.assertEqual(sorted(x["repo"] for x in doc["findings"]), ["my-group_api", "my-group_web"])
        self.assertTrue(all(x["rule"] == "huggingface-user-token" and x["fingerprint"] for x in doc["findings"]))


if __name__ == "__main__":
    unittest.main()
