"""Inline markers of the scanners a repository may already carry (gitleaks, betterleaks,
trufflehog, kingfisher, detect-secrets), in any letter case, silence the finding on their
line through a real `git commit` with the installed hook; detect-secrets' next-line
pragma silences the line after it. Without a marker the same commit is blocked."""
from kwtest import RepoTestCase, fake_hf_token

SAME_LINE = ["keyward:allow", "gitleaks:allow", "betterleaks:allow", "trufflehog:ignore",
             "kingfisher:ignore", "pragma: allowlist secret", "GITLEAKS:ALLOW", "TruffleHog:Ignore",
             "Kingfisher:IGNORE", "BetterLeaks:Allow", "Pragma: Allowlist Secret"]


class MarkersTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("README.md", "base\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("base").rc, 0)
        self.seed = 1300

    def token(self):
        self.seed += 1
        return fake_hf_token(seed=self.seed)

    def commit_file(self, rel, text):
        self.write(rel, text)
        self.git("add", rel)
        return self.commit("add " + rel)

    def test_each_same_line_marker_lets_the_commit_through(self):
        for i, marker in enumerate(SAME_LINE):
            with self.subTest(marker):
                t = self.token()
                r = self.commit_file(f"m{i}.py", f'HF_TOKEN = "{t}"  # {marker}\n')
                self.assertEqual(r.rc, 0, r.all)
                self.assertNoSecret(r.all, t)

    def test_without_a_marker_the_commit_is_blocked(self):
        t = self.token()
        r = self.commit_file("plain.py", f'HF_TOKEN = "{t}"  # gitleaks allow\n')
        self.assertBlocked(r)
        self.assertIn("huggingface-user-token", r.all)

    def test_nextline_pragma_silences_the_next_line_only(self):
        t, u = self.token(), self.token()
        r = self.commit_file("next.py", f'# pragma: allowlist nextline secret\nHF_TOKEN = "{t}"\n')
        self.assertEqual(r.rc, 0, r.all)
        r = self.commit_file("crlf.py", f'// Pragma: Allowlist Nextline Secret\r\nHF_TOKEN = "{u}"\r\n')
        self.assertEqual(r.rc, 0, r.all)
        # Two lines below the pragma is not the next line.
        v = self.token()
        r = self.commit_file("far.py", f'# pragma: allowlist nextline secret\nx = 1\nHF_TOKEN = "{v}"\n')
        self.assertBlocked(r)
        self.assertIn("far.py:3", r.all)
        self.assertNoSecret(r.all, v)
