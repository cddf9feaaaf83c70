"""Allowlist globs are matched in linear time: a pattern with many stars against a long
name must not hang the hook (the old matcher backtracked exponentially)."""
import os
import signal
import subprocess
import time
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token

PATTERN = "*a*a*a*a*a*a*a*a*b"


class PathologicalGlob(RepoTestCase):
    def run_bounded(self, args, bound=60):
        """Runs args (in its own process group, so a hanging keyward under git is killed
        too) and fails the test when it takes longer than bound seconds."""
        start = time.monotonic()
        p = subprocess.Popen(args, cwd=self.repo, env=self.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = p.communicate(timeout=bound)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            self.fail(f"{args} still running after {bound} s: the glob backtracks")
        return p.returncode, out + err, time.monotonic() - start

    def setUp(self):
        super().setUp()
        self.init_repo()
        # A path component holds at most 255 bytes, a path 4095: the 10,000-character case
        # is in glob_test.cc; here a long name and a deep path go through git and the hook.
        self.deep = "/".join(["a" * 250] * 14) + "/" + "a" * 200
        self.token = fake_hf_token(1901)
        self.write(".keyward.toml", f'[allowlist]\npaths = ["{PATTERN}", "a*/**/*a*a*a*a*a*a*a*a*b/"]\n')
        self.write(self.deep, f'HF_TOKEN = "{self.token}"\n')
        self.write("a" * 240 + ".txt", f'HF_TOKEN = "{self.token}"\n')
        self.git("add", "-A")
        # Warm the pattern cache, so that the time bound measures matching, not compiling.
        self.assertEqual(self.keyward("rules").rc, 0)

    def test_commit_with_many_star_allowlist_finishes_and_blocks(self):
        rc, out, secs = self.run_bounded(["git", "commit", "-m", "x"])
        self.assertNotEqual(rc, 0, out)  # neither name ends in b: not allowlisted, blocked
        self.assertIn("huggingface-user-token", out)
        self.assertNoSecret(out, self.token)
        self.assertLess(secs, 60)

    def test_disk_scan_with_many_star_allowlist_finishes(self):
        rc, out, secs = self.run_bounded([KEYWARD, "."])
        self.assertEqual(rc, 1, out)
        self.assertIn("2 findings", out)
        self.assertLess(secs, 60)


if __name__ == "__main__":
    unittest.main()
