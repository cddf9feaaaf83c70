"""Self-check: keyward's own --all-history sweep of this repository reports nothing.

Rule examples (patterns/) and test fixtures (tests/) hold secret-shaped strings on purpose
and the repository's own .keyward.toml allowlists them; anywhere else a token-shaped
literal is a bug (tests build theirs at run time with fake_token).
"""
import os
import unittest

from kwtest import SOURCE_DIR, RepoTestCase


class SelfCheckTest(RepoTestCase):
    def test_own_history_is_clean(self):
        if not os.path.isdir(os.path.join(SOURCE_DIR, ".git")):
            self.skipTest(f"{SOURCE_DIR} is not a git checkout")
        # A fresh clone: every branch as a remote-tracking ref, and no working-tree noise.
        self.run_cmd(["git", "clone", "-q", "--no-local", SOURCE_DIR, self.repo], cwd=self.tmp, check=True)
        r = self.keyward("--all-history", "--no-progress", "--format", "text", "--color", "never")
        self.assertEqual(r.rc, 0, f"keyward's own history holds findings:\n{r.all}")
        self.assertIn("no findings", r.err)


if __name__ == "__main__":
    unittest.main()
