"""What the README promises a new user, checked as written: the pre-commit snippet's `rev:`
is the release tag the README's tagging instruction makes (and the real pre-commit tool runs
the snippet at that tag, and at the commit-hash form), and the rule count in the man page is
the count `keyward rules` prints, not a typed guess."""
import os
import re
import shutil
import unittest

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

PRE_COMMIT = shutil.which("pre-commit")
FRAMEWORK_FILES = [".pre-commit-hooks.yaml", "hook/pre-commit-framework-push"]


def read(rel):
    with open(os.path.join(SOURCE_DIR, rel)) as f:
        return f.read()


def project_version():
    return re.search(r"project\(keyward VERSION (\S+)", read("CMakeLists.txt")).group(1)


def readme_snippet():
    m = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", read("README.md"), re.S)
    return m.group(1)


class ReleaseDocsTest(RepoTestCase):
    def test_rev_is_the_release_tag_of_this_version(self):
        tag = "v" + project_version()
        self.assertRegex(readme_snippet(), rf"(?m)^\s+rev: {re.escape(tag)}$")
        self.assertIn(f"git tag -a {tag} ", read("README.md"))
        for doc in ("docs/user-guide.md", ".pre-commit-hooks.yaml"):
            for rev in re.findall(r"rev: (v\S+)", read(doc)):
                self.assertEqual(rev, tag, doc)

    def test_man_page_rule_count_is_the_real_one(self):
        out = self.keyward("rules", "--rules", os.path.join(SOURCE_DIR, "patterns"), cwd=self.tmp).out
        real = int(re.search(r"(?m)^(\d+) rules$", out).group(1))
        m = re.search(r"It matches (\d+) rules", read("docs/keyward.1"))
        self.assertTrue(m, "docs/keyward.1 no longer says how many rules keyward has")
        self.assertEqual(int(m.group(1)), real,
                         f"docs/keyward.1 says {m.group(1)} rules, `keyward rules` counts {real}: update the man page")


@unittest.skipUnless(PRE_COMMIT, "the pre-commit tool is not installed (Debian package pre-commit; "
                                 "./install.sh --deps-only --test-deps installs it)")
class ReadmeSnippetRunsTest(RepoTestCase):
    """The README's snippet, verbatim but for `repo:` (a local clone of this tree), through
    the real pre-commit tool, offline."""

    def setUp(self):
        super().setUp()
        self.env["PATH"] = os.path.dirname(KEYWARD) + os.pathsep + self.env.get("PATH", "")
        self.env["PRE_COMMIT_HOME"] = os.path.join(self.tmp, "pre-commit-cache")
        self.env.pop("KEYWARD_BIN", None)
        self.clone = os.path.join(self.tmp, "keyward-src")
        if os.path.isdir(os.path.join(SOURCE_DIR, ".git")):
            self.run_cmd(["git", "clone", "-q", "--depth", "1", "file://" + SOURCE_DIR, self.clone],
                         cwd=self.tmp, check=True)
        else:
            self.run_cmd(["git", "init", "-q", "-b", "main", self.clone], cwd=self.tmp, check=True)
        for rel in FRAMEWORK_FILES:  # the files as they are in this tree
            dst = os.path.join(self.clone, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(SOURCE_DIR, rel), dst)
        self.run_cmd(["git", "add", *FRAMEWORK_FILES], cwd=self.clone, check=True)
        self.run_cmd(["git", "commit", "-q", "--allow-empty", "-m", "release"], cwd=self.clone, check=True)

    def run_snippet(self, snippet):
        self.init_repo(hook=False)
        self.write(".pre-commit-config.yaml", snippet)
        self.git("add", ".pre-commit-config.yaml")
        r = self.run_cmd([PRE_COMMIT, "install"])
        self.assertEqual(r.rc, 0, r.all)
        token = fake_hf_token(seed=1640)
        self.write("train.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "train.py")
        r = self.commit("leak")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertNoSecret(r.all, token)

    def test_snippet_at_the_tag_the_readme_makes(self):
        # The README's tagging command, run as written (but for the push: there is no remote).
        [cmd] = re.findall(r"`(git tag -a \S+ -m \"[^\"]*\")", read("README.md"))
        r = self.run_cmd(["bash", "-c", cmd], cwd=self.clone)
        self.assertEqual(r.rc, 0, r.all)
        snippet = re.sub(r"(?m)^(\s+- repo: ).*$", lambda m: m.group(1) + self.clone, readme_snippet(), count=1)
        self.run_snippet(snippet)

    def test_commit_hash_form(self):
        sha = self.run_cmd(["git", "rev-parse", "HEAD"], cwd=self.clone, check=True).out.strip()
        snippet = re.sub(r"(?m)^(\s+- repo: ).*$", lambda m: m.group(1) + self.clone, readme_snippet(), count=1)
        snippet = re.sub(r"(?m)^(\s+rev: ).*$", lambda m: m.group(1) + sha, snippet, count=1)
        self.run_snippet(snippet)


if __name__ == "__main__":
    unittest.main()
