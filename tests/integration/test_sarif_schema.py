"""`--format sarif` validated against the SARIF 2.1.0 JSON schema.

The schema (sarif-2.1.0-rtm.5.json) ships inside the npm package @microsoft/jest-sarif (MIT)
and is validated with ajv 6; both are installed from the npm registry before the tests run
(tests/integration/validators/setup.sh, pinned by its package.json; tests/run.sh calls it),
so the test itself downloads nothing. Nothing is vendored.
"""
import json
import os
import shutil
import subprocess
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token

HERE = os.path.dirname(os.path.abspath(__file__))
# Set up before the tests by tests/run.sh (tests/integration/validators/setup.sh DIR).
VALIDATOR_DIR = os.environ.get("KEYWARD_VALIDATOR_DIR") or os.path.join(os.path.dirname(KEYWARD), "validators")
NODE = shutil.which("node") or shutil.which("nodejs")


def read(p):
    with open(p) as f:
        return f.read()


class SarifSchemaTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        if not NODE or not os.path.isdir(os.path.join(VALIDATOR_DIR, "node_modules")):
            raise AssertionError(f"the schema validator is not set up in {VALIDATOR_DIR}: run "
                                 f"tests/integration/validators/setup.sh {VALIDATOR_DIR} (tests/run.sh does)")

    def validate(self, path):
        p = subprocess.run([NODE, os.path.join(VALIDATOR_DIR, "validate.js"), path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, f"{path} does not validate:\n{p.stdout}{p.stderr}\n{read(path)}")

    def sarif(self, *args, name="out.sarif", rc=(0, 1)):
        out = os.path.join(self.tmp, name)
        r = self.keyward("--format", "sarif", "-o", out, *args)
        self.assertIn(r.rc, rc, r.all)
        self.validate(out)
        with open(out) as f:
            return json.load(f)

    def test_validator_rejects_invalid_sarif(self):
        bad = os.path.join(self.tmp, "bad.sarif")
        with open(bad, "w") as f:
            json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": 1}}, "results": [{}]}]}, f)
        p = subprocess.run([NODE, os.path.join(VALIDATOR_DIR, "validate.js"), bad], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)

    def test_findings_validate(self):
        self.init_repo()
        t1, t2 = fake_hf_token(seed=1), fake_hf_token(seed=2)
        # Non-ASCII before the secret: SARIF columns are UTF-16 code units.
        self.write("a.py", f'# caf\u00e9 \U0001F600\nT = "{t1}"  # \u00e9\u00e9 x = "{t2}"\n')
        nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n", f'tok = "{t2}"\n'], "metadata": {},
                         "outputs": [], "execution_count": 1}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        self.write("nb/train.ipynb", json.dumps(nb, indent=1))
        self.git("add", "-A")
        doc = self.sarif()
        run = doc["runs"][0]
        self.assertEqual(doc["version"], "2.1.0")
        self.assertEqual(run["columnKind"], "utf16CodeUnits")
        results = run["results"]
        self.assertGreaterEqual(len(results), 3)
        rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
        for res in results:
            self.assertIn(res["ruleId"], rule_ids)
            self.assertTrue(res["partialFingerprints"])
            loc = res["locations"][0]["physicalLocation"]
            self.assertIn(loc["artifactLocation"]["uri"], ("a.py", "nb/train.ipynb"))
        text = json.dumps(doc)
        self.assertNotIn(t1, text)
        self.assertNotIn(t2, text)
        # The second secret on line 2 sits after two 2-byte characters: UTF-16 columns differ from bytes.
        js = self.keyward("--format", "json").json()["findings"]
        by_sarif = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                           r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in results)
        by_json = sorted((f["path"], f["column"]) for f in js)
        self.assertNotEqual(by_sarif, by_json)

    def test_no_findings_validates(self):
        self.init_repo()
        self.write("a.py", "x = 1\n")
        self.git("add", "-A")
        doc = self.sarif(rc=(0,))
        self.assertEqual(doc["runs"][0]["results"], [])

    def test_disk_and_history_modes_validate(self):
        self.init_repo()
        self.write("models/cfg.json", json.dumps({"hub_token": fake_hf_token(seed=3)}))
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "x")
        self.sarif("models/", name="disk.sarif")
        doc = self.sarif("--all-history", name="history.sarif")
        self.assertTrue(doc["runs"][0]["results"])


if __name__ == "__main__":
    unittest.main()
