"""The pre-commit framework in CI: `pre-commit run --all-files` (the usual CI call) and
`--files` with the keyward-files hook, through the real `pre-commit` tool, offline. Nothing
is staged there, so the index-reading `keyward` hook checks nothing; keyward-files scans the
files pre-commit passes. Tokens built at run time."""
import os
import unittest

import test_precommit_framework as framework
from kwtest import KEYWARD, RepoTestCase, fake_hf_token

PRE_COMMIT = framework.PRE_COMMIT

SNIPPET = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: keyward-files
"""


@unittest.skipUnless(PRE_COMMIT, "the pre-commit tool is not installed (Debian package pre-commit)")
class AllFilesTest(RepoTestCase):
    # The hooks repository is built the way test_precommit_framework builds it.
    make_hooks_repo = framework.PreCommitFrameworkTest.make_hooks_repo
    rev = framework.PreCommitFrameworkTest.rev

    def setUp(self):
        super().setUp()
        self.env["PATH"] = os.path.dirname(KEYWARD) + os.pathsep + self.env.get("PATH", "")
        self.env["PRE_COMMIT_HOME"] = os.path.join(self.tmp, "pre-commit-cache")
        self.env.pop("KEYWARD_BIN", None)
        self.hooks_repo = self.make_hooks_repo()

    def setup_repo(self):
        self.init_repo(hook=False)
        self.write(".pre-commit-config.yaml", SNIPPET.format(repo=self.hooks_repo, rev=self.rev()))
        self.write("clean.py", "print('hello')\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")

    def run_all(self, *extra):
        return self.run_cmd([PRE_COMMIT, "run", "--all-files", *extra])

    def test_all_files_finds_a_committed_secret(self):
        self.setup_repo()
        r = self.run_all()
        self.assertEqual(r.rc, 0, r.all)
        self.assertRegex(r.all, r"keyward.*Passed")
        token = fake_hf_token(seed=71)
        self.write("nb/train.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "leak")  # already committed: CI must catch it
        r = self.run_all()
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("nb/train.py:1:", r.all)
        self.assertNoSecret(r.all, token)
        # --files: only the files named.
        r = self.run_cmd([PRE_COMMIT, "run", "keyward-files", "--files", "clean.py"])
        self.assertEqual(r.rc, 0, r.all)
        r = self.run_cmd([PRE_COMMIT, "run", "keyward-files", "--files", "nb/train.py"])
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertNoSecret(r.all, token)

    def test_repository_config_and_baseline_apply(self):
        self.setup_repo()
        token = fake_hf_token(seed=72)
        self.write("fixtures/sample.py", f'T = "{token}"\n')
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "fixture")
        self.assertNotEqual(self.run_all().rc, 0)
        # The baseline at the root is read without flags.
        r = self.keyward("baseline", ".")
        self.assertEqual(r.rc, 0, r.all)
        r = self.run_all()
        self.assertEqual(r.rc, 0, r.all)
        os.unlink(os.path.join(self.repo, ".keyward-baseline"))
        self.write(".keyward.toml", '[allowlist]\npaths = ["fixtures/"]\n')
        r = self.run_all()
        self.assertEqual(r.rc, 0, r.all)

    def test_a_checkpoint_copy_is_reported(self):
        self.setup_repo()
        self.write("m/.ipynb_checkpoints/a-checkpoint.ipynb", '{"cells": [], "metadata": {}, "nbformat": 4}\n')
        self.git("add", "-f", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "checkpoint")
        r = self.run_all()
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("ipynb-checkpoint", r.all)


if __name__ == "__main__":
    unittest.main()
