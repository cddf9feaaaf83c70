"""Everyday use (issue 16): standard input, --format gitlab, "did you mean", one rule shown
whole, the ipynb-checkpoint check as a rule, -o's summary line, and the pre-merge-commit hook
blocking a real `git merge`. Real binary, real git; tokens built at run time."""
import json
import os
import re
import unittest

from kwtest import RepoTestCase, fake_hf_token

UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


class StdinTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)  # not a git repository

    def test_dash_scans_standard_input(self):
        tok = fake_hf_token(seed=1)
        r = self.keyward("-", "--format", "json", input=f'TOKEN = "{tok}"\n')
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, tok)
        f = r.json()["findings"]
        self.assertEqual([(x["rule"], x["path"], x["line"]) for x in f], [("huggingface-user-token", "-", 1)])

    def test_stdin_clean_is_exit_0(self):
        r = self.keyward("--stdin", input="x = 1\n")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("no findings", r.err)

    def test_stdin_name_names_it_and_path_rules_apply(self):
        tok = fake_hf_token(seed=2)
        r = self.keyward("-", "--stdin-name", "conf/app.py", input=f'TOKEN = "{tok}"\n')
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("conf/app.py:1:", r.out)
        self.assertNoSecret(r.all, tok)
        with open(os.path.join(self.repo, ".keyward.toml"), "w") as f:
            f.write('[allowlist]\npaths = ["fixtures/**"]\n')
        r = self.keyward("-", "--stdin-name", "fixtures/app.py", input=f'TOKEN = "{tok}"\n')
        self.assertEqual(r.rc, 0, r.all)
        r = self.keyward("-", "--stdin-name", "src/app.py", input=f'TOKEN = "{tok}"\n')
        self.assertEqual(r.rc, 1, r.all)

    def test_stdin_checkpoint_name(self):
        # --stdin-name under .ipynb_checkpoints/ inside a repository: the hygiene finding.
        self.git("init", "-q", "-b", "main", self.repo)
        r = self.keyward("-", "--stdin-name", "nb/.ipynb_checkpoints/a-checkpoint.py", "--format", "json",
                         input="x = 1\n")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([x["rule"] for x in r.json()["findings"]], ["ipynb-checkpoint"])

    def test_stdin_usage_errors(self):
        r = self.keyward("-", "some/path", input="")
        self.assertEqual(r.rc, 2, r.all)
        r = self.keyward("--stdin-name", "x.py", "some/path", input="")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("--stdin-name", r.err)

    def test_dev_stdin_as_path_still_works(self):
        tok = fake_hf_token(seed=3)
        r = self.keyward("/dev/stdin", input=f'TOKEN = "{tok}"\n')
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, tok)


class GitlabReportTest(RepoTestCase):
    """The fields of the GitLab report that keyward fills in, checked one by one (the
    schema validation of whole reports is test_gitlab_schema.py)."""

    def check_report(self, doc, raw):
        self.assertNotIn(raw, json.dumps(doc))
        self.assertRegex(doc["version"], r"^15\.0\.\d+$")
        scan = doc["scan"]
        self.assertEqual(scan["type"], "secret_detection")
        self.assertEqual(scan["status"], "success")
        for k in ("analyzer", "scanner"):
            for field in ("id", "name", "version"):
                self.assertIsInstance(scan[k][field], str)
            self.assertIsInstance(scan[k]["vendor"]["name"], str)
        self.assertRegex(scan["start_time"], UTC_TIME)
        self.assertRegex(scan["end_time"], UTC_TIME)
        self.assertLessEqual(scan["start_time"], scan["end_time"])
        ids = set()
        for v in doc["vulnerabilities"]:
            self.assertTrue(v["id"])
            ids.add(v["id"])
            self.assertEqual(v["category"], "secret_detection")
            self.assertIn(v["severity"], ("Info", "Unknown", "Low", "Medium", "High", "Critical"))
            self.assertTrue(v["name"] and v["description"])
            self.assertEqual(set(v["scanner"]), {"id", "name"})
            loc = v["location"]
            self.assertIsInstance(loc["file"], str)
            self.assertGreaterEqual(loc["start_line"], 1)
            self.assertGreaterEqual(loc["end_line"], loc["start_line"])
            self.assertTrue(loc["commit"]["sha"])
            self.assertGreaterEqual(len(v["identifiers"]), 1)
            for i in v["identifiers"]:
                self.assertTrue(i["type"] and i["name"] and i["value"])
        self.assertEqual(len(ids), len(doc["vulnerabilities"]), "ids must be unique")

    def test_history_report(self):
        self.init_repo(hook=False)
        tok = fake_hf_token(seed=4)
        self.write("app/config.py", f'TOKEN = "{tok}"\n')
        self.git("add", ".")
        self.git("commit", "-q", "-m", "leak")
        sha = self.git("rev-parse", "HEAD").out.strip()
        out = os.path.join(self.tmp, "gl-secret-detection-report.json")
        r = self.keyward("--all-history", "--format", "gitlab", "-o", out, "--show-secrets")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, tok)
        with open(out) as f:
            text = f.read()
        self.assertNoSecret(text, tok)  # masked even with --show-secrets: it goes to a server
        doc = json.loads(text)
        self.check_report(doc, tok)
        [v] = doc["vulnerabilities"]
        self.assertEqual(v["location"]["file"], "app/config.py")
        self.assertEqual(v["location"]["commit"]["sha"], sha)
        self.assertEqual(v["identifiers"][0]["value"], "huggingface-user-token")

    def test_clean_disk_report(self):
        os.makedirs(self.repo)
        self.write("a.py", "x = 1\n")
        r = self.keyward("--format", "gitlab", ".")
        self.assertEqual(r.rc, 0, r.all)
        doc = r.json()
        self.check_report(doc, "hf_")
        self.assertEqual(doc["vulnerabilities"], [])

    def test_format_list_mentions_gitlab(self):
        os.makedirs(self.repo)
        r = self.keyward("--format", "gitlap", ".")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("gitlab", r.err)


class DidYouMeanTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)

    def test_help_bogus(self):
        r = self.keyward("help", "bogus")
        self.assertEqual(r.rc, 2, r.all)
        r = self.keyward("help", "instal")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean 'install'?", r.err)
        r = self.keyward("help", "install")
        self.assertEqual(r.rc, 0, r.all)

    def test_mistyped_command(self):
        r = self.keyward("isntall")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean 'install'?", r.err)
        r = self.keyward("rulse")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean 'rules'?", r.err)

    def test_existing_path_named_like_a_command_is_scanned(self):
        os.makedirs(os.path.join(self.repo, "rule"))
        r = self.keyward("rule")
        self.assertEqual(r.rc, 0, r.all)

    def test_mistyped_option(self):
        r = self.keyward("--all-histroy")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean '--all-history'?", r.err)
        r = self.keyward("--formt", "json", ".")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean '--format'?", r.err)

    def test_mistyped_rule_id(self):
        r = self.keyward("rules", "huggingface-user-tokn")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean 'huggingface-user-token'?", r.err)
        r = self.keyward("rules", "BOGUS-ID")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("no rule 'BOGUS-ID'", r.err)


class RulesShowTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)

    def test_one_rule_whole(self):
        r = self.keyward("rules", "huggingface-user-token")
        self.assertEqual(r.rc, 0, r.all)
        for field in ("id", "provider", "description", "regex", "keywords", "entropy", "validator", "advice",
                      "examples", "references"):
            self.assertRegex(r.out, rf"(?m)^{field}\s", field)
        self.assertIn("hf_", r.out)

    def test_json_fields(self):
        r = self.keyward("rules", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        doc = r.json()
        self.assertEqual(doc["count"], len(doc["rules"]))
        by_id = {x["id"]: x for x in doc["rules"]}
        hf = by_id["huggingface-user-token"]
        for field in ("regex", "keywords", "min_entropy", "validator", "advice", "examples", "references"):
            self.assertIn(field, hf)
        self.assertGreaterEqual(len(hf["examples"]["positive"]), 2)
        self.assertIn("ipynb-checkpoint", by_id)
        r = self.keyward("rules", "huggingface-user-token", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["id"], "huggingface-user-token")


class CheckpointRuleTest(RepoTestCase):
    def stage_checkpoint(self, rel):
        self.write(rel, '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n')
        self.git("add", "-f", rel)

    def test_listed_in_rules(self):
        os.makedirs(self.repo)
        r = self.keyward("rules")
        self.assertEqual(r.rc, 0, r.all)
        self.assertRegex(r.out, r"(?m)^ipynb-checkpoint\s")
        r = self.keyward("rules", "ipynb-checkpoint")
        self.assertEqual(r.rc, 0, r.all)

    def test_nested_folder_advice_and_disable(self):
        self.init_repo()
        self.stage_checkpoint("models/exp 1/.ipynb_checkpoints/train-checkpoint.ipynb")
        r = self.commit("checkpoint")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("ipynb-checkpoint", r.all)
        self.assertIn("git rm -r --cached 'models/exp 1/.ipynb_checkpoints'", r.all)
        self.write(".keyward.toml", '[rules_config]\ndisable = ["ipynb-checkpoint"]\n')
        self.git("add", ".keyward.toml")  # the hook takes the staged config
        r = self.commit("checkpoint")
        self.assertEqual(r.rc, 0, r.all)

    def test_disable_with_rule_table(self):
        self.init_repo()
        self.write(".keyward.toml", '[rule.ipynb-checkpoint]\ndisable = true\n')
        self.git("add", ".keyward.toml")  # the hook takes the staged config
        self.stage_checkpoint(".ipynb_checkpoints/a-checkpoint.ipynb")
        r = self.commit("checkpoint")
        self.assertEqual(r.rc, 0, r.all)

    def test_outside_git_a_warning(self):
        os.makedirs(self.repo)
        self.write("model/.ipynb_checkpoints/a-checkpoint.ipynb", "{}\n")
        self.write("model/.ipynb_checkpoints/b-checkpoint.ipynb", "{}\n")
        r = self.keyward("model")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.err.count("warning: model/.ipynb_checkpoints/:"), 1, r.err)
        # Configured: a finding again.
        self.write(".keyward.toml", '[checkpoints]\nblock = true\n')
        r = self.keyward("model")
        self.assertEqual(r.rc, 1, r.all)
        # A secret in the checkpoint copy is still a finding.
        os.unlink(os.path.join(self.repo, ".keyward.toml"))
        tok = fake_hf_token(seed=5)
        self.write("model/.ipynb_checkpoints/c.py", f'T = "{tok}"\n')
        r = self.keyward("model")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, tok)


