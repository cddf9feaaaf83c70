"""keyward through the pre-commit framework (the real `pre-commit` tool, offline).

A temporary repository's .pre-commit-config.yaml points at a local clone of this source
tree (its HEAD plus the working tree's .pre-commit-hooks.yaml and framework hook script, so
the test checks the files as they are); `pre-commit install`; then `git commit` with a
secret is blocked through pre-commit and a clean commit passes. The snippet is the one
docs/user-guide.md and the README show, with the local clone as `repo:`.
"""
import os
import shutil
import subprocess
import unittest

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

PRE_COMMIT = shutil.which("pre-commit")

SNIPPET = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: keyward
      - id: keyward-push
"""

FRAMEWORK_FILES = [".pre-commit-hooks.yaml", "hook/pre-commit-framework-push"]


class PreCommitFrameworkTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        # Always installed with the test dependencies: a missing tool fails, never skips.
        self.assertIsNotNone(PRE_COMMIT, "the pre-commit tool is not installed (Debian package pre-commit; "
                                         "./install.sh --deps-only --test-deps installs it)")
        # language: system finds keyward on PATH: the built binary comes first.
        self.env["PATH"] = os.path.dirname(KEYWARD) + os.pathsep + self.env.get("PATH", "")
        self.env["PRE_COMMIT_HOME"] = os.path.join(self.tmp, "pre-commit-cache")
        self.env.pop("KEYWARD_BIN", None)  # the hooks must find keyward the way a user's would
        self.hooks_repo = self.make_hooks_repo()

    def make_hooks_repo(self):
        clone = os.path.join(self.tmp, "keyward-src")
        if os.path.isdir(os.path.join(SOURCE_DIR, ".git")):
            self.run_cmd(["git", "clone", "-q", "--depth", "1", "file://" + SOURCE_DIR, clone],
                         cwd=self.tmp, check=True)
        else:  # a source tarball: a repository with just the framework files
            self.run_cmd(["git", "init", "-q", "-b", "main", clone], cwd=self.tmp, check=True)
        for rel in FRAMEWORK_FILES:
            dst = os.path.join(clone, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(SOURCE_DIR, rel), dst)
        self.run_cmd(["git", "add", *FRAMEWORK_FILES], cwd=clone, check=True)
        self.run_cmd(["git", "commit", "-q", "--allow-empty", "-m", "framework files as tested"],
                     cwd=clone, check=True)
        return clone

    def rev(self):
        return self.run_cmd(["git", "rev-parse", "HEAD"], cwd=self.hooks_repo, check=True).out.strip()

    def setup_repo(self, hook_types=("pre-commit",)):
        self.init_repo(hook=False)
        self.write(".pre-commit-config.yaml", SNIPPET.format(repo=self.hooks_repo, rev=self.rev()))
        self.git("add", ".pre-commit-config.yaml")
        for t in hook_types:
            r = self.run_cmd([PRE_COMMIT, "install", "--hook-type", t])
            self.assertEqual(r.rc, 0, r.all)

    def test_manifest_is_valid(self):
        r = self.run_cmd([PRE_COMMIT, "validate-manifest", os.path.join(SOURCE_DIR, ".pre-commit-hooks.yaml")],
                         cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)

    def test_secret_commit_is_blocked_clean_commit_passes(self):
        self.setup_repo()
        self.write("clean.py", "print('hello')\n")
        self.git("add", "clean.py")
        r = self.commit("clean")
        self.assertEqual(r.rc, 0, r.all)
        self.assertRegex(r.all, r"keyward.*Passed")

        token = fake_hf_token(seed=61)
        self.write("train.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "train.py")
        r = self.commit("leak")
        self.assertBlocked(r)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("train.py:1:", r.all)
        self.assertNoSecret(r.all, token)
        # Nothing was committed: HEAD is still the clean commit.
        self.assertEqual(self.git("log", "--format=%s", "-1").out.strip(), "clean")

    def test_inline_allow_passes_through_framework(self):
        self.setup_repo()
        token = fake_hf_token(seed=62)
        self.write("doc.py", f'EXAMPLE = "{token}"  # keyward:allow\n')
        self.git("add", "doc.py")
        r = self.commit("documented example")
        self.assertEqual(r.rc, 0, r.all)

    def test_push_hook_blocks_a_pushed_secret(self):
        remote = os.path.join(self.tmp, "remote.git")
        self.run_cmd(["git", "init", "-q", "--bare", remote], cwd=self.tmp, check=True)
        self.setup_repo(hook_types=("pre-push",))
        self.git("remote", "add", "origin", remote)
        self.write("clean.py", "x = 1\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")
        r = self.git("push", "-q", "origin", "main", check=False)
        self.assertEqual(r.rc, 0, r.all)
        token = fake_hf_token(seed=63)
        self.write("leak.py", f'TOKEN = "{token}"\n')
        self.git("add", "leak.py")
        self.git("commit", "-q", "--no-verify", "-m", "leak")
        r = self.git("push", "origin", "main", check=False)
        self.assertBlocked(r)
        self.assertIn("huggingface-user-token", r.all)
        self.assertNoSecret(r.all, token)


if __name__ == "__main__":
    unittest.main()
