""".keyward.toml (and --config FILE, and a gitleaks/Betterleaks config) through real
`git commit`s: extra rules, disabled rules, path and value allowlists, per-rule overrides,
inline allow comments, and errors that name the file, the line and the reason."""
import random
import string
import textwrap

from kwtest import RepoTestCase, fake_hf_token, fake_token

ACME_RULE = """
[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''acme_live_([a-z0-9]{32})'''
examples.positive = []
"""


def acme_key(seed):
    rng = random.Random(seed)
    return "acme_live_" + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(32))


class ConfigTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def config(self, text, name=".keyward.toml", stage=True):
        # Staged, as a commit that changes the policy carries it: the hook takes the staged
        # configuration (test_unstaged_config_is_not_the_hooks_policy).
        self.write(name, textwrap.dedent(text))
        if stage and name == ".keyward.toml":
            self.git("add", name)

    def stage(self, rel, content):
        self.write(rel, content)
        self.git("add", rel)

    def scan(self, *args):
        return self.keyward("--format", "json", *args)

    def rules_found(self, r):
        self.assertIn(r.rc, (0, 1), r.all)
        return sorted(f["rule"] + ":" + f["path"] for f in r.json()["findings"])

    # --- what the config changes ---------------------------------------------------------
    def test_extra_rule_blocks_commit(self):
        self.config(ACME_RULE)
        key = acme_key(1)
        self.stage("app.py", f'KEY = "{key}"\n')
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("acme-api-key", r.all)
        self.assertNoSecret(r.all, key)

    def test_disabled_rule(self):
        self.config("""
            [rules_config]
            disable = ["huggingface-user-token"]
        """)
        self.stage("a.py", f'T = "{fake_hf_token(seed=3)}"\n')
        self.assertEqual(self.rules_found(self.scan()), [])
        self.assertEqual(self.commit().rc, 0)

    def test_per_rule_disable_and_overrides(self):
        self.config("""
            [rule.huggingface-user-token]
            allow_paths = ["docs/**/*.md"]
        """)
        t = fake_hf_token(seed=4)
        self.stage("docs/guide/setup.md", f"export HF_TOKEN={t}\n")
        self.stage("train.py", f'T = "{t}"\n')
        self.assertEqual(self.rules_found(self.scan()), ["huggingface-user-token:train.py"])
        self.config("""
            [rule.huggingface-user-token]
            disable = true
        """)
        self.assertEqual(self.rules_found(self.scan()), [])

    def test_min_entropy_override(self):
        self.config(ACME_RULE + """
            [rule.acme-api-key]
            min_entropy = 7.5
        """)
        self.stage("a.py", f'K = "{acme_key(5)}"\n')
        self.assertEqual(self.rules_found(self.scan()), [])

    def test_gitignore_style_path_allowlist(self):
        self.config("""
            [allowlist]
            paths = ["fixtures/", "*.snap", "/root-only.txt"]
        """)
        t = fake_hf_token(seed=6)
        for rel in ("fixtures/a.json", "deep/fixtures/b.json", "ui/x.snap", "root-only.txt", "sub/root-only.txt",
                    "src/real.py"):
            self.stage(rel, f'"{t}"\n')
        self.assertEqual(self.rules_found(self.scan()),
                         ["huggingface-user-token:src/real.py", "huggingface-user-token:sub/root-only.txt"])

    def test_value_allowlists(self):
        known = fake_hf_token(seed=7)
        other = fake_hf_token(seed=8)
        self.config(f"""
            [allowlist]
            values = ["{known}"]
            stopwords = ["{other[5:15].upper()}"]
        """)
        self.stage("a.py", f'A = "{known}"\nB = "{other}"\nC = "{fake_hf_token(seed=9)}"\n')
        r = self.scan()
        self.assertEqual([f["line"] for f in r.json()["findings"]], [3])

    def test_fingerprint_allowlist(self):
        t = fake_hf_token(seed=10)
        self.stage("a.py", f'A = "{t}"\n')
        fp = self.scan().json()["findings"][0]["fingerprint"]
        self.config(f"""
            [allowlist]
            fingerprints = ["{fp}"]
        """)
        self.assertEqual(self.rules_found(self.scan()), [])

    def test_config_flag_reads_another_file(self):
        self.config(ACME_RULE, name="ci/keyward.toml")
        self.stage("a.py", f'K = "{acme_key(11)}"\n')
        self.assertEqual(self.rules_found(self.scan()), [])
        self.assertEqual(self.rules_found(self.scan("--config", "ci/keyward.toml")), ["acme-api-key:a.py"])

    # --- inline allow comments (and the spellings people migrate from) ----------------------
    def test_inline_allow_comments(self):
        for i, comment in enumerate(["# keyward:allow", "# gitleaks:allow", "# pragma: allowlist secret"]):
            self.stage(f"a{i}.py", f'T = "{fake_hf_token(seed=20 + i)}"  {comment}\n')
        self.stage("b.py", f'T = "{fake_hf_token(seed=30)}"  # some other comment\n')
        self.assertEqual(self.rules_found(self.scan()), ["huggingface-user-token:b.py"])
        self.git("rm", "-q", "--cached", "b.py")
        self.assertEqual(self.commit().rc, 0)

    # --- errors: file, line, reason; exit 2 and the commit is blocked ------------------------
    def assertConfigError(self, text, line, *needles):
        self.config(text)
        self.stage("x.py", "x = 1\n")
        r = self.keyward()
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn(f".keyward.toml:{line}:", r.err)
        for n in needles:
            self.assertIn(n, r.err)
        c = self.commit()
        self.assertBlocked(c)
        self.assertIn("--no-verify", c.all)

    def test_error_invalid_toml(self):
        self.assertConfigError("[allowlist]\npaths = [\"a\"\nx = 1\n", 3, "invalid TOML")

    def test_error_unknown_section(self):
        self.assertConfigError("[allowlists]\npaths = []\n", 1, "unknown section 'allowlists'")

    def test_error_unknown_key(self):
        self.assertConfigError("\n[allowlist]\npath = [\"docs/\"]\n", 3, "unknown key 'path'", "paths")

    def test_error_bad_regex(self):
        self.assertConfigError("[allowlist]\nregexes = [\n  \"ok\",\n  \"(unclosed\",\n]\n", 4, "not a valid RE2 regex")

    def test_error_unknown_rule_id(self):
        self.assertConfigError("[rules_config]\ndisable = [\"no-such-rule\"]\n", 2, "unknown rule 'no-such-rule'")

    def test_error_wrong_type(self):
        self.assertConfigError("[allowlist]\npaths = \"docs/\"\n", 2, "must be an array of strings")

    def test_error_bad_extra_rule(self):
        self.assertConfigError("[[rules]]\nid = \"Bad_Id\"\ndescription = \"x\"\nregex = 'a(b)'\n", 1, "kebab-case")

    def test_error_missing_config_file(self):
        r = self.keyward("--config", "nope.toml")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("nope.toml", r.err)

    def test_unstaged_config_is_not_the_hooks_policy(self):
        """The hook checks what is staged with the policy that is staged: a .keyward.toml
        the commit does not carry (untracked, or changed but not staged) cannot allowlist
        the secret being committed. Run by hand, keyward still reads the working tree's."""
        t = fake_hf_token(seed=77)
        self.config('[allowlist]\npaths = ["s.py"]\n', stage=False)
        self.stage("s.py", f'T = "{t}"\n')
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("not staged", r.all)
        self.assertNoSecret(r.all, t)
        self.assertEqual(self.rules_found(self.scan()), [])  # by hand: the working tree's config
        self.git("add", ".keyward.toml")
        self.assertEqual(self.commit().rc, 0)

    def test_unstaged_change_to_a_staged_config_is_said_and_not_used(self):
        t = fake_hf_token(seed=78)
        self.config('[allowlist]\npaths = ["other.py"]\n')
        self.config('[allowlist]\npaths = ["s.py"]\n', stage=False)
        self.stage("s.py", f'T = "{t}"\n')
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("not staged; the staged version is used", r.all)


