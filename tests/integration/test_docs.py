"""The help, the man page and the docs agree: every option `keyward --help` lists is in
docs/keyward.1, the man page renders without warnings, `keyward help COMMAND` works for each
command, and the pre-commit framework snippet in the README and the user guide names the
hooks .pre-commit-hooks.yaml defines."""
import os
import re
import shutil
import subprocess
import unittest

from kwtest import KEYWARD, SOURCE_DIR


def read(rel):
    with open(os.path.join(SOURCE_DIR, rel)) as f:
        return f.read()


def run(*args):
    return subprocess.run([KEYWARD, *args], capture_output=True, text=True)


class DocsTest(unittest.TestCase):
    def test_every_help_option_is_in_the_man_page(self):
        help_text = run("--help").stdout
        man = read("docs/keyward.1").replace("\\-", "-")
        options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text))
        self.assertGreater(len(options), 10)
        missing = sorted(o for o in options if o not in man)
        self.assertEqual(missing, [], "options in --help but not in docs/keyward.1")

    def test_help_commands(self):
        for cmd in ("install", "uninstall", "baseline", "rules"):
            r = run("help", cmd)
            self.assertEqual(r.returncode, 0)
            self.assertTrue(r.stdout.startswith("usage: keyward "), r.stdout)
            r2 = run(cmd, "--help")
            self.assertEqual(r2.stdout, r.stdout)
        self.assertIn("--global", run("help", "install").stdout)
        self.assertIn("Exit status", run("--help").stdout)

    @unittest.skipUnless(shutil.which("man"), "man is not installed")
    def test_man_page_renders_cleanly(self):
        p = subprocess.run(["man", "--warnings", "-l", os.path.join(SOURCE_DIR, "docs", "keyward.1")],
                           capture_output=True, text=True, env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr.strip(), "")
        self.assertIn("EXIT STATUS", p.stdout)

    def test_framework_snippets_name_the_real_hooks(self):
        ids = re.findall(r"^- id: (\S+)", read(".pre-commit-hooks.yaml"), re.M)
        self.assertEqual(ids, ["keyward", "keyward-push", "keyward-files"])
        for doc in ("README.md", "docs/user-guide.md"):
            if not os.path.exists(os.path.join(SOURCE_DIR, doc)):
                continue
            text = read(doc)
            for i in ids:
                self.assertIn(f"- id: {i}", text, doc)

    def test_docs_exist_and_cover_the_essentials(self):
        guide = read("docs/user-guide.md")
        for needle in ("--no-verify", "KEYWARD_SKIP=1", "Revoke", "huggingface.co/settings/tokens",
                       "upload_folder", "keyward:allow", "keyward install --global"):
            self.assertIn(needle, guide)
        self.assertIn("upload-sarif", read("docs/ci.md"))
        self.assertIn("gitlab", read("docs/ci.md").lower())
        self.assertIn("[allowlist]", read("docs/configuration.md"))


if __name__ == "__main__":
    unittest.main()
