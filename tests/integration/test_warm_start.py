"""No silent cold pause: `keyward install` and `keyward rules --compile` fill the pattern
cache so the first commit compiles nothing; a .keyward.toml rule change compiles only the
configuration's own small database (the default one is untouched); an unwritable cache
directory is said once per run, without --verbose, and the scan falls back to a cache that
works and still finds secrets.

Whether a run compiled is what --verbose says ("keyward: note: compiled N default rules" /
"... configuration rule(s)"), and the default database's file is checked by identity (inode
and mtime). A small rules directory (one provider) keeps every compile to milliseconds."""
import glob
import os
import random
import shutil
import string
import unittest

from kwtest import RULES, RepoTestCase, fake_hf_token

ACME_RULE = """
[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''acme_live_([a-z0-9]{%d})'''
examples.positive = []
"""


def acme_key(seed, n=32):
    rng = random.Random(seed)
    return "acme_live_" + "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))


class WarmStart(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.rules = os.path.join(self.tmp, "rules")
        os.makedirs(self.rules)
        shutil.copy(os.path.join(RULES, "huggingface.toml"), self.rules)
        self.cache = os.path.join(self.tmp, "kwcache")
        self.env["KEYWARD_CACHE_DIR"] = self.cache
        self.env["KEYWARD_RULES"] = self.rules
        self.env["KEYWARD_SYSTEM_CACHE_DIR"] = ""  # nothing from an installation on this host

    def default_dbs(self, cache=None):
        return glob.glob(os.path.join(cache or self.cache, "rules-*.hsdb"))

    def identity(self, path):
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns)

    def staged_change(self, content="hello\n"):
        self.write("a.txt", content)
        self.git("add", "a.txt")

    def test_install_fills_the_cache_so_the_first_commit_compiles_nothing(self):
        self.init_repo()  # runs `keyward install`
        dbs = self.default_dbs()
        self.assertEqual(len(dbs), 1, os.listdir(self.cache) if os.path.isdir(self.cache) else "no cache dir")
        before = self.identity(dbs[0])
        self.staged_change()
        r = self.keyward("-v")
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotIn("compiled", r.err)
        self.assertEqual(self.identity(dbs[0]), before)
        # The real hook commits, and a secret is still caught.
        self.assertEqual(self.commit("first").rc, 0)
        token = fake_hf_token(1401)
        self.write("b.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "b.py")
        r = self.commit("second")
        self.assertBlocked(r)
        self.assertNoSecret(r.all, token)

    def test_a_cold_cache_compiles_and_says_so_under_verbose(self):
        # The control for the test above: without the install step the first run compiles.
        self.init_repo(hook=False)
        self.staged_change()
        r = self.keyward("-v")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("compiled", r.err)
        self.assertIn("default rule", r.err)
        r = self.keyward("-v")
        self.assertNotIn("compiled", r.err)

    def test_rules_compile_fills_the_cache(self):
        r = self.keyward("rules", "--compile", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        dbs = self.default_dbs()
        self.assertEqual(len(dbs), 1)
        self.assertIn(dbs[0], r.out)
        self.assertIn("compiled in", r.out)
        r = self.keyward("rules", "--compile", cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("already compiled", r.out)

    def test_rules_compile_system_fills_the_cache_every_user_reads(self):
        system = os.path.join(self.tmp, "system-cache")
        env = {"KEYWARD_SYSTEM_CACHE_DIR": system}
        r = self.keyward("rules", "--compile", "--system", cwd=self.tmp, env=env)
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(len(self.default_dbs(system)), 1, r.all)
        # A user whose own cache is empty reads it and compiles nothing.
        self.init_repo(hook=False)
        self.staged_change()
        r = self.keyward("-v", env=env)
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotIn("compiled", r.err)
        self.assertEqual(self.default_dbs(), [])
        r = self.keyward("rules", "--system", cwd=self.tmp)
        self.assertEqual(r.rc, 2, r.all)

    def test_a_config_rule_change_compiles_only_the_config_database(self):
        self.init_repo()
        db = self.default_dbs()[0]
        before = self.identity(db)
        for n, seed in ((32, 1), (24, 2)):
            self.write(".keyward.toml", ACME_RULE % n)
            key = acme_key(seed, n)
            self.write("c.py", f'KEY = "{key}"\n')
            self.git("add", ".keyward.toml", "c.py")
            r = self.keyward("-v", "--format", "json")
            self.assertEqual(r.rc, 1, r.all)
            self.assertEqual([f["rule"] for f in r.json()["findings"]], ["acme-api-key"])
            self.assertIn("compiled 1 configuration rule", r.err)
            self.assertNotIn("default rule", r.err)
            self.assertNoSecret(r.all, key)
            self.assertEqual(self.identity(db), before, "the default database was rewritten")
            # The next run finds the configuration's database cached too.
            r = self.keyward("-v", "--format", "json")
            self.assertEqual(r.rc, 1, r.all)
            self.assertNotIn("compiled", r.err)
        self.assertEqual(self.default_dbs(), [db])

    def test_disabling_a_default_rule_needs_no_compile(self):
        self.init_repo()
        token = fake_hf_token(1402)
        self.write("b.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "b.py")
        r = self.keyward("-v", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        found = {f["rule"] for f in r.json()["findings"]}
        self.assertTrue(found, r.all)
        self.write(".keyward.toml", '[rules_config]\ndisable = [%s]\n' % ", ".join('"%s"' % f for f in sorted(found)))
        self.git("add", ".keyward.toml")
        r = self.keyward("-v", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotIn("compiled", r.err)
        self.assertNoSecret(r.all, token)

    def test_an_unwritable_cache_is_said_once_and_a_fallback_works(self):
        blocker = os.path.join(self.tmp, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("a file where the cache directory's parent should be\n")
        # A path below a regular file cannot be created, not even by root.
        self.env["KEYWARD_CACHE_DIR"] = os.path.join(blocker, "cache")
        fallback = os.path.join(self.env["XDG_CACHE_HOME"], "keyward")
        self.init_repo(hook=False)
        token = fake_hf_token(1403)
        self.write("b.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "b.py")
        r = self.keyward()
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("huggingface", r.out)
        self.assertNoSecret(r.all, token)
        self.assertEqual(r.err.count("cannot write the pattern cache"), 1, r.err)
        self.assertIn(fallback, r.err)
        self.assertEqual(len(self.default_dbs(fallback)), 1, r.err)
        # The fallback is warm from now on: nothing compiled, nothing more to say.
        r = self.keyward("-v")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNotIn("compiled", r.err)
        self.assertNotIn("cannot write", r.err)

    def test_a_fallback_someone_else_can_write_is_not_trusted(self):
        blocker = os.path.join(self.tmp, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("x\n")
        self.env["KEYWARD_CACHE_DIR"] = os.path.join(blocker, "cache")
        fallback = os.path.join(self.env["XDG_CACHE_HOME"], "keyward")
        os.makedirs(fallback)
        os.chmod(fallback, 0o777)
        self.init_repo(hook=False)
        self.staged_change()
        r = self.keyward()
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.err.count("cannot write the pattern cache"), 1, r.err)
        self.assertEqual(self.default_dbs(fallback), [], r.err)


if __name__ == "__main__":
    unittest.main()
