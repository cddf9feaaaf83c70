"""Compressed content: gzip files (and the gzip a .gitattributes clean filter stores) and
deflated zip members are inflated and scanned, within the decoding budget; what cannot be
inflated in full fails closed (exit 2, naming the file). Tokens are built at run time."""
import gzip
import io
import os
import zipfile

from kwtest import RepoTestCase, fake_hf_token


class Compressed(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("README.md", "base\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("base").rc, 0)
        self.base = self.git("rev-parse", "HEAD").out.strip()
        self.token = fake_hf_token(seed=8200)

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def assert_found(self, r, path, decoded, what):
        self.assertEqual(r.rc, 1, f"{what}: {r.all[-2000:]}")
        doc = r.json()
        self.assertTrue(any(f["path"] == path and f["rule"].startswith("huggingface-") and f.get("decoded") == decoded
                            for f in doc["findings"]), f"{what}: {r.out[-2000:]}")
        self.assertNoSecret(r.all, self.token)

    def both(self, rel, data, decoded):
        self.write(rel, data, mode="wb")
        self.assert_found(self.keyward("--format", "json", rel), rel, decoded, rel + ": disk")
        self.git("add", rel)
        self.assert_found(self.keyward("--format", "json"), rel, decoded, rel + ": pre-commit")
        r = self.commit("add")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(self.head(), self.base)
        self.assertNoSecret(r.all, self.token)
        self.commit("add", "--no-verify")
        self.assert_found(self.keyward("--all-history", "--format", "json"), rel, decoded, rel + ": --all-history")

    def test_gzip_file(self):
        self.both("env.gz", gzip.compress(f"A=1\nHF_TOKEN={self.token}\n".encode(), mtime=0), "gzip")

    def test_gzip_second_member(self):
        data = gzip.compress(b"first member\n", mtime=0) + gzip.compress(f"HF_TOKEN={self.token}\n".encode(), mtime=0)
        self.both("logs.gz", data, "gzip")

    def test_gzip_without_the_suffix(self):
        self.both("backup.dat", gzip.compress(f"HF_TOKEN={self.token}\n".encode(), mtime=0), "gzip")

    def test_zip_deflated_members(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("README.txt", "hello " * 100)
            z.writestr("config/.env", f"HF_TOKEN={self.token}\n")
        self.both("bundle.zip", buf.getvalue(), "zip")

    # A clean filter that compresses: test_no_silent_pass.py (test_clean_filter_that_compresses).

    def test_over_budget_fails_closed(self):
        # 40 MiB of zeros inflate past the 32 MiB + 2 x size budget; the token comes after.
        data = gzip.compress(b"\0" * (40 << 20) + f"HF_TOKEN={self.token}\n".encode(), mtime=0)
        self.write("bomb.gz", data, mode="wb")
        r = self.keyward("bomb.gz")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("bomb.gz", r.err)
        self.assertIn("budget", r.err)

    def test_cut_gzip_fails_closed(self):
        data = gzip.compress(f"HF_TOKEN={self.token}\n".encode() + os.urandom(4096), mtime=0)
        self.write("cut.gz", data[: len(data) // 2], mode="wb")
        r = self.keyward("cut.gz")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("cut.gz", r.err)
        self.assertIn("cut short", r.err)
        self.assertNoSecret(r.all, self.token)

    def test_clean_archives_pass(self):
        self.write("ok.gz", gzip.compress(b"nothing secret here\n" * 100, mtime=0), mode="wb")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("a.txt", "plain text " * 50)
        self.write("ok.zip", buf.getvalue(), mode="wb")
        r = self.keyward("ok.gz", "ok.zip")
        self.assertEqual(r.rc, 0, r.all)


if __name__ == "__main__":
    import unittest
    unittest.main()