class OutputSummaryTest(RepoTestCase):
    def test_output_file_prints_summary_and_where(self):
        os.makedirs(self.repo)
        tok = fake_hf_token(seed=6)
        self.write("a.py", f'T = "{tok}"\n')
        out = os.path.join(self.tmp, "r.json")
        r = self.keyward("--format", "json", "-o", out, ".")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(r.out, "")
        self.assertRegex(r.err, r"keyward: scanned 1 blob, .*: 1 finding; json report written to " + re.escape(out))
        r = self.keyward("-q", "--format", "json", "-o", out, ".")
        self.assertNotIn("report written", r.err)

    def test_pre_commit_with_output(self):
        self.init_repo(hook=False)
        self.write("a.py", "x = 1\n")
        self.git("add", ".")
        out = os.path.join(self.tmp, "r.sarif")
        r = self.keyward("--format", "sarif", "-o", out)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("no findings; sarif report written to", r.err)


class PreMergeCommitTest(RepoTestCase):
    def test_merge_bringing_a_secret_is_blocked(self):
        self.init_repo()
        self.assertTrue(os.access(os.path.join(self.repo, ".git", "hooks", "pre-merge-commit"), os.X_OK))
        self.write("a.py", "x = 1\n")
        self.git("add", ".")
        self.assertEqual(self.commit("base").rc, 0)
        tok = fake_hf_token(seed=7)
        self.git("checkout", "-q", "-b", "feature")
        self.write("leak.py", f'T = "{tok}"\n')
        self.git("add", ".")
        self.assertEqual(self.commit("leak", "--no-verify").rc, 0)
        self.git("checkout", "-q", "main")
        self.write("b.py", "y = 2\n")
        self.git("add", ".")
        self.assertEqual(self.commit("main work").rc, 0)
        head = self.git("rev-parse", "HEAD").out
        r = self.git("merge", "--no-edit", "feature", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("merge blocked", r.all)
        self.assertNoSecret(r.all, tok)
        self.assertEqual(self.git("rev-parse", "HEAD").out, head, "no merge commit was made")
        self.git("merge", "--abort")
        # A clean merge goes through.
        self.git("checkout", "-q", "-b", "clean", "feature~1")
        self.write("c.py", "z = 3\n")
        self.git("add", ".")
        self.assertEqual(self.commit("clean").rc, 0)
        self.git("checkout", "-q", "main")
        r = self.git("merge", "--no-edit", "clean", check=False)
        self.assertEqual(r.rc, 0, r.all)

    def test_reinstall_says_already_installed(self):
        self.init_repo()
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("already installed", r.out)
        self.assertIn("pre-merge-commit", r.out)
        self.assertNotRegex(r.out, r"(?m)^installed ")
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(os.path.join(self.repo, ".git", "hooks", "pre-merge-commit")))


if __name__ == "__main__":
    unittest.main()
