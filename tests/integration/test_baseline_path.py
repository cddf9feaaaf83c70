"""--baseline PATH must name a baseline: a directory, a missing file or a file that is not
a baseline is an error (exit 2, naming the path), never a silent empty baseline."""
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token


class BaselinePath(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.token = fake_hf_token(2301)
        self.write("app.py", f'HF_TOKEN = "{self.token}"\n')
        self.git("add", "-A")

    def assertRejected(self, path, *why):
        for args in (["--hook", "pre-commit"], ["."]):
            with self.subTest(path=path, args=args):
                r = self.keyward(*args, "--baseline", path)
                self.assertEqual(r.rc, 2, r.all)
                self.assertIn(path, r.err)
                for w in why:
                    self.assertIn(w, r.err)
                self.assertNoSecret(r.all, self.token)

    def test_directory(self):
        os.makedirs(os.path.join(self.repo, "baselines"))
        self.assertRejected("baselines", "directory")

    def test_missing_file(self):
        self.assertRejected("no-such-baseline")

    def test_file_that_is_not_a_baseline(self):
        # Only comments and blank lines, not written by keyward: parsed, it would baseline
        # nothing and pass silently.
        self.write("notes.sh", "#!/bin/sh\n# nothing but comments\n\n")
        self.assertRejected("notes.sh", "not a keyward baseline")
        self.write("empty", "")
        self.assertRejected("empty", "not a keyward baseline")

    def test_a_real_baseline_still_works(self):
        r = self.keyward("baseline", "-o", "bl")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(self.keyward("--hook", "pre-commit", "--baseline", "bl").rc, 0)
        # An empty baseline written by keyward (no findings) is a baseline.
        self.git("rm", "-q", "--cached", "app.py")
        r = self.keyward("baseline", "-o", "empty-bl")
        self.assertEqual(r.rc, 0, r.all)
        self.git("add", "app.py")
        r = self.keyward("--hook", "pre-commit", "--baseline", "empty-bl")
        self.assertEqual(r.rc, 1, r.all)


if __name__ == "__main__":
    unittest.main()