class GitleaksMigrationTest(RepoTestCase):
    CONFIG = """\
title = "team config"

[extend]
useDefault = true

[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''acme_live_([a-z0-9]{32})'''
entropy = 2.0
keywords = ["acme_live_"]
  [[rules.allowlists]]
  paths = ['''^fixtures/''']
  stopwords = ["0000"]

[[rules]]
id = "Lookahead_Token"
description = "needs a lookahead"
regex = '''ltok_(?=[A-Z])[A-Za-z]{20}'''

[[rules]]
id = "p12-file"
description = "PKCS12 files"
path = '''\\.p12$'''

[allowlist]
paths = ['''(^|/)vendor/''']
regexes = ['''^acme_live_1{32}$''']
commits = ["0123456789abcdef0123456789abcdef01234567"]
"""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write(".gitleaks.toml", self.CONFIG)

    def test_rules_and_allowlists_convert(self):
        key = acme_key(40)
        for rel in ("app.py", "fixtures/a.py", "lib/vendor/b.py"):
            self.write(rel, f'K = "{key}"\n')
        self.write("c.py", f'K = "acme_live_{"1" * 32}"\nL = "acme_live_{"0000" * 8}"\n')
        self.git("add", "-A")
        r = self.keyward("--config", ".gitleaks.toml", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([(f["rule"], f["path"]) for f in r.json()["findings"]], [("acme-api-key", "app.py")])
        self.assertIn("could not be converted exactly", r.err)
        self.assertNoSecret(r.all, key)

    def test_unconvertible_parts_are_named_precisely(self):
        r = self.keyward("rules", "--config", ".gitleaks.toml")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("acme-api-key", r.out)
        self.assertRegex(r.err, r"\.gitleaks\.toml:\d+: rule 'Lookahead_Token': regex not converted: it uses a "
                                r"lookaround '\(\?=\.\.\.\)'")
        self.assertRegex(r.err, r"rule 'p12-file': a rule that matches file paths only")
        self.assertRegex(r.err, r"commit allowlists are not converted")
        self.assertRegex(r.err, r"useDefault")
        self.assertNotIn("lookahead-token ", r.out)


if __name__ == "__main__":
    import unittest
    unittest.main()
