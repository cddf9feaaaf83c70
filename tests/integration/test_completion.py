"""Shell completion (completions/keyward.bash, completions/_keyward): the bash script loads and
completes subcommands, options, option values and rule ids through its own function, the zsh
script parses, and both know every option `keyward --help` lists."""
import os
import re
import shlex
import shutil
import unittest

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase

BASH = os.path.join(SOURCE_DIR, "completions", "keyward.bash")
ZSH = os.path.join(SOURCE_DIR, "completions", "_keyward")


def read(p):
    with open(p) as f:
        return f.read()


class BashCompletionTest(RepoTestCase):
    def complete(self, *words):
        """What the completion function offers for `keyward WORDS...`, the last word being
        the one under the cursor."""
        words = [KEYWARD, *words]
        script = (f". {shlex.quote(BASH)}\n"
                  f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
                  f"COMP_CWORD={len(words) - 1}\n"
                  "_keyward\n"
                  "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        r = self.run_cmd(["bash", "--norc", "--noprofile", "-c", script], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.err, "")
        return [w for w in r.out.splitlines() if w]

    def test_registers_for_keyward(self):
        r = self.run_cmd(["bash", "--norc", "--noprofile", "-c", f". {shlex.quote(BASH)} && complete -p keyward"],
                         cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("-F _keyward keyward", r.out)

    def test_subcommands_and_options(self):
        self.assertEqual(self.complete("ru"), ["rules"])
        self.assertIn("uninstall", self.complete("un"))
        self.assertEqual(self.complete("--all-h"), ["--all-history"])
        self.assertEqual(sorted(self.complete("--format", "")), ["gitlab", "json", "sarif", "text"])
        self.assertEqual(self.complete("--hook", "pre-m"), ["pre-merge-commit"])
        self.assertEqual(self.complete("install", "--g"), ["--global"])
        self.assertEqual(self.complete("help", "base"), ["baseline"])
        self.assertEqual(self.complete("rules", "--t"), ["--test"])

    def test_rule_ids(self):
        ids = self.complete("rules", "huggingface-")
        self.assertIn("huggingface-user-token", ids)
        self.assertTrue(all(i.startswith("huggingface-") for i in ids), ids)
        self.assertIn("ipynb-checkpoint", self.complete("rules", "ipynb"))

    def test_paths_after_options(self):
        os.makedirs(os.path.join(self.tmp, "models"))
        r = self.run_cmd(["bash", "--norc", "--noprofile", "-c",
                          f". {shlex.quote(BASH)}; COMP_WORDS=(keyward -q mod); COMP_CWORD=2; _keyward; "
                          "printf '%s\\n' \"${COMPREPLY[@]}\""], cwd=self.tmp)
        self.assertEqual(r.out.split(), ["models"], r.all)


class CompletionCoverageTest(RepoTestCase):
    def help_options(self):
        text = self.keyward("--help", cwd=self.tmp).out
        for topic in ("rules", "install"):
            text += self.keyward("help", topic, cwd=self.tmp).out
        # --no-verify is git's (the bypass the help mentions), not keyward's.
        return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", text)) - {"--no-verify"}

    def test_every_help_option_is_completed(self):
        options = self.help_options()
        self.assertIn("--all-history", options)
        for path in (BASH, ZSH):
            text = read(path)
            missing = sorted(o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text))
            self.assertEqual(missing, [], f"{os.path.basename(path)} does not complete {missing}")

    def test_zsh_script_parses(self):
        zsh = shutil.which("zsh")
        if not zsh:
            self.skipTest("zsh is not installed (./install.sh --deps-only --test-deps installs it)")
        r = self.run_cmd([zsh, "-n", ZSH], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(read(ZSH).startswith("#compdef keyward\n"))


if __name__ == "__main__":
    unittest.main()
