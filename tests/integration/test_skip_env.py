"""KEYWARD_SKIP=1 bypasses the git hooks once, on purpose (`KEYWARD_SKIP=1 git commit`).
Left exported in a shell (or set in CI), it must not turn scans run on purpose into exit 0:
outside hook mode (`--hook ...`, which the installed hooks pass) it is ignored, with a note."""
import json
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token

SKIP = {"KEYWARD_SKIP": "1"}


class SkipOnlyInHooks(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.token = fake_hf_token(1401)
        self.write("README.md", "hello\n")
        self.git("add", "-A")
        self.git("commit", "-qm", "base")
        self.base = self.git("rev-parse", "HEAD").out.strip()
        self.write("app.py", f'HF_TOKEN = "{self.token}"\n')
        self.git("add", "-A")
        self.git("commit", "-qm", "secret", "--no-verify")

    def assertScanned(self, r):
        self.assertEqual(r.rc, 1, r.all)
        self.assertNotIn("nothing was scanned", r.all)
        self.assertIn("KEYWARD_SKIP=1 is ignored", r.err)
        self.assertNoSecret(r.all, self.token)

    def test_disk_scan_ignores_skip(self):
        r = self.keyward(".", env=SKIP)
        self.assertScanned(r)
        self.assertIn("huggingface-user-token", r.out)

    def test_history_report_is_written(self):
        out = os.path.join(self.tmp, "x.sarif")
        r = self.keyward("--all-history", "-o", out, "--format", "sarif", env=SKIP)
        self.assertScanned(r)
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(len(doc["runs"][0]["results"]), 1)

    def test_range_ignores_skip(self):
        r = self.keyward("--range", f"{self.base}..HEAD", env=SKIP)
        self.assertScanned(r)

    def test_quiet_drops_the_note(self):
        r = self.keyward("-q", ".", env=SKIP)
        self.assertEqual(r.rc, 1, r.all)
        self.assertNotIn("KEYWARD_SKIP", r.err)

    def test_hook_mode_still_skips(self):
        r = self.keyward("--hook", "pre-commit", env=SKIP)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("nothing was scanned", r.err)

    def test_real_commit_with_the_hook_still_skips(self):
        self.write("more.py", f'TOKEN2 = "{fake_hf_token(1402)}"\n')
        self.git("add", "-A")
        before = self.git("rev-parse", "HEAD").out.strip()
        self.assertNotEqual(self.commit("blocked").rc, 0)
        self.assertEqual(self.git("rev-parse", "HEAD").out.strip(), before)
        r = self.git("commit", "-m", "skip", check=False, env=SKIP)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("KEYWARD_SKIP=1", r.err)
        self.assertNotEqual(self.git("rev-parse", "HEAD").out.strip(), before)

    def test_real_push_with_the_hook_still_skips(self):
        remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", remote)
        self.git("remote", "add", "origin", remote)
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotEqual(self.git("push", "-q", "origin", "main", check=False).rc, 0)
        r = self.git("push", "-q", "origin", "main", check=False, env=SKIP)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("KEYWARD_SKIP=1", r.err)
        # The hook passes --hook pre-push: keyward itself also skips when the variable
        # reaches it that way (a hook script that does not check it first).
        r = self.keyward("--hook", "pre-push", "origin", remote, input="", env=SKIP)
        self.assertEqual(r.rc, 0, r.all)


if __name__ == "__main__":
    unittest.main()
