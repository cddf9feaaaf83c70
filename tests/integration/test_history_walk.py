"""The history sweep's tree walk: each distinct tree is read once, yet every place a blob
lives still counts. A repository with renamed directories (the same tree at a new path),
blobs at several paths, a branch and a merge gives the same findings, places and paths as
the walk that read each tree through libgit2 (keyward before the walk was rewritten)."""
import unittest

from kwtest import RepoTestCase, fake_hf_token


class TreeReuseCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.s1 = fake_hf_token(seed=11)
        self.s2 = fake_hf_token(seed=12)

    def commit_all(self, message):
        self.git("add", "-A")
        self.git("commit", "-qm", message)
        return self.git("rev-parse", "HEAD").out.strip()

    def build(self, config=None):
        if config:
            self.write(".keyward.toml", config)
        c = {}
        self.write("src/a/key.py", f"t = '{self.s1}'\n")
        self.write("src/a/dup.py", f"t = '{self.s1}'\n")  # the same blob at a second path
        self.write("docs/readme.md", "hi\n")
        c[1] = self.commit_all("c1")
        self.git("mv", "src/a", "lib")  # the same tree, now at lib/
        c[2] = self.commit_all("c2")
        self.write("vendor/key.py", f"t = '{self.s1}'\n")
        self.write("vendor/other.py", f"u = '{self.s2}'\n")
        c[3] = self.commit_all("c3")
        self.git("checkout", "-q", "-b", "side")
        self.write("vendor/other.py", "u = 1\n")
        self.write("tests/fixtures/t.py", f"u = '{self.s2}'\n")
        c[4] = self.commit_all("c4")
        self.git("checkout", "-q", "main")
        self.git("rm", "-rq", "lib")
        c[5] = self.commit_all("c5")
        self.git("merge", "-q", "--no-edit", "side")
        return c

    def sweep(self):
        r = self.keyward("--all-history", "--format", "json")
        self.assertNoSecret(r.all, self.s1)
        self.assertNoSecret(r.all, self.s2)
        self.assertEqual(r.rc, 1, r.all)
        return [(f["commit"], f["path"], [(p["commit"], p["path"]) for p in f.get("other_places", [])])
                for f in r.json()["findings"]]


class TreeReuseTest(TreeReuseCase):
    def test_renamed_directory_and_duplicate_blobs_keep_every_place(self):
        c = self.build()
        self.assertEqual(self.sweep(), [
            (c[1], "src/a/dup.py", [(c[1], "src/a/key.py"), (c[2], "lib/dup.py"), (c[2], "lib/key.py"),
                                    (c[3], "vendor/key.py")]),
            (c[3], "vendor/other.py", [(c[4], "tests/fixtures/t.py")]),
        ])

    def test_a_tree_allowlisted_at_one_path_is_judged_again_at_another(self):
        # src/a is allowlisted; the very same tree at lib/ is not: its blobs are scanned
        # under lib/, though the walk met the tree (and its blobs) first under src/a.
        c = self.build('[allowlist]\npaths = ["src/**"]\n')
        self.assertEqual(self.sweep(), [
            (c[2], "lib/dup.py", [(c[2], "lib/key.py"), (c[3], "vendor/key.py")]),
            (c[3], "vendor/other.py", [(c[4], "tests/fixtures/t.py")]),
        ])


if __name__ == "__main__":
    unittest.main()
