"""Never the leak: keyward must not become the place a secret escapes to.

Every mode, every output format, every file keyward writes (reports, baselines, the cache)
and every message is searched for the raw secrets, and for any long piece of them. Only
--show-secrets may print them, and there it must.
"""
import base64
import hashlib
import json
import os
import shutil
import string
import tempfile
import unittest

from kwtest import RepoTestCase, fake_hf_token, fake_token

WINDOW = 10  # no run of this many secret characters may appear (masks show 5 + 3)


class NoLeakTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        # The class's own pattern cache, written by its first run and searched by every
        # test, so that what keyward writes there is checked too (one compile per class:
        # it is the costliest part of a run under the sanitizers).
        cls.cache_root = tempfile.mkdtemp(prefix="keyward-noleak-cache-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.cache_root, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.plain = fake_hf_token(seed=101)
        self.in_notebook = fake_hf_token(seed=202)
        self.encoded = fake_hf_token(seed=303)
        self.secrets = [self.plain, self.in_notebook, self.encoded]
        self.env["KEYWARD_CACHE_DIR"] = os.path.join(self.cache_root, "keyward")
        self.init_repo()
        self.write("README.md", "hello\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("first").rc, 0)
        self.write("app/settings.py", f'HF_TOKEN = "{self.plain}"\n')
        cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
                "source": ["import os\n", f'os.environ["HF_TOKEN"] = "{self.in_notebook}"\n']}
        nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        self.write("nb/train.ipynb", json.dumps(nb, indent=1))
        blob = base64.b64encode(f"HF_TOKEN={self.encoded}\n".encode()).decode()
        self.write("deploy/env.yaml", f"data: {blob}\n")
        self.git("add", "-A")

    # --- the check -------------------------------------------------------------------
    def pieces(self, secret):
        return {secret[i:i + WINDOW] for i in range(len(secret) - WINDOW + 1)}

    def assertClean(self, where, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for s in self.secrets:
            self.assertNotIn(s, text, f"raw secret leaked in {where}")
            for p in self.pieces(s):
                self.assertNotIn(p, text, f"a {WINDOW}-character piece of a secret leaked in {where}")

    def assertCleanRun(self, what, r, rcs=(1,)):
        self.assertIn(r.rc, rcs, f"{what}:\n{r.all}")
        self.assertClean(f"{what} stdout", r.out)
        self.assertClean(f"{what} stderr", r.err)

    def written_files(self):
        """Every file under the test's temp dir except the work tree and its .git, and
        every file in the pattern cache (shared by the suite, so outside the temp dir)."""
        for top in (self.tmp, self.env["KEYWARD_CACHE_DIR"]):
            for root, dirs, files in os.walk(top):
                if os.path.abspath(root) == os.path.abspath(self.repo):
                    dirs[:] = []  # the sources and .git hold the secret by construction
                for f in files:
                    yield os.path.join(root, f)

    def assertNoFileLeaks(self):
        seen = 0
        for p in self.written_files():
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                continue  # a concurrent test's cache temp file, renamed into place meanwhile
            self.assertClean(p, data)
            seen += 1
        return seen

    # --- the tests -------------------------------------------------------------------
    def test_every_output_is_masked(self):
        out = os.path.join(self.tmp, "out")
        os.makedirs(out)
        # The blocked commit itself, through the installed hook.
        r = self.commit("leak?")
        self.assertBlocked(r)
        self.assertCleanRun("git commit (hook)", r, rcs=(1,))
        found = self.keyward("--hook", "pre-commit", "--format", "json").json()["findings"]
        self.assertGreaterEqual({f["path"] for f in found}, {"app/settings.py", "nb/train.ipynb"})

        for fmt in ("text", "json", "sarif"):
            for extra in ([], ["-v"], ["--color", "always"]):
                self.assertCleanRun(f"pre-commit {fmt} {extra}",
                                    self.keyward("--hook", "pre-commit", "--format", fmt, *extra))
            path = os.path.join(out, f"report.{fmt}")
            self.assertCleanRun(f"pre-commit {fmt} --output",
                                self.keyward("--format", fmt, "--output", path))
            self.assertGreater(os.path.getsize(path), 0)
            self.assertCleanRun(f"disk {fmt}", self.keyward("--format", fmt, "-v", self.repo))

        # A baseline written from the findings holds fingerprints only.
        bl = os.path.join(out, "baseline.txt")
        r = self.keyward("baseline", "-o", bl)
        self.assertCleanRun("baseline", r, rcs=(0,))
        with open(bl) as f:
            lines = [l for l in f.read().splitlines() if l and not l.startswith("#")]
        self.assertGreaterEqual(len(lines), 2)
        self.assertCleanRun("scan with baseline", self.keyward("--baseline", bl, "--report-unused", "-v"),
                            rcs=(0, 1))

        # Error paths that come after the findings are known.
        self.assertCleanRun("unwritable --output",
                            self.keyward("--output", os.path.join(self.tmp, "no", "such", "dir", "r.txt")),
                            rcs=(2,))
        self.assertCleanRun("bad baseline", self.keyward("--baseline", os.path.join(out, "report.text")),
                            rcs=(2,))

        # History and range modes, once the secrets are committed on purpose.
        self.assertEqual(self.git("commit", "-qm", "leak", "--no-verify", check=False).rc, 0)
        for fmt in ("text", "json", "sarif"):
            self.assertCleanRun(f"--all-history {fmt}",
                                self.keyward("--all-history", "--format", fmt, "-v", "--no-progress"),
                                rcs=(1,))
            self.assertCleanRun(f"--range {fmt}", self.keyward("--range", "HEAD~1..HEAD", "--format", fmt),
                                rcs=(1,))

        n = self.assertNoFileLeaks()
        self.assertGreater(n, 5)
        cache = self.env["KEYWARD_CACHE_DIR"]
        self.assertTrue(os.path.isdir(cache) and os.listdir(cache), "the cache was not written")

    def test_show_secrets_shows_them(self):
        for fmt in ("text", "json", "sarif"):
            r = self.keyward("--hook", "pre-commit", "--format", fmt, "--show-secrets")
            self.assertEqual(r.rc, 1, r.all)
            self.assertIn(self.plain, r.out, f"--show-secrets {fmt} did not show the secret")
            self.assertIn(self.in_notebook, r.out)
            with self.assertRaises(AssertionError):  # the leak check itself sees them
                self.assertClean("--show-secrets output", r.out)
        # Even with --show-secrets the cache and baseline hold no secret.
        bl = os.path.join(self.tmp, "bl")
        self.keyward("baseline", "-o", bl, "--show-secrets")
        self.assertNoFileLeaks()

    def test_fingerprints_are_not_plain_hashes(self):
        findings = self.keyward("--hook", "pre-commit", "--format", "json").json()["findings"]
        self.assertTrue(findings)
        for f in findings:
            fp = f["fingerprint"]
            self.assertRegex(fp, r"^[0-9a-f]{32}$")
            for s in self.secrets:
                for h in (hashlib.sha256, hashlib.sha1, hashlib.md5):
                    for data in (s, f["rule"] + s, f["rule"] + ":" + s):
                        self.assertNotIn(fp, h(data.encode()).hexdigest(),
                                         "fingerprint is a plain hash a dictionary can reverse")
            self.assertNotIn(fp, json.dumps([s for s in self.secrets]))
        # Same secret, same rule: same fingerprint in any file (baselines must match).
        self.write("other/place.py", f'token = "{self.plain}"\n')
        self.git("add", "-A")
        again = self.keyward("--hook", "pre-commit", "--format", "json").json()["findings"]
        fps = {f["path"]: f["fingerprint"] for f in again}
        self.assertEqual(fps["app/settings.py"], fps["other/place.py"])

    def test_masking_of_short_and_odd_secrets(self):
        # A generic secret near a keyword, with non-alphanumeric characters and a long one.
        long_secret = fake_token("hf_", 34, seed=5) + fake_token("", 200, alphabet=string.ascii_letters, seed=6)
        self.secrets.append(long_secret)
        self.write("long.txt", f"HF_TOKEN={long_secret}\n")
        self.git("add", "-A")
        for fmt in ("text", "json", "sarif"):
            r = self.keyward("--hook", "pre-commit", "--format", fmt, "-v")
            self.assertCleanRun(f"odd secrets {fmt}", r)


B64 = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"


def base64_of(plain, secret):
    """The base64 characters of b64encode(plain) that encode nothing but secret's bytes
    (whole 3-byte groups inside it): what a reader would decode the secret from."""
    enc = base64.b64encode(plain.encode()).decode()
    at = plain.encode().find(secret.encode())
    first, last = (at + 2) // 3, (at + len(secret)) // 3
    return enc[first * 4:last * 4]


class OtherSecretsOnTheLineTest(RepoTestCase):
    """An excerpt shows a line; every secret on that line is masked, not only the
    finding's own: another finding's, a candidate a filter dropped, the base64 text of one."""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("README.md", "hello\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("first").rc, 0)
        hf, hf2, hf3 = fake_hf_token(seed=401), fake_hf_token(seed=402), fake_hf_token(seed=403)
        aws_id = "AKIA" + fake_token("", 16, alphabet=string.ascii_uppercase + "234567", seed=404)
        aws_secret = fake_token("", 40, alphabet=string.ascii_letters + string.digits, seed=405)
        allowed = fake_hf_token(seed=406)  # allowlisted by value: not reported, still a secret
        self.write(".keyward.toml", f'[allowlist]\nvalues = ["{allowed}"]\n')
        self.write("deploy/.env", f"HF={hf} AK={aws_id}\n")
        self.write("keys/credentials.csv",
                   "User name,Access key ID,Secret access key\n" f"deploy,{aws_id},{aws_secret}\n")
        out = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": {"text/plain": [f"{{'token': '{hf2}', 'hub_token': '{hf2}', 'old': '{allowed}'}}"]}}
        cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [out],
                "source": ["from huggingface_hub import login\n", "login()\n"]}
        self.write("nb/login.ipynb", json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                                 "nbformat_minor": 5}, indent=1))
        plain = f"HF_TOKEN={hf3}\nHUB_TOKEN={hf}\n"
        self.write("k8s/secret.yaml", f"data:\n  env: {base64.b64encode(plain.encode()).decode()}\n")
        self.git("add", "-A")
        self.secrets = [hf, hf2, hf3, aws_id, aws_secret, allowed,
                        base64_of(plain, hf3), base64_of(plain, hf)]

    def assertClean(self, where, text):
        for s in self.secrets:
            window = min(WINDOW, len(s))
            for i in range(len(s) - window + 1):
                self.assertNotIn(s[i:i + window], text, f"a piece of a secret leaked in {where}:\n{text}")

    def check_run(self, what, r, rcs=(1,)):
        self.assertIn(r.rc, rcs, f"{what}:\n{r.all}")
        self.assertClean(f"{what} stdout", r.out)
        self.assertClean(f"{what} stderr", r.err)
        return r

    def test_no_mode_or_format_shows_another_secret(self):
        r = self.check_run("git commit (hook)", self.commit("leak?"))
        self.assertBlocked(r)
        for fmt in ("text", "json", "sarif"):
            self.check_run(f"pre-commit {fmt}", self.keyward("--hook", "pre-commit", "--format", fmt, "-v"))
            self.check_run(f"disk {fmt}", self.keyward("--format", fmt, "-v", "."))
        got = self.keyward("--format", "json").json()["findings"]
        rules = {(f["path"], f["rule"]) for f in got}
        # The cases are really there: two findings on the .env line, the CSV pair, both copies
        # in the notebook output, both tokens of the base64 line.
        self.assertLessEqual({("deploy/.env", "huggingface-user-token"), ("deploy/.env", "aws-access-key-id"),
                              ("keys/credentials.csv", "aws-credential-pair")}, rules)
        self.assertEqual(sum(f["path"] == "nb/login.ipynb" for f in got), 2)
        self.assertEqual(sum(f["path"] == "k8s/secret.yaml" for f in got), 2)

        self.assertEqual(self.git("commit", "-qm", "leak", "--no-verify", check=False).rc, 0)
        for fmt in ("text", "json", "sarif"):
            self.check_run(f"--all-history {fmt}", self.keyward("--all-history", "--format", fmt, "--no-progress"))
            self.check_run(f"--range {fmt}", self.keyward("--range", "HEAD~1..HEAD", "--format", fmt))
        # pre-push: a real push to a bare remote, through the installed hook.
        remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", remote)
        self.git("remote", "add", "origin", remote)
        self.assertEqual(self.keyward("install", "--pre-push", "--force").rc, 0)
        r = self.check_run("git push (pre-push hook)", self.git("push", "-q", "origin", "main", check=False),
                           rcs=(1,))
        self.assertIn("keyward", r.err)

    def test_show_secrets_still_shows_the_line(self):
        r = self.keyward("--hook", "pre-commit", "--show-secrets")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn(self.secrets[3], r.out)  # the AWS key id, in the .env line of the HF finding
        self.assertIn(self.secrets[4], r.out)


