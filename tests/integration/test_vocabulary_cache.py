"""The vocabulary (words.txt, documented-examples.txt) is cached in rules-*.bin after the
parsed rules, and decoded only when a candidate reaches the word filter. Like the rules, it
must never be trusted stale or damaged: an edit to words.txt is seen by the next commit, a
flipped byte in its cached section costs a rebuild (said under -v) and never a decision.

A small rules directory (the Hugging Face rules and a words.txt of five words) keeps each
rebuild to milliseconds."""
import glob
import os
import shutil
import unittest

from kwtest import RULES, RepoTestCase, fake_hf_token

WORDS = "pretrained cache causal default vision"


def wordy_token():
    # A Hugging Face token's shape whose body is made of the words above: an identifier,
    # which the word filter drops. Built here, not written anywhere.
    return "hf_" + "".join(w.capitalize() for w in WORDS.split())


class VocabularyCache(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.rules = os.path.join(self.tmp, "rules")
        os.makedirs(self.rules)
        shutil.copy(os.path.join(RULES, "huggingface.toml"), self.rules)
        self.write_words(WORDS)
        self.cache = os.path.join(self.tmp, "cache-under-test")
        self.env["KEYWARD_CACHE_DIR"] = self.cache
        self.env["KEYWARD_RULES"] = self.rules
        self.token = fake_hf_token(1301)

    def write_words(self, words):
        with open(os.path.join(self.rules, "words.txt"), "w") as f:
            f.write(f"[words]\n{words}\n")

    def rules_cache(self):
        files = glob.glob(os.path.join(self.cache, "rules-*.bin"))
        self.assertEqual(len(files), 1, files)
        return files[0]

    def test_a_words_edit_is_seen_by_the_next_commit(self):
        self.init_repo()
        self.write("model.py", f'NAME = "{wordy_token()}"\n')
        self.git("add", "model.py")
        r = self.commit("an identifier made of words")
        self.assertEqual(r.rc, 0, r.all)
        before = self.rules_cache()
        self.write_words("pretrained cache")  # "CausalDefaultVision" is no longer words
        self.write("other.py", f'NAME = "{wordy_token()}"\n')
        self.git("add", "other.py")
        r = self.commit("the same value after the edit")
        self.assertBlocked(r)
        self.assertIn("huggingface-user-token", r.all)
        self.assertNoSecret(r.all, wordy_token())
        # A rules cache of its own for the new words (the old one ages out of the directory).
        self.assertNotEqual(set(glob.glob(os.path.join(self.cache, "rules-*.bin"))) - {before}, set())

    def test_a_flipped_byte_in_the_cached_vocabulary_is_repaired(self):
        scan_dir = os.path.join(self.tmp, "scan")
        os.makedirs(scan_dir)
        with open(os.path.join(scan_dir, "config.py"), "w") as f:
            f.write(f'HF_TOKEN = "{self.token}"\nNAME = "{wordy_token()}"\n')

        def scan():
            return self.keyward("-v", "--format", "json", scan_dir, cwd=self.tmp)

        def assertRight(r, what):
            self.assertEqual(r.rc, 1, f"{what}:\n{r.all}")
            found = r.json()["findings"]
            # The real token, and not the identifier: the vocabulary is whole again.
            self.assertEqual([f["rule"] for f in found], ["huggingface-user-token"], f"{what}:\n{r.all}")
            self.assertEqual([f["line"] for f in found], [1], what)
            self.assertNoSecret(r.all, self.token)

        assertRight(scan(), "cold run")
        path = self.rules_cache()
        with open(path, "rb") as f:
            pristine = f.read()
        start = pristine.find(b"KWVOCAB1")
        self.assertGreater(start, 0, "no vocabulary section in the rules cache")
        positions = sorted(set(range(start, len(pristine), 7)) | {start, len(pristine) - 9, len(pristine) - 1})
        for pos in positions:
            bad = bytearray(pristine)
            bad[pos] ^= 0x20
            with open(path, "wb") as f:
                f.write(bytes(bad))
            what = f"rules cache byte {pos} of {len(pristine)} (vocabulary from {start})"
            with self.subTest(what):
                r = scan()
                assertRight(r, what)
                self.assertIn("damaged", r.err, f"{what}: the rebuild is not said under -v:\n{r.err}")
                r = scan()
                assertRight(r, f"{what}, second run")
                self.assertNotIn("damaged", r.err, what)
        self.assertGreater(len(positions), 10)

    def test_a_config_rule_change_leaves_the_rules_cache_alone(self):
        # The configuration's rules are not in rules-*.bin (they are parsed from
        # .keyward.toml on every run, into their own small database): changing them must
        # take effect at once and rewrite neither the cached rules nor the vocabulary.
        self.init_repo(hook=False)
        rule = ('[[rules]]\nid = "acme-key"\ndescription = "ACME key"\n'
                "regex = '''(acme_[a-z]{%d})'''\nkeywords = [\"acme_\"]\n")
        self.write(".keyward.toml", rule % 20)
        key = "acme_" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(20))
        self.write("c.py", f'KEY = "{key}"\nNAME = "{wordy_token()}"\n')
        self.git("add", ".keyward.toml", "c.py")
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([f["rule"] for f in r.json()["findings"]], ["acme-key"])
        path = self.rules_cache()
        stamp = os.stat(path).st_mtime_ns
        self.write(".keyward.toml", rule % 21)  # the key no longer matches
        self.git("add", ".keyward.toml")
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(self.rules_cache(), path)
        self.assertEqual(os.stat(path).st_mtime_ns, stamp, "the rules cache was rewritten for a config change")


if __name__ == "__main__":
    unittest.main()
