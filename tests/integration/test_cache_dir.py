"""The pattern cache when things go wrong: an unwritable cache directory, a cold compile
interrupted by ^C, stale temporary files and a corrupt database. Every case still scans
and finds the secret; nothing partial is ever left for the next run.

These need cold compiles of the whole rule set (seconds each), so they run against the
release binary; test_bad_input.py, run under the sanitizers too, has the parsing cases.
"""
import glob
import os
import shutil
import signal
import subprocess
import time
import unittest

from kwtest import KEYWARD
from test_bad_input import BadInputCase


class CacheDirTest(BadInputCase):
    def test_unwritable_cache_still_scans(self):
        self.fresh_repo()
        blocker = os.path.join(self.tmp, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("x")
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        warned = []
        for cache in (blocker, os.path.join(blocker, "keyward")):
            with self.subTest(cache=cache):
                env = {"KEYWARD_CACHE_DIR": cache}
                r = self.keyward("--hook", "pre-commit", env=env)
                self.assertFound(r)
                warned.append("cannot write the pattern cache" in r.err)
                r = self.keyward("--hook", "pre-commit", "-v", env=env)
                self.assertEqual(r.rc, 1, r.all)
                self.assertBlocked(self.git("commit", "-m", "x", check=False, env=env))
        # The run that had to write the database said where it went instead (the next ones
        # read it from that fallback); test_warm_start covers the fallback itself.
        self.assertTrue(warned[0], "an unwritable cache was not mentioned")
        with open(blocker) as f:
            self.assertEqual(f.read(), "x")

    def test_interrupted_cold_compile_leaves_no_partial_cache(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        cache = os.path.join(self.tmp, "cold-cache")
        env = dict(self.env, KEYWARD_CACHE_DIR=cache)
        # While the rules load, and inside Hyperscan's compile (about 2 s on two cores).
        for delay in (0.05, 0.6):
            shutil.rmtree(cache, ignore_errors=True)
            p = subprocess.Popen([KEYWARD, "--hook", "pre-commit"], cwd=self.repo, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(delay)
            p.send_signal(signal.SIGINT)
            p.communicate(timeout=120)
            left = glob.glob(os.path.join(cache, "*")) if os.path.isdir(cache) else []
            self.assertEqual([f for f in left if ".tmp" in os.path.basename(f)], [],
                             f"partial cache file left after SIGINT at {delay}s")
            # Whatever was left is whole: the next run uses it and finds the secret.
            self.assertFound(self.keyward("--hook", "pre-commit", env={"KEYWARD_CACHE_DIR": cache}))

    def test_stale_temp_files_are_ignored_and_cleaned(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        cache = os.path.join(self.tmp, "stale-cache")
        env = {"KEYWARD_CACHE_DIR": cache}
        self.assertFound(self.keyward("--hook", "pre-commit", env=env))
        [db] = glob.glob(os.path.join(cache, "*.hsdb"))
        # A writer killed with SIGKILL between write and rename, an hour ago.
        stale = db + ".tmp.AbC123"
        with open(stale, "wb") as f:
            f.write(b"KWHSDB01 partial")
        old = time.time() - 3600
        os.utime(stale, (old, old))
        # A corrupt cache file: ignored, recompiled, replaced.
        with open(db, "wb") as f:
            f.write(b"KWHSDB01 garbage")
        self.assertFound(self.keyward("--hook", "pre-commit", env=env))
        self.assertFalse(os.path.exists(stale), "stale temp file was not cleaned")
        self.assertGreater(os.path.getsize(db), 1000)
        self.assertFound(self.keyward("--hook", "pre-commit", env=env))


if __name__ == "__main__":
    unittest.main()
