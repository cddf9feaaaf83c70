"""The rule cache (rules-*.bin: parsed rules; rules-*.hsdb: the Hyperscan database) is read
on every run. A flipped byte anywhere in either file must cost a rebuild (said under -v),
never a rule: detection and exit codes stay right after every flip, and on the run after.

A small rules directory (one provider's rules) keeps each rebuild to milliseconds, so many
positions can be tried."""
import glob
import os
import random
import shutil
import unittest

from kwtest import RULES, RepoTestCase, fake_hf_token, fake_token


class FlippedCacheBytes(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.rules = os.path.join(self.tmp, "rules")
        os.makedirs(self.rules)
        shutil.copy(os.path.join(RULES, "huggingface.toml"), self.rules)
        self.cache = os.path.join(self.tmp, "cache-under-test")
        self.env["KEYWARD_CACHE_DIR"] = self.cache
        self.env["KEYWARD_RULES"] = self.rules
        self.secret_dir = os.path.join(self.tmp, "secret")
        self.clean_dir = os.path.join(self.tmp, "clean")
        os.makedirs(self.secret_dir)
        os.makedirs(self.clean_dir)
        self.token = fake_hf_token(1201)
        with open(os.path.join(self.secret_dir, "config.py"), "w") as f:
            f.write(f'HF_TOKEN = "{self.token}"\n')
        with open(os.path.join(self.clean_dir, "config.py"), "w") as f:
            f.write('HF_TOKEN = os.environ["HF_TOKEN"]\n')

    def scan(self, d):
        return self.keyward("-v", d, cwd=self.tmp)

    def assertDetects(self, r, what):
        self.assertEqual(r.rc, 1, f"{what}:\n{r.all}")
        self.assertIn("huggingface-user-token", r.out, what)
        self.assertNoSecret(r.all, self.token)

    def cache_files(self):
        return sorted(glob.glob(os.path.join(self.cache, "rules-*")), key=lambda f: (os.path.splitext(f)[1], f))

    def test_every_flip_is_detected_and_repaired(self):
        self.assertDetects(self.scan(self.secret_dir), "cold run")
        files = self.cache_files()
        self.assertEqual([os.path.splitext(f)[1] for f in files], [".bin", ".hsdb"], files)
        pristine = {}
        for f in files:
            with open(f, "rb") as fh:
                pristine[f] = fh.read()
        rng = random.Random(12)
        tried = 0
        for victim in files:
            size = len(pristine[victim])
            positions = set(range(0, size, 97)) if size // 97 <= 80 else set(rng.sample(range(size), 60))
            positions |= {0, 1, size // 2, size - 9, size - 5, size - 1}  # header, middle, checksum
            for pos in sorted(positions):
                for f in self.cache_files():
                    os.unlink(f)
                for f, data in pristine.items():
                    with open(f, "wb") as fh:
                        fh.write(data)
                bad = bytearray(pristine[victim])
                bad[pos] ^= rng.choice([0x01, 0x20, 0x80, 0xFF])
                with open(victim, "wb") as fh:
                    fh.write(bytes(bad))
                what = f"{os.path.basename(victim)} byte {pos} of {size}"
                with self.subTest(what):
                    r = self.scan(self.secret_dir)
                    self.assertDetects(r, what)
                    self.assertIn("damaged", r.err, f"{what}: the rebuild is not said under -v:\n{r.err}")
                    # The repaired cache: still detects, a clean tree exits 0 (not 2), and
                    # the damage is not reported again.
                    r = self.scan(self.clean_dir)
                    self.assertEqual(r.rc, 0, f"{what}, clean tree after the flip:\n{r.all}")
                    self.assertNotIn("damaged", r.err, what)
                    self.assertDetects(self.scan(self.secret_dir), f"{what}, second run")
                tried += 1
        self.assertGreater(tried, 40)

    def test_database_key_covers_the_rules_loaded(self):
        # Rules that differ from what the cached database was compiled from, under an
        # unchanged stamp (a rule file rewritten to the same size and time; or a rules
        # cache rebuilt for any reason), must not reuse that database: its key includes
        # the checksum of the rules loaded, not only the rule files' stamp.
        self.assertDetects(self.scan(self.secret_dir), "cold run")
        toml = os.path.join(self.rules, "huggingface.toml")
        st = os.stat(toml)
        with open(toml) as f:
            text = f.read()
        old = "(hf_[A-Za-z]{34})"
        self.assertIn(old, text)
        edited = text.replace(old, "(hf_[A-Za-z]{35})", 1)  # same length
        with open(toml, "w") as f:
            f.write(edited)
        os.utime(toml, ns=(st.st_atime_ns, st.st_mtime_ns))
        for f in self.cache_files():
            if f.endswith(".bin"):
                os.unlink(f)  # the parsed rules are rebuilt; the database file stays
        longer = fake_hf_token(1202)[:-34] + fake_token("", 35, seed=1203)
        with open(os.path.join(self.secret_dir, "config.py"), "w") as f:
            f.write(f'HF_TOKEN = "{longer}"\n')
        r = self.scan(self.secret_dir)
        self.assertEqual(r.rc, 1, f"the database of the old rules was reused:\n{r.all}")
        self.assertIn("huggingface-user-token", r.out)
        self.assertNoSecret(r.all, longer)

if __name__ == "__main__":
    unittest.main()
