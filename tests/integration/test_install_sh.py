"""install.sh: --uninstall removes exactly what it installed under a prefix (and nothing a
user put there), and its build needs neither Catch2 nor Python (BUILD_TESTING=OFF).

The suite's own build tree is installed with `install.sh --install-only --build-dir BUILD`
(the same install step a full `./install.sh` runs after its build), so nothing is compiled."""
import os
import re
import shutil
import unittest

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

BUILD = os.path.dirname(KEYWARD)
INSTALL_SH = os.path.join(SOURCE_DIR, "install.sh")


def tree(root):
    out = set()
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


class InstallShTest(RepoTestCase):
    def install_sh(self, *args, env=None):
        return self.run_cmd(["bash", INSTALL_SH, *args], cwd=self.tmp, env=env)

    def test_install_then_uninstall_with_a_prefix(self):
        prefix = os.path.join(self.tmp, "prefix")
        # Things of the user's under the same prefix must survive the uninstall.
        os.makedirs(os.path.join(prefix, "bin"))
        os.makedirs(os.path.join(prefix, "share", "man", "man1"))
        with open(os.path.join(prefix, "bin", "other-tool"), "w") as f:
            f.write("#!/bin/sh\n")
        with open(os.path.join(prefix, "share", "man", "man1", "other-tool.1"), "w") as f:
            f.write(".TH OTHER 1\n")
        before = tree(prefix)

        r = self.install_sh("--install-only", "--build-dir", BUILD, "--prefix", prefix)
        self.assertEqual(r.rc, 0, r.all)
        binary = os.path.join(prefix, "bin", "keyward")
        for rel in ("bin/keyward", "share/keyward/patterns/huggingface.toml", "share/man/man1/keyward.1",
                    "share/bash-completion/completions/keyward", "share/keyward/install-manifest.txt"):
            self.assertTrue(os.path.exists(os.path.join(prefix, rel)), rel)
        with open(os.path.join(prefix, "share", "keyward", "install-manifest.txt")) as f:
            manifest = f.read().split()
        self.assertIn("bin/keyward", manifest)
        self.assertNotIn("bin/other-tool", manifest)
        # The installed binary works on its own.
        self.init_repo(hook=False)
        token = fake_hf_token(seed=1603)
        self.write("leak.py", f'TOKEN = "{token}"\n')
        self.git("add", "leak.py")
        env = {"KEYWARD_RULES": None, "KEYWARD_BIN": None}
        r = self.run_cmd([binary], cwd=self.repo, env=env)
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, token)

        r = self.install_sh("--uninstall", "--prefix", prefix)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("removed", r.out)
        self.assertEqual(tree(prefix), before, "uninstall must leave the prefix as it found it")

        r = self.install_sh("--uninstall", "--prefix", prefix)
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("nothing to uninstall", r.err)

    def test_users_build_needs_neither_catch2_nor_python(self):
        with open(INSTALL_SH) as f:
            text = f.read()
        [build_line] = re.findall(r"(?m)^cmake -S .*$", text)
        self.assertIn("-DBUILD_TESTING=OFF", build_line)
        # Configuring the way install.sh does looks for neither.
        out = os.path.join(self.tmp, "configure")
        r = self.run_cmd(["cmake", "-S", SOURCE_DIR, "-B", out, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                          "-DBUILD_TESTING=OFF"], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        with open(os.path.join(out, "CMakeCache.txt")) as f:
            cache = f.read()
        self.assertNotIn("Catch2_DIR", cache)
        self.assertNotIn("Python3_EXECUTABLE", cache)


if __name__ == "__main__":
    unittest.main()
