"""`keyward install` where people have it (issue 16): a core.hooksPath folder the team tracks
(warned about, with the alternative), a hook that `pre-commit install` moved to
pre-commit.legacy (understood by install and uninstall), a second install ("already
installed"), and `install --global` keeping git's default template files. Real git, the
real pre-commit tool, real `git commit` through the installed hooks."""
import os
import shutil
import unittest

from kwtest import RepoTestCase, fake_hf_token

PRE_COMMIT = shutil.which("pre-commit")

TEAM_HOOK = """#!/bin/sh
# the team's shared pre-commit hook
echo team-hook-ran >> "$(git rev-parse --git-dir)/team-hook-ran"
"""

# The framework needs a configuration to run; one trivial local hook, so nothing is fetched.
FRAMEWORK_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: nothing
        name: nothing
        entry: "true"
        language: system
        pass_filenames: false
        always_run: true
"""


def read(p):
    with open(p) as f:
        return f.read()


class InstallMoreTest(RepoTestCase):
    def commit_secret(self, seed):
        token = fake_hf_token(seed=seed)
        self.write(f"leak{seed}.py", f'TOKEN = "{token}"\n')
        self.git("add", f"leak{seed}.py")
        r = self.commit("leak")
        self.assertNoSecret(r.all, token)
        return r

    def test_reinstall_says_already_installed(self):
        self.init_repo()
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("already installed", r.out)
        self.assertNotIn("chained", r.out)

    def test_tracked_core_hooks_path_warns_and_offers_the_alternative(self):
        self.init_repo(hook=False)
        self.write(".githooks/pre-commit", TEAM_HOOK)
        os.chmod(os.path.join(self.repo, ".githooks", "pre-commit"), 0o755)
        self.git("add", ".githooks/pre-commit")
        self.git("commit", "-q", "-m", "team hooks")
        self.git("config", "core.hooksPath", ".githooks")
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("warning", r.out)
        self.assertIn(".githooks", r.out)
        self.assertIn("team shares", r.out)
        self.assertIn(".pre-commit-config.yaml", r.out)
        self.assertIn("keyward uninstall", r.out)
        # It is installed all the same (chaining the team's hook), and it works.
        r = self.commit_secret(seed=1611)
        self.assertEqual(r.rc, 1, r.all)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".git", "team-hook-ran")))

    def test_untracked_core_hooks_path_has_no_warning(self):
        self.init_repo(hook=False)
        self.git("config", "core.hooksPath", "my-hooks")
        with open(os.path.join(self.repo, ".git", "info", "exclude"), "a") as f:
            f.write("my-hooks/\n")
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotIn("warning", r.out)


@unittest.skipUnless(PRE_COMMIT, "the pre-commit tool is not installed (Debian package pre-commit; "
                                 "./install.sh --deps-only --test-deps installs it)")
class PreCommitLegacyTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.env["PRE_COMMIT_HOME"] = os.path.join(self.tmp, "pre-commit-cache")
        self.init_repo(hook=False)
        self.write(".pre-commit-config.yaml", FRAMEWORK_CONFIG)
        self.git("add", ".pre-commit-config.yaml")
        self.hooks = os.path.join(self.repo, ".git", "hooks")

    def pre_commit_install(self):
        r = self.run_cmd([PRE_COMMIT, "install"])
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(os.path.exists(os.path.join(self.hooks, "pre-commit.legacy")), r.all)

    def commit_secret(self, seed):
        token = fake_hf_token(seed=seed)
        self.write(f"leak{seed}.py", f'TOKEN = "{token}"\n')
        self.git("add", f"leak{seed}.py")
        r = self.commit("leak")
        self.assertNoSecret(r.all, token)
        return r

    def test_install_and_uninstall_understand_pre_commit_legacy(self):
        self.assertEqual(self.keyward("install").rc, 0)
        self.pre_commit_install()  # keyward's hook is now pre-commit.legacy, run by the framework's
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("already installed", r.out)
        self.assertIn("pre-commit.legacy", r.out)
        self.assertFalse(os.path.exists(os.path.join(self.hooks, "pre-commit.keyward-chained")),
                         "the framework's hook must not be chained behind a second keyward")
        self.assertEqual(self.commit_secret(seed=1612).rc, 1)
        self.git("reset", "-q")

        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("pre-commit.legacy", r.out)
        self.assertNotIn("nothing to do", r.out)
        self.assertFalse(os.path.exists(os.path.join(self.hooks, "pre-commit.legacy")))
        self.assertIn("pre-commit", read(os.path.join(self.hooks, "pre-commit")))  # the framework's stays
        self.assertEqual(self.commit_secret(seed=1613).rc, 0, "keyward must be gone")

    def test_uninstall_gives_a_chained_team_hook_back_to_the_framework(self):
        hook = os.path.join(self.hooks, "pre-commit")
        with open(hook, "w") as f:
            f.write(TEAM_HOOK)
        os.chmod(hook, 0o755)
        self.assertIn("chained", self.keyward("install").out)
        self.pre_commit_install()
        self.assertEqual(self.commit_secret(seed=1614).rc, 1)
        self.git("reset", "-q")
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(read(os.path.join(self.hooks, "pre-commit.legacy")), TEAM_HOOK)
        self.assertFalse(os.path.exists(os.path.join(self.hooks, "pre-commit.keyward-chained")))
        ran = os.path.join(self.repo, ".git", "team-hook-ran")
        before = read(ran).count("ran") if os.path.exists(ran) else 0
        self.assertEqual(self.commit_secret(seed=1615).rc, 0)
        self.assertEqual(read(ran).count("ran"), before + 1, "the framework still runs the team's hook")


class GlobalTemplateTest(RepoTestCase):
    def test_global_install_keeps_gits_default_template_files(self):
        plain = os.path.join(self.tmp, "plain")
        self.run_cmd(["git", "init", "-q", plain], cwd=self.tmp, check=True)
        expected = [f for f in ("info/exclude", "description") if os.path.exists(os.path.join(plain, ".git", f))]
        self.assertEqual(expected, ["info/exclude", "description"], "git's own templates are not installed")
        r = self.keyward("install", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.init_repo(hook=False)
        for f in expected:
            self.assertEqual(read(os.path.join(self.repo, ".git", f)), read(os.path.join(plain, ".git", f)), f)
        self.assertTrue(os.access(os.path.join(self.repo, ".git", "hooks", "pre-commit"), os.X_OK))
        self.assertEqual(self.commit_secret_rc(seed=1616), 1)
        r = self.keyward("uninstall", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)

    def commit_secret_rc(self, seed):
        token = fake_hf_token(seed=seed)
        self.write("leak.py", f'TOKEN = "{token}"\n')
        self.git("add", "leak.py")
        r = self.commit("leak")
        self.assertNoSecret(r.all, token)
        return r.rc


if __name__ == "__main__":
    unittest.main()
