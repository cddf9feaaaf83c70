"""Fingerprints are keyed (HMAC-SHA256), so a baselined weak password cannot be recovered
by hashing a dictionary: the key is the repository's (`fingerprint_key` in .keyward.toml,
or the one `keyward baseline` writes into the baseline), else a salt from the repository's
identity. Baselines and allowlists of the old unkeyed fingerprints still match."""
import hashlib
import hmac
import os

from kwtest import RepoTestCase, fake_hf_token

RULE = "huggingface-user-token"


def legacy(rule, secret):
    return hashlib.sha256(b"keyward-fingerprint-v1\0" + rule.encode() + b"\0" + secret.encode()).hexdigest()[:32]


def keyed(key, rule, secret):
    msg = b"keyward-fingerprint-v2\0" + rule.encode() + b"\0" + secret.encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()[:32]


class FingerprintKeyTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.secret = fake_hf_token(seed=601)
        self.write("app/settings.py", f'HF_TOKEN = "{self.secret}"\n')
        self.git("add", "-A")

    def fps(self, *args, cwd=None):
        r = self.keyward("--format", "json", *args, cwd=cwd)
        self.assertIn(r.rc, (0, 1), r.all)
        return [f["fingerprint"] for f in r.json()["findings"]]

    def read(self, rel):
        with open(os.path.join(self.repo, rel)) as f:
            return f.read()

    def test_old_baseline_still_suppresses(self):
        self.write("old-baseline", f"# keyward baseline\n{legacy(RULE, self.secret)} {RULE}\n")
        self.assertEqual(self.fps("--baseline", "old-baseline"), [])
        self.assertEqual(self.fps(".", "--baseline", "old-baseline"), [])
        r = self.keyward("--baseline", "old-baseline", "--report-unused", "--format", "json")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json().get("unused_baseline", []), [])
        self.git("commit", "-qm", "x", "--no-verify")
        self.assertEqual(self.fps("--all-history", "--baseline", "old-baseline"), [])
        # An old `fingerprints = [...]` allowlist too.
        self.write(".keyward.toml", f'[allowlist]\nfingerprints = ["{legacy(RULE, self.secret)}"]\n')
        self.assertEqual(self.fps("--all-history"), [])
        # Printed fingerprints are never the legacy form.
        os.remove(os.path.join(self.repo, ".keyward.toml"))
        self.assertNotIn(legacy(RULE, self.secret), self.fps("--all-history"))

    def test_new_baseline_is_keyed(self):
        r = self.keyward("baseline")
        self.assertEqual(r.rc, 0, r.all)
        text = self.read(".keyward-baseline")
        keys = [l.split(": ", 1)[1] for l in text.splitlines() if l.startswith("# fingerprint-key: ")]
        self.assertEqual(len(keys), 1, text)
        key = keys[0]
        self.assertRegex(key, r"^[0-9a-f]{64}$")
        entries = [l.split()[0] for l in text.splitlines() if l and not l.startswith("#")]
        self.assertEqual(entries, [keyed(key, RULE, self.secret)])
        self.assertNotEqual(entries[0], legacy(RULE, self.secret))
        self.assertNotIn(entries[0], hashlib.sha256(self.secret.encode()).hexdigest())
        # The baseline suppresses; scans print fingerprints with the repository's baseline key,
        # so a fingerprint copied from a report matches the baseline's.
        self.assertEqual(self.fps("--baseline", ".keyward-baseline"), [])
        self.assertEqual(self.fps("--no-baseline"), entries)  # .keyward-baseline is read by default
        # Rewriting it keeps the key: the file is stable under regeneration.
        self.assertEqual(self.keyward("baseline").rc, 0)
        self.assertEqual(self.read(".keyward-baseline"), text)
        # Another repository's baseline has another key.
        other = self.init_repo(os.path.join(self.tmp, "other"))
        with open(os.path.join(other, "a.py"), "w") as f:
            f.write(f'HF_TOKEN = "{self.secret}"\n')
        self.git("add", "-A", cwd=other)
        self.assertEqual(self.keyward("baseline", cwd=other).rc, 0)
        with open(os.path.join(other, ".keyward-baseline")) as f:
            self.assertNotIn(key, f.read())
        self.assertNotEqual(self.fps(cwd=other), entries)

    def test_config_key_and_salt_differ_between_repositories(self):
        other = self.init_repo(os.path.join(self.tmp, "other"))
        with open(os.path.join(other, "a.py"), "w") as f:
            f.write(f'HF_TOKEN = "{self.secret}"\n')
        self.git("add", "-A", cwd=other)
        # No key configured: a salt from the repository (its origin), never written anywhere.
        self.git("remote", "add", "origin", "git@example.invalid:team/one.git")
        self.git("remote", "add", "origin", "https://example.invalid/team/two", cwd=other)
        before = sorted(os.listdir(os.path.join(self.repo, ".git")))
        a, b = self.fps(), self.fps(cwd=other)
        self.assertEqual(len(a), 1)
        self.assertNotEqual(a, b)
        self.assertNotEqual(a[0], legacy(RULE, self.secret))
        self.assertEqual(self.fps(), a)  # stable
        self.assertEqual(sorted(os.listdir(os.path.join(self.repo, ".git"))), before)
        self.assertEqual(self.git("status", "--porcelain", "--ignored").out.count("\n"), 1)  # only the staged file: nothing written
        # Every clone of one repository salts alike: ssh and https URLs of the same origin.
        self.git("remote", "set-url", "origin", "https://example.invalid/team/one", cwd=other)
        self.assertEqual(self.fps(cwd=other), a)
        # A configured key: fingerprints are HMAC with it, different per key.
        k1, k2 = "k1-" + "0123456789abcdef" * 2, "k2-" + "0123456789abcdef" * 2
        self.write(".keyward.toml", f'fingerprint_key = "{k1}"\n')
        with open(os.path.join(other, ".keyward.toml"), "w") as f:
            f.write(f'fingerprint_key = "{k2}"\n')
        self.assertEqual(self.fps(), [keyed(k1, RULE, self.secret)])
        self.assertEqual(self.fps(cwd=other), [keyed(k2, RULE, self.secret)])
        # SARIF carries the same keyed fingerprint.
        r = self.keyward("--format", "sarif")
        self.assertIn(keyed(k1, RULE, self.secret), r.out)
        self.assertNotIn(legacy(RULE, self.secret), r.out)
        # A baseline written under a configured key uses it, and suppresses.
        self.assertEqual(self.keyward("baseline").rc, 0)
        self.assertIn(f"# fingerprint-key: {k1}\n", self.read(".keyward-baseline"))
        self.assertEqual(self.fps("--baseline", ".keyward-baseline"), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
