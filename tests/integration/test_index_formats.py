"""What `git commit` records, however git stores the index and wherever the repository and
work tree live: split and sparse indexes, conflicted (unmerged) entries, renames out of an
allowlisted place, SHA-256 repositories, `git --git-dir=X --work-tree=Y commit`, and index
extensions keyward does not know. Real repositories, real `git commit` through the hook
`keyward install` wrote."""
import os
import shutil
import subprocess
import tempfile

from kwtest import KEYWARD, RepoTestCase, fake_hf_token


class RenameOutOfAnAllowlist(RepoTestCase):
    """A pure rename adds no lines in git's sense, so it does not block: unless the content
    was allowlisted at its old place and is not at the new one. Then what the allowlist hid
    is new where it now lives."""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.token = fake_hf_token(101)
        self.write("tests/fixture.txt", f"HF_TOKEN={self.token}\n")
        self.write("README.md", "x\n")

    def commit_base(self, config):
        self.write(".keyward.toml", config)
        self.git("add", "-A")
        r = self.commit("base")
        self.assertEqual(r.rc, 0, r.all)  # allowlisted where it is

    def check_blocked(self, r, path):
        self.assertBlocked(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn(f"{path}:1:10: huggingface-user-token", r.all)
        self.assertNoSecret(r.all, self.token)

    def test_git_mv_out_of_an_allowlisted_path_blocks(self):
        self.commit_base('[allowlist]\npaths = ["tests/"]\n')
        os.makedirs(os.path.join(self.repo, "src"))
        self.git("mv", "tests/fixture.txt", "src/settings.py")
        self.check_blocked(self.commit("move"), "src/settings.py")

    def test_git_mv_out_of_an_allowlisted_path_blocks_with_the_libgit2_index_too(self):
        self.commit_base('[allowlist]\npaths = ["tests/"]\n')
        os.makedirs(os.path.join(self.repo, "src"))
        self.git("mv", "tests/fixture.txt", "src/settings.py")
        self.check_blocked(self.git("commit", "-m", "move", check=False, env={"KEYWARD_INDEX": "libgit2"}),
                           "src/settings.py")

    def test_git_mv_out_of_a_rule_allow_paths_blocks(self):
        self.commit_base('[rule.huggingface-user-token]\nallow_paths = ["tests/"]\n')
        self.git("mv", "tests/fixture.txt", "settings.py")
        self.check_blocked(self.commit("move"), "settings.py")

    def test_copy_out_of_an_allowlisted_path_blocks(self):
        self.commit_base('[allowlist]\npaths = ["tests/"]\n')
        shutil.copy(os.path.join(self.repo, "tests/fixture.txt"), os.path.join(self.repo, "settings.py"))
        self.git("add", "settings.py")
        self.check_blocked(self.commit("copy"), "settings.py")

    def test_rename_within_allowlisted_paths_passes(self):
        self.commit_base('[allowlist]\npaths = ["tests/"]\n')
        self.git("mv", "tests/fixture.txt", "tests/fixture2.txt")
        r = self.commit("rename")
        self.assertEqual(r.rc, 0, r.all)

    def test_rename_between_normal_paths_passes_with_an_allowlist_configured(self):
        # The secret was committed (on purpose) at a normal path: a rename adds nothing.
        self.commit_base('[allowlist]\npaths = ["tests/"]\n')
        self.write("legacy.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "legacy.env")
        self.assertEqual(self.commit("legacy", "--no-verify").rc, 0)
        self.git("mv", "legacy.env", "old.env")
        r = self.commit("rename")
        self.assertEqual(r.rc, 0, r.all)


class ConflictedIndex(RepoTestCase):
    """During a conflicted merge the index holds stages 1-3 for a path; `keyward` run by hand
    must scan what is being merged in, and say that the path is conflicted."""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("app.py", "x = 1\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("base").rc, 0)
        self.token = fake_hf_token(102)
        self.git("checkout", "-q", "-b", "feature")
        self.write("app.py", f'x = "{self.token}"\n')
        self.git("add", "-A")
        self.assertEqual(self.commit("feature", "--no-verify").rc, 0)
        self.git("checkout", "-q", "main")
        self.write("app.py", "x = 2\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("main").rc, 0)
        r = self.git("merge", "feature", check=False)
        self.assertNotEqual(r.rc, 0, r.all)  # a real conflict
        self.assertIn("CONFLICT", r.all)

    def test_theirs_is_scanned_and_the_path_is_named(self):
        for env in ({}, {"KEYWARD_INDEX": "libgit2"}):
            r = self.keyward(env=env)
            self.assertEqual(r.rc, 1, r.all)
            self.assertIn("app.py:1:6: huggingface-user-token", r.all)
            self.assertIn("conflicted", r.err)
            self.assertIn("app.py", r.err)
            self.assertNoSecret(r.all, self.token)

    def test_clean_conflict_passes_but_still_says_so(self):
        self.git("merge", "--abort")
        self.git("checkout", "-q", "feature")
        self.write("app.py", 'x = "not a secret"\n')
        self.git("add", "-A")
        self.assertEqual(self.commit("clean it").rc, 0)
        self.git("checkout", "-q", "main")
        self.assertNotEqual(self.git("merge", "feature", check=False).rc, 0)
        r = self.keyward()
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("1 conflicted path", r.err)


class SplitAndSparseIndex(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        for d in ("in", "out/deep"):
            os.makedirs(os.path.join(self.repo, d))
        for i in range(12):
            self.write(f"in/f{i}.txt", f"{i}\n")
            self.write(f"out/deep/g{i}.txt", f"{i}\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("base").rc, 0)
        self.token = fake_hf_token(103)

    def test_split_index(self):
        for config in (("core.splitIndex", "true"), ("splitIndex.maxPercentChange", "100")):
            self.git("config", *config)
        self.git("update-index", "--split-index")
        self.write("in/f3.txt", "edited\n")
        self.git("add", "in/f3.txt")
        self.git("rm", "-q", "in/f5.txt")
        self.assertEqual(self.commit("layered").rc, 0, "a clean commit must pass")
        self.assertTrue([f for f in os.listdir(os.path.join(self.repo, ".git")) if f.startswith("sharedindex.")])
        self.write("in/f7.txt", f"tok = '{self.token}'\n")
        self.write("new.txt", "fine\n")
        self.git("add", "-A")
        r = self.commit("secret")
        self.assertBlocked(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("in/f7.txt:1:8: huggingface-user-token", r.all)
        self.assertNotIn("unsupported", r.all)
        # `git commit -a` hands the hook a temporary index, also split.
        self.git("reset", "-q")
        r = self.commit("all", "-a")
        self.assertBlocked(r)
        self.assertIn("in/f7.txt:1:8:", r.all)

    def test_sparse_index(self):
        self.git("sparse-checkout", "init", "--cone", "--sparse-index")
        self.git("sparse-checkout", "set", "in")
        sparse = self.git("ls-files", "--sparse", "-s").out
        self.assertIn("040000", sparse)  # out/ is one directory entry
        self.write("in/f1.txt", "edited\n")
        self.git("add", "in/f1.txt")
        r = self.commit("clean")
        self.assertEqual(r.rc, 0, r.all)
        self.write("in/f2.txt", f"tok = '{self.token}'\n")
        self.git("add", "in/f2.txt")
        r = self.commit("secret")
        self.assertBlocked(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("in/f2.txt:1:8: huggingface-user-token", r.all)

    def test_sparse_directory_that_differs_from_head(self):
        # The secret sits in a directory outside the cone, committed without the hook; a soft
        # reset leaves the index's collapsed directory entry different from HEAD's tree.
        self.write("out/deep/g4.txt", f"tok = '{self.token}'\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("secret", "--no-verify").rc, 0)
        self.git("sparse-checkout", "init", "--cone", "--sparse-index")
        self.git("sparse-checkout", "set", "in")
        self.git("reset", "-q", "--soft", "HEAD~1")
        self.assertIn("040000", self.git("ls-files", "--sparse", "-s").out)
        r = self.commit("again")
        self.assertBlocked(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("out/deep/g4.txt:1:8: huggingface-user-token", r.all)


class UnknownIndexExtension(RepoTestCase):
    def write_extension(self, sig):
        path = os.path.join(self.repo, ".git", "index")
        with open(path, "rb") as f:
            data = f.read()
        # Before the trailing checksum (git does not verify it when reading for a hook).
        data = data[:-20] + sig + (3).to_bytes(4, "big") + b"xyz" + data[-20:]
        with open(path, "wb") as f:
            f.write(data)

    def test_mandatory_unknown_extension_fails_closed_naming_it(self):
        self.init_repo()
        self.write("a.txt", f"{fake_hf_token(104)}\n")
        self.git("add", "-A")
        self.write_extension(b"zqxw")
        for env in ({}, {"KEYWARD_INDEX": "libgit2"}):
            r = self.keyward(env=env)
            self.assertEqual(r.rc, 2, r.all)
            self.assertIn("'zqxw'", r.err)

    def test_optional_unknown_extension_is_skipped(self):
        self.init_repo()
        self.write("a.txt", f"{fake_hf_token(105)}\n")
        self.git("add", "-A")
        self.write_extension(b"ZQXW")
        r = self.keyward()
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("a.txt:1:1:", r.all)


class WhereTheRepositoryLives(RepoTestCase):
    def test_dotfiles_git_dir_and_work_tree(self):
        gitdir = os.path.join(self.tmp, "dotfiles.git")
        home = os.path.join(self.tmp, "dothome")
        os.makedirs(home)
        self.run_cmd(["git", "init", "-q", "--bare", "-b", "main", gitdir], cwd=self.tmp, check=True)
        r = self.keyward("install", "-C", gitdir, cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        cfg = ["git", f"--git-dir={gitdir}", f"--work-tree={home}"]
        with open(os.path.join(home, ".bashrc"), "w") as f:
            f.write("alias ll='ls -l'\n")
        self.run_cmd(cfg + ["add", ".bashrc"], cwd=self.tmp, check=True)
        r = self.run_cmd(cfg + ["commit", "-q", "-m", "rc"], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        token = fake_hf_token(106)
        with open(os.path.join(home, ".netrc"), "w") as f:
            f.write(f"HF_TOKEN={token}\n")
        self.run_cmd(cfg + ["add", ".netrc"], cwd=self.tmp, check=True)
        for cwd in (self.tmp, home):
            r = self.run_cmd(cfg + ["commit", "-m", "netrc"], cwd=cwd)
            self.assertBlocked(r)
            self.assertEqual(r.rc, 1, r.all)
            self.assertIn(".netrc:1:10: huggingface-user-token", r.all)
            self.assertNoSecret(r.all, token)
        # By hand, with the variables git sets for its hooks.
        r = self.keyward(cwd=self.tmp, env={"GIT_DIR": gitdir, "GIT_WORK_TREE": home})
        self.assertEqual(r.rc, 1, r.all)

    def test_core_worktree(self):
        gitdir = os.path.join(self.tmp, "meta.git")
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        self.run_cmd(["git", "init", "-q", "-b", "main", f"--separate-git-dir={gitdir}", work], cwd=self.tmp,
                     check=True)
        os.remove(os.path.join(work, ".git"))  # only core.worktree ties them together now
        self.run_cmd(["git", "--git-dir", gitdir, "config", "core.worktree", work], check=True, cwd=self.tmp)
        self.assertEqual(self.keyward("install", "-C", gitdir, cwd=self.tmp).rc, 0)
        with open(os.path.join(work, "s.txt"), "w") as f:
            f.write(fake_hf_token(107) + "\n")
        env = {"GIT_DIR": gitdir}
        self.run_cmd(["git", "add", "s.txt"], cwd=work, env=env, check=True)
        r = self.run_cmd(["git", "commit", "-m", "s"], cwd=work, env=env)
        self.assertBlocked(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("s.txt:1:1:", r.all)

    def test_sha256_repository_says_what_is_wrong_and_how_to_proceed(self):
        # The hook arrives with every new repository (init.templateDir), as for most users;
        # `keyward install` itself refuses, saying why.
        r = self.keyward("install", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.run_cmd(["git", "init", "-q", "-b", "main", "--object-format=sha256", self.repo], cwd=self.tmp,
                     check=True)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".git", "hooks", "pre-commit")))
        r = self.keyward("install")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("SHA-256 object names", r.err)
        token = fake_hf_token(108)
        self.write("app.py", f'x = "{token}"\n')
        self.git("add", "-A")
        r = self.commit()
        self.assertEqual(r.rc, 1, r.all)  # git reports the hook's failure as its own exit 1
        self.assertIn("SHA-256 object names", r.err)
        self.assertIn("libgit2 1.5", r.err)
        self.assertIn("--no-verify", r.err)
        self.assertNotIn("not a git repository", r.err)
        self.assertEqual(self.git("rev-parse", "--verify", "-q", "HEAD", check=False).rc, 1)
        r = self.keyward()
        self.assertEqual(r.rc, 2, r.all)
        # The way out it suggests must work: run it as written.
        suggested = r.err.split("scan them as files (whole files, not only the added lines): ", 1)[1]
        suggested = suggested.split("\n", 1)[0].replace("keyward \"$d\"", f"'{KEYWARD}' \"$d\"")
        r = self.run_cmd(["sh", "-c", suggested])
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("app.py:1:6: huggingface-user-token", r.all)
        self.assertNoSecret(r.all, token)


if __name__ == "__main__":
    import unittest
    unittest.main()
