"""`keyward install` / `keyward uninstall`: where the hook goes (core.hooksPath, worktrees,
global templates), chaining a hook that was already there, and undoing exactly that. Each
case ends with a real `git commit` through the installed hook."""
import os
import re
import stat
import unittest

from kwtest import RepoTestCase, fake_hf_token

FOREIGN_HOOK = """#!/bin/sh
# a team's own pre-commit hook
echo ran >> "$(git rev-parse --show-toplevel)/../foreign-hook-ran"
exit ${FOREIGN_EXIT:-0}
"""


def read(path):
    with open(path) as f:
        return f.read()


class InstallTest(RepoTestCase):
    def hook_path(self, name="pre-commit", hooks_dir=None):
        return os.path.join(hooks_dir or os.path.join(self.repo, ".git", "hooks"), name)

    def commit_secret(self, name="leak.py", seed=1, cwd=None):
        token = fake_hf_token(seed=seed)
        root = cwd or self.repo
        with open(os.path.join(root, name), "w") as f:
            f.write(f'TOKEN = "{token}"\n')
        self.git("add", name, cwd=root)
        r = self.git("commit", "-m", "leak", check=False, cwd=root)
        self.assertNoSecret(r.all, token)
        return r

    def commit_clean(self, name="ok.py", cwd=None):
        root = cwd or self.repo
        with open(os.path.join(root, name), "w") as f:
            f.write("x = 1\n")
        self.git("add", name, cwd=root)
        return self.git("commit", "-m", "clean", check=False, cwd=root)

    def foreign_ran(self):
        p = os.path.join(self.tmp, "foreign-hook-ran")
        return read(p).count("ran") if os.path.exists(p) else 0

    def test_install_blocks_secret_and_passes_clean(self):
        self.init_repo()
        hook = self.hook_path()
        self.assertTrue(os.stat(hook).st_mode & stat.S_IXUSR)
        r = self.commit_clean()
        self.assertEqual(r.rc, 0, r.all)
        r = self.commit_secret()
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("git commit --no-verify", r.all)

    def test_bypass_on_purpose(self):
        self.init_repo()
        token = fake_hf_token(seed=2)
        self.write("a.py", f'T = "{token}"\n')
        self.git("add", "a.py")
        r = self.git("commit", "-m", "skip", check=False, env={"KEYWARD_SKIP": "1"})
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("KEYWARD_SKIP=1", r.all)
        self.write("b.py", f'T = "{token}"\n')
        self.git("add", "b.py")
        r = self.git("commit", "--no-verify", "-m", "no-verify", check=False)
        self.assertEqual(r.rc, 0, r.all)

    def test_reinstall_is_idempotent(self):
        self.init_repo()
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(self.hook_path("pre-commit.keyward-chained")),
                         "a second install must not chain keyward to itself")
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(self.hook_path()))
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("nothing to do", r.all)

    def test_chains_existing_hook_and_uninstall_restores_it(self):
        self.init_repo(hook=False)
        hook = self.hook_path()
        with open(hook, "w") as f:
            f.write(FOREIGN_HOOK)
        os.chmod(hook, 0o755)
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("chained", r.out)
        r = self.commit_clean()
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(self.foreign_ran(), 1)
        r = self.commit_secret()
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(self.foreign_ran(), 2)
        # The chained hook's verdict still counts: a failing team hook blocks a clean commit.
        r = self.git("commit", "--allow-empty", "-m", "x", check=False, env={"FOREIGN_EXIT": "3"})
        self.assertNotEqual(r.rc, 0, r.all)
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("restored", r.out)
        self.assertEqual(read(hook), FOREIGN_HOOK)
        self.assertTrue(os.stat(hook).st_mode & stat.S_IXUSR)
        self.assertEqual(sorted(os.listdir(os.path.dirname(hook))),
                         sorted(n for n in os.listdir(os.path.dirname(hook)) if "keyward" not in n))

    def test_force_replaces_and_uninstall_restores(self):
        self.init_repo(hook=False)
        hook = self.hook_path()
        with open(hook, "w") as f:
            f.write(FOREIGN_HOOK)
        os.chmod(hook, 0o755)
        r = self.keyward("install", "--force")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("replaced", r.out)
        r = self.commit_clean()
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(self.foreign_ran(), 0, "a replaced hook must not run")
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(read(hook), FOREIGN_HOOK)

    def test_pre_push_install_and_uninstall(self):
        self.init_repo(hook=False)
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        for name in ("pre-commit", "pre-push"):
            p = self.hook_path(name)
            self.assertTrue(os.access(p, os.X_OK), name)
            self.assertIn(f"keyward {name} hook", read(p))
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        for name in ("pre-commit", "pre-push"):
            self.assertFalse(os.path.exists(self.hook_path(name)), name)

    def test_relative_core_hooks_path(self):
        self.init_repo(hook=False)
        self.git("config", "core.hooksPath", ".githooks")
        os.makedirs(os.path.join(self.repo, "sub"))
        r = self.keyward("install", cwd=os.path.join(self.repo, "sub"))
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".githooks", "pre-commit")))
        self.assertFalse(os.path.exists(self.hook_path()))
        r = self.commit_secret()
        self.assertEqual(r.rc, 1, r.all)

    def test_worktree_installs_into_common_hooks(self):
        self.init_repo(hook=False)
        self.git("commit", "--allow-empty", "-m", "root")
        wt = os.path.join(self.tmp, "wt")
        self.git("worktree", "add", "-q", "-b", "feature", wt)
        r = self.keyward("install", cwd=wt)
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(os.path.exists(self.hook_path()), "hooks live in the common git directory")
        r = self.commit_secret(cwd=wt)
        self.assertEqual(r.rc, 1, r.all)
        r = self.commit_secret(seed=5)  # the main worktree shares the hook
        self.assertEqual(r.rc, 1, r.all)

    def test_not_a_repository_is_exit_2(self):
        os.makedirs(self.repo)
        r = self.keyward("install")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("not a git repository", r.err)

    def test_missing_binary_blocks_with_advice(self):
        self.init_repo()
        hook = self.hook_path()
        text = re.sub(r'^keyward_bin=".*"$', 'keyward_bin="/nonexistent/keyward"', read(hook),
                      count=1, flags=re.M)
        with open(hook, "w") as f:
            f.write(text)
        r = self.git("commit", "--allow-empty", "-m", "x", check=False,
                     env={"PATH": "/usr/bin:/bin", "KEYWARD_BIN": ""})
        self.assertBlocked(r)  # git reports any failing hook as 1
        self.assertIn("not installed or not on PATH", r.all)
        self.assertIn("--no-verify", r.all)


