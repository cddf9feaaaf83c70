"""`--format gitlab` validated against a JSON schema of GitLab's secret-detection report (15.0.x).

GitLab's own schema file (security-report-schemas, dist/secret-detection-report-format.json)
is shipped by no package registry the test machines reach (npm, Debian), so the schema used
here, tests/integration/schemas/gitlab-secret-detection-report-15.0.x.schema.json, is
transcribed by hand from GitLab's documentation of the report (its description says which
pages): it is not GitLab's published file. It is checked with the ajv that
tests/integration/validators/setup.sh installs for the SARIF schema test (tests/run.sh calls
it), so the test downloads nothing. Real binary, real git; tokens built at run time.
"""
import base64
import copy
import json
import os
import re
import shutil
import subprocess
import unittest

import yaml

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "schemas", "gitlab-secret-detection-report-15.0.x.schema.json")
VALIDATE = os.path.join(HERE, "validators", "validate_schema.js")
VALIDATOR_DIR = os.environ.get("KEYWARD_VALIDATOR_DIR") or os.path.join(os.path.dirname(KEYWARD), "validators")
NODE = shutil.which("node") or shutil.which("nodejs")
LEAK_WINDOW = 10  # masks show 5 + 3 characters of a secret


def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()


class SchemaCase(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        if not NODE or not os.path.isdir(os.path.join(VALIDATOR_DIR, "node_modules", "ajv")):
            raise AssertionError(f"the schema validator is not set up in {VALIDATOR_DIR}: run "
                                 f"tests/integration/validators/setup.sh {VALIDATOR_DIR} (tests/run.sh does)")

    def run_validator(self, *paths):
        env = dict(os.environ, NODE_PATH=os.path.join(VALIDATOR_DIR, "node_modules"))
        return subprocess.run([NODE, VALIDATE, SCHEMA, *paths], capture_output=True, text=True, env=env)

    def validate(self, path):
        p = self.run_validator(path)
        self.assertEqual(p.returncode, 0, f"{path} does not validate:\n{p.stdout}{p.stderr}\n{read(path)[:4000]}")


class GitlabSchemaTest(SchemaCase):
    def report(self, *args, name="gl.json", rc=(0, 1), secrets=(), **kw):
        """Runs keyward --format gitlab -o FILE ARGS, validates FILE, returns it parsed.
        --show-secrets is passed too: the GitLab report masks secrets all the same."""
        out = os.path.join(self.tmp, name)
        r = self.keyward("--format", "gitlab", "-o", out, "--show-secrets", *args, **kw)
        self.assertIn(r.rc, rc, r.all)
        self.validate(out)
        text = read(out)
        for s in secrets:  # as test_no_leak: neither the secret nor any 10-character piece of it
            for where, t in (("the report", text), ("the output", r.all)):
                for i in range(len(s) - LEAK_WINDOW + 1):
                    self.assertNotIn(s[i:i + LEAK_WINDOW], t, f"a piece of a secret leaked into {where}")
        return json.loads(text)

    def vulns(self, doc):
        return {(v["identifiers"][0]["value"], v["location"]["file"]): v for v in doc["vulnerabilities"]}

    # --- the schema rejects what GitLab rejects ---------------------------------------
    def test_schema_rejects_invalid_reports(self):
        os.makedirs(self.repo)
        self.write("a.py", f'T = "{fake_hf_token(seed=1)}"\n')
        good = self.report(".", name="good.json")
        self.assertEqual(len(good["vulnerabilities"]), 1)

        def broken(change):
            doc = copy.deepcopy(good)
            change(doc)
            return doc

        v0 = lambda d: d["vulnerabilities"][0]  # noqa: E731
        cases = {
            "no scan": lambda d: d.pop("scan"),
            "version not MAJOR.MINOR.PATCH": lambda d: d.update(version="15.0"),
            "scan type": lambda d: d["scan"].update(type="sast"),
            "scan status": lambda d: d["scan"].update(status="ok"),
            "time with a zone": lambda d: d["scan"].update(end_time="2024-01-01T00:00:00Z"),
            "analyzer without vendor": lambda d: d["scan"]["analyzer"].pop("vendor"),
            "scanner with empty version": lambda d: d["scan"]["scanner"].update(version=""),
            "analyzer url not http": lambda d: d["scan"]["analyzer"].update(url="github.com/keyward"),
            "vulnerability without id": lambda d: v0(d).pop("id"),
            "no identifiers": lambda d: v0(d).update(identifiers=[]),
            "identifier without value": lambda d: v0(d)["identifiers"][0].pop("value"),
            "identifier url not a URL": lambda d: v0(d)["identifiers"][0].update(url="go/wiki"),
            "severity spelling": lambda d: v0(d).update(severity="critical"),
            "name over 255": lambda d: v0(d).update(name="x" * 256),
            "solution over 7000": lambda d: v0(d).update(solution="x" * 7001),
            "location without commit": lambda d: v0(d)["location"].pop("commit"),
            "empty commit sha": lambda d: v0(d)["location"]["commit"].update(sha=""),
            "line as a string": lambda d: v0(d)["location"].update(start_line="1"),
        }
        paths = []
        for i, (what, change) in enumerate(cases.items()):
            p = os.path.join(self.tmp, f"bad{i}.json")
            with open(p, "w") as f:
                json.dump(broken(change), f)
            paths.append((what, p))
        for what, p in paths:
            r = self.run_validator(p)
            self.assertEqual(r.returncode, 1, f"{what}: accepted\n{r.stdout}{r.stderr}")

    # --- keyward's reports validate ----------------------------------------------------
    def test_findings_from_every_mode_validate(self):
        self.init_repo(hook=False)
        t1, t2, t3, t4, t5 = (fake_hf_token(seed=s) for s in (11, 12, 13, 14, 15))
        self.write("app/config.py", f'# caf\u00e9\nTOKEN = "{t1}"\n')
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "first")
        first = self.git("rev-parse", "HEAD").out.strip()
        nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n"], "metadata": {}, "execution_count": 1,
                         "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"{t2}\n"]}]}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        self.write("nb/train.ipynb", json.dumps(nb, indent=1))
        self.write("models/cfg.json", json.dumps({"hub_token": t3}))
        blob = base64.b64encode(f"HF_TOKEN={t5}\n".encode()).decode()
        self.write("deploy/env.yaml", f"data: {blob}\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "second")
        second = self.git("rev-parse", "HEAD").out.strip()
        secrets = (t1, t2, t3, t4, t5)

        # --all-history: every finding in the commit that brought it, with its author and date.
        doc = self.report("--all-history", name="history.json", rc=(1,), secrets=secrets)
        got = self.vulns(doc)
        self.assertEqual(set(got), {("huggingface-user-token", "app/config.py"),
                                    ("huggingface-user-token", "nb/train.ipynb"),
                                    ("huggingface-user-token", "models/cfg.json"),
                                    ("huggingface-user-token", "deploy/env.yaml")})
        commit = got[("huggingface-user-token", "app/config.py")]["location"]["commit"]
        self.assertEqual(commit["sha"], first)
        self.assertEqual(commit["author"], "Test Author <author@example.invalid>")
        self.assertTrue(commit["date"])
        self.assertEqual(got[("huggingface-user-token", "models/cfg.json")]["location"]["commit"]["sha"], second)
        self.assertEqual(got[("huggingface-user-token", "app/config.py")]["location"]["start_line"], 2)

        # --range of the last commit only.
        doc = self.report("--range", "HEAD~1..HEAD", name="range.json", rc=(1,), secrets=secrets)
        self.assertEqual({v["location"]["commit"]["sha"] for v in doc["vulnerabilities"]}, {second})

        # Disk: a folder, outside any commit.
        doc = self.report("app", "models", "nb", "deploy", name="disk.json", rc=(1,), secrets=secrets)
        self.assertEqual(len(doc["vulnerabilities"]), 4)
        self.assertEqual({v["location"]["commit"]["sha"] for v in doc["vulnerabilities"]}, {"0000000"})

        # Staged changes (the pre-commit hook's scan), a notebook checkpoint folder (a hygiene
        # finding without a secret) among them.
        self.write("src/settings.py", f'HF = "{t4}"\n')
        self.write("nb/.ipynb_checkpoints/train-checkpoint.ipynb", json.dumps({"cells": [], "metadata": {},
                                                                               "nbformat": 4, "nbformat_minor": 5}))
        self.git("add", "-A")
        doc = self.report("--hook", "pre-commit", name="staged.json", rc=(1,), secrets=secrets)
        rules = sorted(v["identifiers"][0]["value"] for v in doc["vulnerabilities"])
        self.assertEqual(rules, ["huggingface-user-token", "ipynb-checkpoint"])

        # Standard input.
        doc = self.report("-", "--stdin-name", "conf/app.py", name="stdin.json", rc=(1,), secrets=secrets,
                          input=f'TOKEN = "{t4}"\n')
        self.assertEqual([v["location"]["file"] for v in doc["vulnerabilities"]], ["conf/app.py"])

        ids = [v["id"] for v in doc["vulnerabilities"]]
        self.assertEqual(len(ids), len(set(ids)))

    def test_empty_report_validates(self):
        self.init_repo(hook=False)
        self.write("a.py", "x = 1\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "clean")
        for args, name in ((("--all-history",), "h.json"), ((".",), "d.json"), ((), "staged.json")):
            doc = self.report(*args, name=name, rc=(0,))
            self.assertEqual(doc["vulnerabilities"], [])
            self.assertEqual(doc["scan"]["status"], "success")

    def test_custom_rule_texts_fit_the_schema(self):
        """A rule from .keyward.toml may have a description longer than the 255 characters
        GitLab allows in a vulnerability's name, a reference that is no URL (an internal wiki
        shorthand), and advice longer than the 7000 characters of a solution."""
        os.makedirs(self.repo)
        desc = "ACME internal deployment key \u00e9 " * 12  # > 255 characters, not ASCII
        advice = "Rotate it in the ACME console. " * 300    # > 7000 characters
        with open(os.path.join(self.repo, ".keyward.toml"), "w", encoding="utf-8") as f:
            f.write("[[rules]]\nid = \"acme-key\"\n"
                    f"description = {json.dumps(desc)}\n"
                    "regex = '''\\b(acme_live_[a-z0-9]{32})\\b'''\nkeywords = [\"acme_live_\"]\n"
                    "references = [\"go/acme-keys\", \"https://wiki.example.invalid/acme\"]\n"
                    f"advice = {json.dumps(advice)}\n")
        key = "acme_live_" + "q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2"
        self.write("b.env", f"K={key}\n")
        doc = self.report(".", name="custom.json", rc=(1,), secrets=(key,))
        [v] = doc["vulnerabilities"]
        self.assertLessEqual(len(v["name"]), 255)
        self.assertTrue(v["name"].startswith(desc[:200]))
        self.assertEqual(v["identifiers"][0]["value"], "acme-key")
        # The first reference that is a URL, not the wiki shorthand.
        self.assertEqual(v["identifiers"][0]["url"], "https://wiki.example.invalid/acme")
        self.assertLessEqual(len(v["solution"]), 7000)
        self.assertTrue(v["solution"].startswith("Rotate it in the ACME console."))


class GitlabCiRecipeTest(SchemaCase):
    """docs/ci.md's GitLab CI jobs, their scripts run as written (bash -e, as the runner
    does) with GitLab's variables for a push: the report job succeeds on findings so that
    GitLab ingests its report, the gate job fails on them, and an error fails the first."""

    def setUp(self):
        super().setUp()
        with open(os.path.join(SOURCE_DIR, "docs", "ci.md"), encoding="utf-8") as f:
            ci = f.read()
        section = ci[ci.index("## GitLab CI"):]
        block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
        self.jobs = yaml.safe_load(block)
        self.assertEqual(self.jobs["keyward"]["artifacts"]["reports"]["secret_detection"],
                         "gl-secret-detection-report.json")
        self.assertEqual(self.jobs["keyward-gate"]["needs"], ["keyward"])
        self.init_repo(hook=False)
        self.write("README.md", "hello\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "first")

    def run_job(self, name, before, sha):
        script = "\n".join(self.jobs[name]["script"])
        env = {"PATH": os.path.dirname(KEYWARD) + os.pathsep + os.environ["PATH"],
               "CI_COMMIT_SHA": sha, "CI_COMMIT_BEFORE_SHA": before, "CI_MERGE_REQUEST_DIFF_BASE_SHA": None}
        shell = ["bash", "-e", "-o", "pipefail", "-c"] if name == "keyward" else ["sh", "-e", "-c"]
        return self.run_cmd(shell + [script], env=env)

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def test_findings_reach_the_report_and_fail_the_gate(self):
        before = self.head()
        tok = fake_hf_token(seed=21)
        self.write("app/config.py", f'TOKEN = "{tok}"\n')
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "leak")
        r = self.run_job("keyward", before, self.head())
        self.assertEqual(r.rc, 0, r.all)  # a failed job's security report is not ingested
        self.assertNoSecret(r.all, tok)
        report = os.path.join(self.repo, "gl-secret-detection-report.json")
        self.validate(report)
        self.assertNoSecret(read(report), tok)
        doc = json.loads(read(report))
        self.assertEqual([v["location"]["file"] for v in doc["vulnerabilities"]], ["app/config.py"])
        self.assertEqual(read(os.path.join(self.repo, "keyward.status")).strip(), "1")
        self.assertEqual(self.run_job("keyward-gate", before, self.head()).rc, 1)

    def test_clean_push_passes_both_jobs(self):
        self.write("a.py", "x = 1\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "clean")
        # A new branch: GitLab's before-SHA is all zeros, so the recipe scans the one commit.
        r = self.run_job("keyward", "0" * 40, self.head())
        self.assertEqual(r.rc, 0, r.all)
        self.validate(os.path.join(self.repo, "gl-secret-detection-report.json"))
        self.assertEqual(self.run_job("keyward-gate", "0" * 40, self.head()).rc, 0)

    def test_scan_error_fails_the_report_job(self):
        r = self.run_job("keyward", self.head(), "f" * 40)  # not a commit of this repository
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(read(os.path.join(self.repo, "keyward.status")).strip(), "2")


if __name__ == "__main__":
    unittest.main()