class ErrorMessagesQuoteNothingTest(RepoTestCase):
    """An error names the file, line and column; it never quotes what the file holds."""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.secret = fake_hf_token(seed=501)
        self.write("x.py", "x = 1\n")
        self.git("add", "-A")

    def assertNoPiece(self, r, where):
        self.assertEqual(r.rc, 2, f"{where}:\n{r.all}")
        for i in range(len(self.secret) - 8 + 1):
            self.assertNotIn(self.secret[i:i + 8], r.all, f"{where} quoted the file:\n{r.all}")

    def test_baseline_that_is_not_one(self):
        self.write(".env", f"HF_TOKEN={self.secret}\n")
        for args in (("--baseline", ".env"), ("--baseline", ".env", "."), ("--all-history", "--baseline", ".env")):
            r = self.keyward(*args)
            self.assertNoPiece(r, args)
            self.assertIn(".env:1:1:", r.err)
        self.write("bl", f"# fingerprint-key: {self.secret[:6]}\n")
        self.assertNoPiece(self.keyward("--baseline", "bl"), "bad key in baseline")

    def test_config_errors(self):
        s = self.secret
        cases = [
            (f'[allowlist]\nfingerprints = ["{s}"]\n', "2:17"),
            (f'[allowlist]\nregexes = ["ok", "({s}"]\n', "2:18"),
            (f'[rule.huggingface-user-token]\nallow_regexes = ["[{s}"]\n', "2:18"),
            (f'[allowlist]\nvalues = ["{s}" "x"]\n', "2:"),
            (f'[allowlist]\nvalues = ["{s}\\q"]\n', "2:"),
            (f'[allowlist]\nstopwords = ["{s}\n', "2:"),
            (f'[allowlist]\n{s} = ["x"]\n', "2:1"),
            (f'fingerprint_key = "{s} x"\n', "1:19"),
            (f"a.b = 1\na.{s} = 2\na.{s} = 3\n", "3:"),
        ]
        for text, where in cases:
            self.write(".keyward.toml", text)
            r = self.keyward()
            self.assertNoPiece(r, text)
            self.assertIn(f".keyward.toml:{where}", r.err)
            c = self.commit()  # through the hook: blocked, and just as quiet about the content
            self.assertBlocked(c)
            self.assertNotIn(s[3:13], c.all)
        # A gitleaks configuration's allowlist regex that cannot be converted: a note, unquoted.
        self.write(".gitleaks.toml", f'[allowlist]\nregexes = ["(?={s})"]\n')
        r = self.keyward("rules", "--config", ".gitleaks.toml")
        self.assertNotIn(s[3:13], r.all)


if __name__ == "__main__":
    unittest.main()
