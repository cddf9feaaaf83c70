"""A module's token is found in the module and again in the bytecode CPython writes for it
(__pycache__/NAME.cpython-XY.pyc, compiled here with py_compile): one finding, at the
source line, naming the bytecode as another place. Bytecode committed without its source
is still reported."""
import os
import py_compile
import sys

from kwtest import RepoTestCase, fake_hf_token


class PycTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.token = fake_hf_token(seed=414)
        # A dict constant: marshal writes a byte >= 0x80 after the string, so the raw
        # bytecode matches too (what the duplicate was about).
        self.write("app/settings.py", f'CONFIG = {{"hub_token": "{self.token}", "lr": 3}}\n')
        tag = sys.implementation.cache_tag
        self.pyc = f"app/__pycache__/settings.{tag}.pyc"
        py_compile.compile(os.path.join(self.repo, "app/settings.py"), cfile=os.path.join(self.repo, self.pyc))

    def findings(self, *paths):
        r = self.keyward("--format", "json", *paths)
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, self.token)
        return r.json()["findings"]

    def test_module_and_bytecode_are_one_finding(self):
        fs = self.findings("app")
        self.assertEqual(len(fs), 1, fs)
        self.assertEqual(fs[0]["path"], "app/settings.py")
        self.assertEqual([p["path"] for p in fs[0]["other_places"]], [self.pyc])
        r = self.keyward("app")
        self.assertIn("also in " + self.pyc, r.all)

    def test_bytecode_alone_is_reported(self):
        os.remove(os.path.join(self.repo, "app/settings.py"))
        fs = self.findings("app")
        self.assertEqual([f["path"] for f in fs], [self.pyc])

    def test_commit_of_both_reports_one_finding(self):
        self.git("add", "-f", "app")
        r = self.commit("settings")
        self.assertBlocked(r)
        self.assertIn("app/settings.py:1", r.all)
        self.assertNotIn(self.pyc + ":", r.all)
        self.assertNoSecret(r.all, self.token)
