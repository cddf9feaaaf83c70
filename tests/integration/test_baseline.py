"""Baselines: `keyward baseline` writes sorted fingerprints (no line numbers, no
timestamps); `--baseline` reports only new findings; `--report-unused` lists entries that
matched nothing; and a baseline stays valid when lines move and when the commits it
covers are rebased, because fingerprints are rule + secret, never commit or line."""
import os
import re

from kwtest import RepoTestCase, fake_hf_token

FP_LINE = re.compile(r"^[0-9a-f]{32} [a-z0-9-]+$")


class BaselineTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.old = [fake_hf_token(seed=100 + i) for i in range(3)]
        self.write("legacy/settings.py", "".join(f'TOKEN_{i} = "{t}"\n' for i, t in enumerate(self.old)))
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "legacy secrets (already revoked)")

    def baseline_lines(self, path=".keyward-baseline"):
        with open(os.path.join(self.repo, path)) as f:
            return [l.rstrip("\n") for l in f if not l.startswith("#")]

    def findings(self, *args):
        r = self.keyward("--format", "json", *args)
        self.assertIn(r.rc, (0, 1), r.all)
        return r.json()["findings"]

    def test_baseline_file_is_sorted_fingerprints_only(self):
        r = self.keyward("baseline", ".")
        self.assertEqual(r.rc, 0, r.all)
        lines = self.baseline_lines()
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines, sorted(lines))
        for l in lines:
            self.assertRegex(l, FP_LINE)
        with open(os.path.join(self.repo, ".keyward-baseline")) as f:
            text = f.read()
        for t in self.old:
            self.assertNoSecret(text, t)
        self.assertNotRegex(text, r"\d{4}-\d\d-\d\d|settings\.py|:\d+")  # no dates, paths, line numbers
        # Deterministic: writing it again gives the same bytes.
        self.keyward("baseline", ".", "-o", "again")
        with open(os.path.join(self.repo, "again")) as f:
            self.assertEqual(f.read(), text)

    def test_baseline_filters_and_stays_valid_when_lines_move(self):
        self.keyward("baseline", ".")
        self.assertEqual(self.findings(".", "--baseline", ".keyward-baseline"), [])
        # Lines move and a new secret arrives: only the new one is reported, in every mode.
        new = fake_hf_token(seed=200)
        with open(os.path.join(self.repo, "legacy/settings.py")) as f:
            body = f.read()
        self.write("legacy/settings.py", "# moved\n\n\n" + body + f'NEW = "{new}"\n')
        self.git("add", "-A")
        for args in ((".",), ()):
            got = self.findings(*args, "--baseline", ".keyward-baseline")
            self.assertEqual([(f["path"].removeprefix("./"), f["line"]) for f in got], [("legacy/settings.py", 7)], args)
        r = self.commit("new secret")
        self.assertBlocked(r)  # the hook without a baseline still blocks everything staged
        r = self.keyward("--baseline", ".keyward-baseline")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, new)

    def test_report_unused(self):
        self.keyward("baseline", ".")
        lines = self.baseline_lines()
        # Remove one legacy secret: its entry no longer matches anything.
        self.write("legacy/settings.py", f'TOKEN_0 = "{self.old[0]}"\nTOKEN_1 = "{self.old[1]}"\n')
        r = self.keyward(".", "--baseline", ".keyward-baseline", "--report-unused", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        unused = r.json().get("unused_baseline", [])
        self.assertEqual(len(unused), 1)
        self.assertIn(unused[0], [l.split()[0] for l in lines])
        r = self.keyward(".", "--baseline", ".keyward-baseline", "--report-unused")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn(f"baseline entry matched nothing: {unused[0]}", r.err)

    def test_bad_baseline_is_exit_2_with_line(self):
        self.write("bad-baseline", "# comment\nnot-a-fingerprint\n")
        r = self.keyward(".", "--baseline", "bad-baseline")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("bad-baseline:2:", r.err)
        r = self.keyward(".", "--baseline", "missing-baseline")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("keyward baseline", r.err)

    def test_baseline_survives_rebase(self):
        """Baseline the secrets of a feature branch, rebase the branch onto a main that moved
        the file's lines, and check the baseline still covers every finding."""
        self.git("checkout", "-q", "-b", "feature")
        feat = fake_hf_token(seed=300)
        self.write("feature.py", f'FEATURE_TOKEN = "{feat}"\n')
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "feature secret")
        self.keyward("baseline", ".", "-o", "../baseline")
        before = {(f["rule"], f["fingerprint"]) for f in self.findings(".")}
        self.assertEqual(len(before), 4)

        self.git("checkout", "-q", "main")
        with open(os.path.join(self.repo, "legacy/settings.py")) as f:
            body = f.read()
        self.write("legacy/settings.py", "# header added on main\n" * 5 + body)
        self.write("feature.py", "# main has its own feature.py header\n")
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "main moves lines")
        self.git("checkout", "-q", "feature")
        r = self.git("rebase", "main", check=False, env={"GIT_EDITOR": "true"})
        if r.rc != 0:  # feature.py conflicts: keep both, as a person would
            self.write("feature.py", "# main has its own feature.py header\n" + f'FEATURE_TOKEN = "{feat}"\n')
            self.git("add", "feature.py")
            self.git("-c", "core.editor=true", "rebase", "--continue", env={"GIT_EDITOR": "true"})
        after = self.findings(".")
        self.assertEqual({(f["rule"], f["fingerprint"]) for f in after}, before)
        self.assertEqual({f["line"] for f in after if f["path"].endswith("legacy/settings.py")}, {6, 7, 8})
        self.assertEqual(self.findings(".", "--baseline", "../baseline"), [])

        # History and range modes see the rewritten commits; the same baseline covers them.
        r = self.keyward("--range", "main..feature", "--format", "json", "--baseline", "../baseline")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["findings"], [])
        r = self.keyward("--range", "main..feature", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        feature_fp = {f["fingerprint"] for f in after if f["path"].endswith("feature.py")}
        self.assertEqual({f["fingerprint"] for f in r.json()["findings"]}, feature_fp)
        r = self.keyward("--all-history", "--format", "json", "--baseline", "../baseline")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["findings"], [])


if __name__ == "__main__":
    import unittest
    unittest.main()