class GlobalInstallTest(RepoTestCase):
    def gitconfig(self, *args, check=True):
        return self.run_cmd(["git", "config", "--global", *args], cwd=self.tmp, check=check)

    def test_template_dir_protects_new_repositories(self):
        r = self.keyward("install", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        template = self.gitconfig("--get", "init.templateDir").out.strip()
        self.assertTrue(template)
        self.assertTrue(os.access(os.path.join(template, "hooks", "pre-commit"), os.X_OK))
        # A repository created afterwards carries the hook.
        self.init_repo(hook=False)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".git", "hooks", "pre-commit")))
        token = fake_hf_token(seed=9)
        self.write("a.py", f'T = "{token}"\n')
        self.git("add", "a.py")
        r = self.commit()
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, token)
        # So does a clone.
        clone = os.path.join(self.tmp, "clone")
        self.run_cmd(["git", "clone", "-q", self.repo, clone], cwd=self.tmp, check=True)
        self.assertTrue(os.path.exists(os.path.join(clone, ".git", "hooks", "pre-commit")))
        # uninstall --global removes the template hooks and the setting keyward made.
        r = self.keyward("uninstall", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(os.path.join(template, "hooks", "pre-commit")))
        self.assertNotEqual(self.gitconfig("--get", "init.templateDir", check=False).rc, 0)

    def test_existing_template_dir_is_used_and_kept(self):
        template = os.path.join(self.tmp, "my-template")
        os.makedirs(os.path.join(template, "hooks"))
        self.gitconfig("init.templateDir", template)
        r = self.keyward("install", "--global", "--pre-push", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(os.path.exists(os.path.join(template, "hooks", "pre-commit")))
        self.assertTrue(os.path.exists(os.path.join(template, "hooks", "pre-push")))
        r = self.keyward("uninstall", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(os.listdir(os.path.join(template, "hooks")), [])
        self.assertEqual(self.gitconfig("--get", "init.templateDir").out.strip(), template,
                         "a setting the user made must stay")

    def test_global_hooks_path_protects_existing_repositories(self):
        self.init_repo(hook=False)
        hooks = os.path.join(self.tmp, "global-hooks")
        self.gitconfig("core.hooksPath", hooks)
        r = self.keyward("install", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("core.hooksPath", r.out)
        self.assertTrue(os.path.exists(os.path.join(hooks, "pre-commit")))
        token = fake_hf_token(seed=10)
        self.write("a.py", f'T = "{token}"\n')
        self.git("add", "a.py")
        r = self.commit()
        self.assertEqual(r.rc, 1, r.all)
        r = self.keyward("uninstall", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(os.path.join(hooks, "pre-commit")))
        self.assertEqual(self.commit().rc, 0)

    def test_uninstall_global_without_install(self):
        r = self.keyward("uninstall", "--global", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("nothing to do", r.all)


if __name__ == "__main__":
    unittest.main()


class RelocatableInstallTest(RepoTestCase):
    """`cmake --install BUILD --prefix PREFIX` gives a binary that finds its rules under
    PREFIX, wherever PREFIX is later moved, with nothing of the build tree baked in."""

    def test_install_prefix_moves_as_a_whole(self):
        from kwtest import KEYWARD, SOURCE_DIR
        import shutil
        build = os.path.dirname(KEYWARD)
        prefix = os.path.join(self.tmp, "prefix")
        r = self.run_cmd(["cmake", "--install", build, "--prefix", prefix], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        moved = os.path.join(self.tmp, "elsewhere")
        shutil.move(prefix, moved)
        binary = os.path.join(moved, "bin", "keyward")
        self.assertTrue(os.path.isfile(os.path.join(moved, "share", "keyward", "patterns", "huggingface.toml")))
        with open(binary, "rb") as f:
            image = f.read()
        for tree in {os.path.realpath(build), os.path.realpath(SOURCE_DIR)}:
            self.assertNotIn(tree.encode(), image, f"the installed binary names {tree}")
        env = {"KEYWARD_RULES": None, "KEYWARD_CACHE_DIR": os.path.join(self.tmp, "relocated-cache")}
        r = self.run_cmd([binary, "rules"], cwd=self.tmp, env=env)
        self.assertEqual(r.rc, 0, r.all)
        self.assertRegex(r.out.strip().splitlines()[-1], r"^\d{3,} rules$")
        self.init_repo()
        token = fake_hf_token(seed=991)
        self.write("leak.py", f'TOKEN = "{token}"\n')
        self.git("add", "leak.py")
        r = self.run_cmd([binary], cwd=self.repo, env=env)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("huggingface", r.all)
