"""Secrets hidden by encodings: JSON escapes, base64 (Docker config.json, Kubernetes
Secret), URL-encoding, UTF-16 with BOM, CRLF and UTF-8 BOM, NUL bytes, a minified line,
a 100 MB file; Git LFS pointers are noted in --verbose, never flagged."""
import base64
import os
import shutil
import tempfile
import unittest

from kwtest import RepoTestCase, fake_hf_token


class EncodingTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        # One compiled rule database for the class: these tests are about decoding.
        cls.shared_cache = tempfile.mkdtemp(prefix="keyward-enc-cache-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared_cache, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.env["KEYWARD_CACHE_DIR"] = self.shared_cache
        os.makedirs(self.repo)

    def scan(self, *paths, extra=()):
        r = self.keyward("--format", "json", *extra, *paths)
        self.assertIn(r.rc, (0, 1), r.all)
        return r, r.json()["findings"]

    def hf(self, fs):
        return [f for f in fs if f["rule"] == "huggingface-user-token"]

    def test_escaped_json(self):
        tok = fake_hf_token(seed=31)
        text = '{\n  "model": "m",\n  "hub_token": "\\u0068' + tok[1:] + '",\n  "url": "https:\\/\\/x.test"\n}\n'
        self.write("config.json", text)
        r, fs = self.scan("config.json")
        fs = self.hf(fs)
        self.assertEqual(len(fs), 1, r.all)
        self.assertEqual(fs[0]["decoded"], "json-escape")
        self.assertEqual((fs[0]["line"], fs[0]["column"]), (3, text.split("\n")[2].index("\\u0068") + 1))
        t = self.keyward("config.json")
        self.assertIn("decoded from json-escape", t.all)
        self.assertNoSecret(t.all, tok)

    def test_docker_config_basic_auth(self):
        tok = fake_hf_token(seed=32)
        auth = base64.b64encode(f"robot:{tok}".encode()).decode()
        self.write(".docker/config.json",
                   '{\n\t"auths": {\n\t\t"registry.example.test": {\n\t\t\t"auth": "' + auth + '"\n\t\t}\n\t}\n}\n')
        r, fs = self.scan(".docker/config.json")
        hf = self.hf(fs)
        self.assertEqual(len(hf), 1, r.all)
        self.assertEqual(hf[0]["decoded"], "base64")
        self.assertEqual(hf[0]["line"], 4)
        t = self.keyward(".docker/config.json")
        self.assertIn("decoded from base64", t.all)
        self.assertNoSecret(t.all, tok)
        self.assertNoSecret(t.all, auth)

    def test_kubernetes_secret_and_url_encoding(self):
        tok, tok2 = fake_hf_token(seed=33), fake_hf_token(seed=34)
        b = base64.b64encode(tok.encode()).decode()
        self.write("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: hub\ntype: Opaque\n"
                                      f"data:\n  HF_TOKEN: {b}\n")
        self.write("links.txt", f"https://example.test/cb?token%3D{tok2}%26next%3D1\n")
        r, fs = self.scan("k8s", "links.txt")
        by = {f["path"]: f for f in self.hf(fs)}
        self.assertEqual(by["k8s/secret.yaml"]["decoded"], "base64", r.all)
        self.assertEqual(by["k8s/secret.yaml"]["line"], 7)
        self.assertIn("links.txt", by, r.all)
        self.assertEqual(by["links.txt"]["decoded"], "url-encoding")

    def test_utf16_with_bom(self):
        for enc, name in (("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
            tok = fake_hf_token(seed=35)
            text = "# settings\r\nHF_TOKEN=" + tok + "\r\n"
            bom = b"\xff\xfe" if enc.endswith("le") else b"\xfe\xff"
            self.write(name, bom + text.encode(enc), mode="wb")
            r, fs = self.scan(name)
            fs = self.hf(fs)
            self.assertEqual(len(fs), 1, r.all)
            self.assertEqual(fs[0]["decoded"], "utf-16")
            self.assertEqual((fs[0]["line"], fs[0]["column"]), (2, 10))
            t = self.keyward(name)
            self.assertIn("HF_TOKEN=", t.all)  # the excerpt is readable text, not UTF-16 bytes
            self.assertNoSecret(t.all, tok)

    def test_crlf_bom_and_nul_bytes(self):
        tok = fake_hf_token(seed=36)
        self.write("win.env", ("\ufeffA=1\r\nHF_TOKEN=" + tok + "\r\n").encode("utf-8"), mode="wb")
        self.write("blob.bin", b"\x00\x01\x02\x03" * 64 + b"\nkey=" + tok.encode() + b"\x00\x00\n", mode="wb")
        r, fs = self.scan("win.env", "blob.bin")
        by = {f["path"]: f for f in self.hf(fs)}
        self.assertEqual((by["win.env"]["line"], by["win.env"]["column"]), (2, 10), r.all)
        self.assertEqual((by["blob.bin"]["line"], by["blob.bin"]["column"]), (2, 5), r.all)

    def test_minified_line_shows_a_window(self):
        tok = fake_hf_token(seed=37)
        line = "var a=1;" * 1250 + f'var t="{tok}";' + "var b=2;" * 1250
        self.assertGreater(len(line), 20000)
        self.write("app.min.js", line)
        r = self.keyward("app.min.js")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn(f"app.min.js:1:{line.index(tok) + 1}:", r.all)
        longest = max(len(l) for l in r.all.split("\n"))
        self.assertLess(longest, 400, "the excerpt should be a window, not the whole line")
        self.assertNoSecret(r.all, tok)

    def test_lfs_pointer_noted_not_flagged(self):
        oid = "0123456789abcdef" * 4
        self.write("model.safetensors", f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 1234\n")
        r = self.keyward("--verbose", "model.safetensors")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("LFS", r.all)
        self.assertIn("not scanned", r.all)

    def test_huge_file(self):
        # 100 MB of ordinary text with one token in the middle: found, with its line.
        tok = fake_hf_token(seed=38)
        chunk = "".join(f"{i:08d} the quick brown fox jumps over the lazy dog, 3.14159 x=y\n" for i in range(16384))
        path = os.path.join(self.repo, "huge.log")
        reps = (100 * 1024 * 1024) // len(chunk) + 1
        with open(path, "w") as f:
            for i in range(reps):
                f.write(chunk)
                if i == reps // 2:
                    f.write(f"export HF_TOKEN={tok}\n")
        r, fs = self.scan("huge.log")
        fs = self.hf(fs)
        self.assertEqual(len(fs), 1, r.all)
        self.assertEqual(fs[0]["line"], (reps // 2 + 1) * 16384 + 1)


if __name__ == "__main__":
    unittest.main()
