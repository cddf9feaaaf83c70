"""keyward --range and the pre-push hook on real repositories: only the blobs the pushed
commits introduce are scanned, findings carry the commit, and a real `git push` to a
local bare remote is blocked or passed by the installed hook."""
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token


class RangeCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=11)
        self.base = self.commit_file("README.md", "hello\n")

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def commit_file(self, rel, content, message="change"):
        self.write(rel, content)
        self.git("add", rel)
        self.git("commit", "-qm", message, "--no-verify")
        return self.head()


class RangeTest(RangeCase):
    def test_range_scans_only_its_commits(self):
        old = self.commit_file("old.py", f"k = '{self.secret}'\n")
        mid = self.head()
        self.commit_file("clean.py", "x = 1\n")
        r = self.keyward("--range", f"{mid}..HEAD", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["findings"], [])
        r = self.keyward("--range", f"{self.base}..HEAD", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        found = r.json()["findings"]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["commit"], old)
        self.assertEqual(found[0]["path"], "old.py")
        self.assertNoSecret(r.all, self.secret)

    def test_unchanged_blob_in_range_is_not_rescanned(self):
        # The secret predates the range; the range only touches another file.
        self.commit_file("old.py", f"k = '{self.secret}'\n")
        start = self.head()
        self.commit_file("other.py", "y = 2\n")
        r = self.keyward("--range", f"{start}..HEAD", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["stats"]["blobs"], 1)

    def test_several_ranges_and_merges(self):
        self.git("checkout", "-q", "-b", "side")
        side = self.commit_file("side.py", f"s = '{self.secret}'\n")
        self.git("checkout", "-q", "main")
        other = fake_hf_token(seed=12)
        main = self.commit_file("main.py", f"m = '{other}'\n")
        r = self.keyward("--range", f"{self.base}..side", "--range", f"{self.base}..main", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        commits = sorted(f["commit"] for f in r.json()["findings"])
        self.assertEqual(commits, sorted([side, main]))
        # A merge introduces nothing its parents did not have: side.py is not blamed on it.
        self.git("merge", "-q", "--no-edit", "--no-verify", "side")
        r = self.keyward("--range", "side..HEAD", "--format", "json")
        self.assertEqual([(f["path"], f["commit"]) for f in r.json()["findings"]], [("main.py", main)], r.all)
        self.assertNoSecret(r.all, other)

    def test_bad_range_is_a_clean_error(self):
        r = self.keyward("--range", "nope..HEAD")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("nope", r.err)


class PrePushTest(RangeCase):
    def setUp(self):
        super().setUp()
        self.remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", self.remote, cwd=self.tmp)
        self.git("remote", "add", "origin", self.remote)
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        r = self.git("push", "-q", "origin", "main", check=False)
        self.assertEqual(r.rc, 0, r.all)

    def push(self, *args):
        r = self.git("push", "origin", *args, check=False)
        self.assertNoSecret(r.all, self.secret)
        return r

    def remote_has(self, ref):
        return self.git("--git-dir", self.remote, "rev-parse", "--verify", "-q", ref, check=False).rc == 0

    def test_push_adding_a_secret_is_blocked(self):
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        self.commit_file("leak.py", "k = None\n")  # removed again: still in the pushed history
        r = self.push("main")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("leak.py", r.all)
        self.assertEqual(self.git("--git-dir", self.remote, "rev-parse", "main").out.strip(), self.base)

    def test_clean_push_passes(self):
        c = self.commit_file("ok.py", "x = 1\n")
        r = self.push("main")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(self.git("--git-dir", self.remote, "rev-parse", "main").out.strip(), c)

    def test_secret_already_on_the_remote_does_not_block(self):
        self.commit_file("old.py", f"k = '{self.secret}'\n")
        r = self.push("--no-verify", "main")
        self.assertEqual(r.rc, 0, r.all)
        self.commit_file("ok.py", "x = 1\n")
        r = self.push("main")
        self.assertEqual(r.rc, 0, r.all)

    def test_new_branch(self):
        self.git("checkout", "-q", "-b", "topic")
        self.commit_file("clean.py", "ok\n")
        r = self.push("topic")
        self.assertEqual(r.rc, 0, r.all)
        self.git("checkout", "-q", "-b", "topic2")
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        r = self.push("topic2")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertFalse(self.remote_has("refs/heads/topic2"))

    def test_branch_delete(self):
        self.git("checkout", "-q", "-b", "gone")
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        r = self.push("--no-verify", "gone")
        self.assertEqual(r.rc, 0, r.all)
        r = self.push("--delete", "gone")
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(self.remote_has("refs/heads/gone"))

    def test_skip_on_purpose(self):
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        r = self.git("push", "origin", "main", check=False, env={"KEYWARD_SKIP": "1"})
        self.assertEqual(r.rc, 0, r.all)


if __name__ == "__main__":
    unittest.main()
