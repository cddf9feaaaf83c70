"""Path allowlists judged on one normalised path (issue 12): relative to the repository
root whatever the current directory or the spelling of the scanned path (`cd sub &&
keyward .`, an absolute path, `./x`), while reports still print paths the way `find PATH`
does. Real repositories; tokens are built at run time."""
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token

RULE = "huggingface-user-token"


class PolicyPathTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=12)
        content = f"k = '{self.secret}'\n"
        self.write("sub/fixture.json", content)
        self.write("sub/real.json", content)
        self.write("vendor/lib.py", content)
        self.write("app.py", content)

    def scan(self, *args, cwd=None):
        r = self.keyward(*args, "--format", "json", cwd=cwd)
        self.assertNoSecret(r.all, self.secret)
        self.assertIn(r.rc, (0, 1), r.all)
        return sorted(f["path"] for f in r.json()["findings"])

    def config(self, text):
        self.write(".keyward.toml", text)

    def test_global_paths_from_a_subdirectory(self):
        self.config('[allowlist]\npaths = ["sub/fixture.json"]\n')
        sub = os.path.join(self.repo, "sub")
        self.assertEqual(self.scan(".", cwd=sub), ["./real.json"])
        self.assertEqual(self.scan("fixture.json", "real.json", cwd=sub), ["real.json"])

    def test_global_paths_with_an_absolute_path(self):
        self.config('[allowlist]\npaths = ["sub/fixture.json", "/vendor"]\n')
        sub = os.path.join(self.repo, "sub")
        self.assertEqual(self.scan(sub), [os.path.join(sub, "real.json")])
        self.assertEqual(self.scan(self.repo), [os.path.join(self.repo, "app.py"), os.path.join(sub, "real.json")])
        # From outside the repository too: the repository of the current directory is the
        # one whose configuration is in force, so from /tmp nothing is allowlisted.
        self.assertEqual(self.scan(self.repo, cwd=self.tmp),
                         sorted(os.path.join(self.repo, p) for p in
                                ("app.py", "sub/fixture.json", "sub/real.json", "vendor/lib.py")))

    def test_anchored_globs_and_regexes_on_dot(self):
        for config in ('[allowlist]\npaths = ["/vendor", "/sub/fixture.json"]\n',
                       "[allowlist]\npath_regexes = ['^vendor/', '^sub/fixture']\n",
                       f'[rule.{RULE}]\nallow_paths = ["/vendor", "/sub/fixture.json"]\n',
                       f"[rule.{RULE}]\nallow_path_regexes = ['^vendor/', '^sub/fixture']\n"):
            with self.subTest(config):
                self.config(config)
                self.assertEqual(self.scan("."), ["./app.py", "./sub/real.json"])
                self.assertEqual(self.scan("./sub", "./vendor/"), ["./sub/real.json"])

    def test_per_rule_paths_from_a_subdirectory(self):
        for config in (f'[rule.{RULE}]\nallow_paths = ["sub/fixture.json"]\n',
                       f"[rule.{RULE}]\nallow_path_regexes = ['^sub/fixture']\n"):
            with self.subTest(config):
                self.config(config)
                self.assertEqual(self.scan(".", cwd=os.path.join(self.repo, "sub")), ["./real.json"])

    def test_outside_a_repository_paths_are_relative_to_the_current_directory(self):
        plain = os.path.join(self.tmp, "plain")
        os.makedirs(os.path.join(plain, "data"))
        for name in ("fixture.json", "real.json"):
            with open(os.path.join(plain, "data", name), "w") as f:
                f.write(f"k = '{self.secret}'\n")
        with open(os.path.join(plain, ".keyward.toml"), "w") as f:
            f.write('[allowlist]\npaths = ["data/fixture.json"]\n')
        self.assertEqual(self.scan(".", cwd=plain), ["./data/real.json"])
        self.assertEqual(self.scan("data", cwd=plain), ["data/real.json"])


if __name__ == "__main__":
    unittest.main()
