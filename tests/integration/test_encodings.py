"""Secrets hidden by encodings: JSON escapes, base64 (Docker config.json, Kubernetes
Secret), URL-encoding, UTF-16 with and without BOM, UTF-32, PowerShell -EncodedCommand,
CRLF, lone CR and UTF-8 BOM, NUL bytes, a minified line, a 100 MB file; Git LFS pointers
are noted in --verbose, never flagged. Edits to UTF-16 files through a real hook."""
import base64
import json
import os
import subprocess
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token


class EncodingTest(RepoTestCase):
    def setUp(self):
        super().setUp()
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


    # --- wide text, line ends, locations (issue 11 items 6, 7, 18, 24) ---------------
    def hf_secrets(self, r):
        return [f for f in r.json()["findings"] if f["rule"] == "huggingface-user-token"]

    def sarif_regions(self, *args):
        r = self.keyward("--format", "sarif", *args)
        self.assertEqual(r.rc, 1, r.all)
        return [res["locations"][0]["physicalLocation"]["region"] for res in json.loads(r.out)["runs"][0]["results"]]

    def test_utf16_edits_are_blocked_by_the_hook(self):
        # Each of these characters has a 0x0A byte in its UTF-16 code unit: counted as
        # newlines, they shifted the added lines away from the finding, which was dropped.
        self.init_repo()
        n = 0
        for ch in ("\u4e0a", "\u0e0a", "\u040a", "\u0a41"):
            for enc, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
                n += 1
                name = f"notes{n}.txt"
                before = f"# {ch}{ch} {ch}\r\nname = model\r\n{ch}\r\n"
                self.write(name, bom + before.encode(enc), mode="wb")
                self.git("add", name)
                r = self.commit(f"add {name}")
                self.assertEqual(r.rc, 0, r.all)
                tok = fake_hf_token(seed=300 + n)
                self.write(name, bom + (before + f"HF_TOKEN={tok}\r\n").encode(enc), mode="wb")
                self.git("add", name)
                r = self.commit(f"edit {name}")
                self.assertBlocked(r)
                self.assertIn(name, r.all)
                self.assertNoSecret(r.all, tok)
                self.git("reset", "-q", "--hard")
        # An edit to a UTF-16 file that only adds the secret line in the middle.
        tok = fake_hf_token(seed=320)
        lines = [f"line {i}" for i in range(20)]
        self.write("app.ini", b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le"), mode="wb")
        self.git("add", "-A")
        self.assertEqual(self.commit("ini").rc, 0)
        lines.insert(10, f"token={tok}")
        self.write("app.ini", b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le"), mode="wb")
        self.git("add", "-A")
        r = self.commit("edit ini")
        self.assertBlocked(r)
        self.assertIn("app.ini:11:7:", r.all)

    def test_cr_only_edit_is_blocked_and_located(self):
        self.init_repo()
        old = fake_hf_token(seed=321)
        self.write("mac.env", f"A=1\rOLD={old}\rB=2\r".encode(), mode="wb")
        self.git("add", "-A")
        self.commit("legacy", "--no-verify")
        # Another line edited: the old secret is not new.
        self.write("mac.env", f"A=2\rOLD={old}\rB=2\r".encode(), mode="wb")
        self.git("add", "-A")
        r = self.commit("bump")
        self.assertEqual(r.rc, 0, r.all)
        new = fake_hf_token(seed=322)
        self.write("mac.env", f"A=2\rOLD={old}\rB=2\rHF_TOKEN={new}\r".encode(), mode="wb")
        self.git("add", "-A")
        r = self.commit("add")
        self.assertBlocked(r)
        self.assertIn("mac.env:4:10:", r.all)
        self.assertNoSecret(r.all, new)
        r = self.keyward("--format", "json", "mac.env")
        fs = self.hf_secrets(r)
        self.assertEqual(sorted((f["line"], f["column"]) for f in fs), [(2, 5), (4, 10)], r.all)

    def test_utf16_without_bom_utf32_and_encoded_command(self):
        self.init_repo()
        toks = {}
        files = {}
        for i, (name, enc) in enumerate((("le16.txt", "utf-16-le"), ("be16.txt", "utf-16-be"),
                                         ("le32.txt", "utf-32-le"), ("be32.txt", "utf-32-be"),
                                         ("bom32.txt", "utf-32"))):
            tok = fake_hf_token(seed=330 + i)
            toks[name] = tok
            files[name] = f"# \u4e0a settings\r\nHF_TOKEN={tok}\r\n".encode(enc)  # "utf-32" writes a BOM
        tok = fake_hf_token(seed=340)
        toks["run.cmd"] = tok
        cmd = base64.b64encode(f"$env:HF_TOKEN='{tok}'; python train.py".encode("utf-16-le")).decode()
        files["run.cmd"] = f"@echo off\r\npowershell.exe -NoProfile -EncodedCommand {cmd}\r\n".encode()
        tok = fake_hf_token(seed=341)
        toks["ci.yml"] = tok
        cmd = base64.b64encode(f"Invoke-WebRequest -Headers @{{Authorization='Bearer {tok}'}}".encode("utf-16-le")).decode()
        files["ci.yml"] = f"steps:\n  - run: pwsh -enc {cmd}\n".encode()
        for name, data in files.items():
            self.write(name, data, mode="wb")
        # Disk scan: each found, at its line.
        r = self.keyward("--format", "json", *files)
        by = {f["path"]: f for f in self.hf_secrets(r)}
        self.assertEqual(set(by), set(files), r.all)
        for name in ("le16.txt", "be16.txt"):
            self.assertEqual((by[name]["decoded"], by[name]["line"], by[name]["column"]), ("utf-16", 2, 10))
        for name in ("le32.txt", "be32.txt", "bom32.txt"):
            self.assertEqual((by[name]["decoded"], by[name]["line"], by[name]["column"]), ("utf-32", 2, 10))
        self.assertEqual((by["run.cmd"]["decoded"], by["run.cmd"]["line"]), ("powershell-encoded-command", 2))
        self.assertEqual((by["ci.yml"]["decoded"], by["ci.yml"]["line"]), ("powershell-encoded-command", 2))
        for tok in toks.values():
            self.assertNoSecret(r.all, tok)
        # Each blocks a real commit on its own.
        for name in files:
            self.git("add", name)
            r = self.commit(name)
            self.assertBlocked(r)
            self.assertIn(name, r.all)
            self.git("reset", "-q")
        # History scan: committed past the hook, found in history.
        self.git("add", "-A")
        self.commit("all", "--no-verify")
        r = self.keyward("--all-history", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual({f["path"] for f in self.hf_secrets(r)}, set(files), r.all)

    def test_binary_with_utf16_strings_and_not_binary_as_utf16(self):
        tok = fake_hf_token(seed=342)
        blob = bytes(range(256)) * 4 + f"HF_TOKEN={tok}".encode("utf-16-le") + b"\x00\xff" * 16 + bytes(range(256))
        self.write("tool.dll", blob, mode="wb")
        noise = bytes((i * 7919 + 13) % 251 for i in range(1 << 16))
        self.write("noise.bin", noise, mode="wb")
        r = self.keyward("--format", "json", "tool.dll", "noise.bin")
        fs = self.hf_secrets(r)
        self.assertEqual([(f["path"], f["decoded"]) for f in fs], [("tool.dll", "utf-16")], r.all)

    def test_large_utf16_then_8bit_line_does_not_crash(self):
        # Once a SIGABRT: the decoded view stops at its budget, and locating the 8-bit token
        # after it read past the view.
        tok = fake_hf_token(seed=343)
        line = "the quick brown fox jumps over the lazy dog 0123456789\r\n".encode("utf-16-le")
        path = os.path.join(self.repo, "big.txt")
        with open(path, "wb") as f:
            f.write(b"\xff\xfe")
            for _ in range(700):
                f.write(line * 1000)
            f.write(f"HF_TOKEN={tok}\n".encode())
        r = self.keyward("--format", "json", "big.txt")
        self.assertEqual(r.rc, 1, r.all)
        fs = self.hf_secrets(r)
        self.assertEqual(len(fs), 1, r.all)
        self.assertNotIn("terminate", r.err)
        self.assertNoSecret(r.all, tok)
        # Out of memory while decoding it: an error naming the file, exit 2, not an abort.
        import resource
        limit = 150 << 20  # address space: enough to start and map the file, not to decode it

        def low_memory():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # (AddressSanitizer reserves terabytes of shadow address space: under the sanitizer
        # build an address-space limit stops the process before main, so this part runs in
        # the release build only.)
        if "ASAN_OPTIONS" not in os.environ:
            p = subprocess.run([KEYWARD, "--format", "json", "-j1", "big.txt"], cwd=self.repo, env=self.env,
                               capture_output=True, text=True, preexec_fn=low_memory, timeout=600)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("keyward: error:", p.stderr)
            self.assertIn("big.txt", p.stderr)
            self.assertNotIn("terminate", p.stderr)
        # A smaller one, decoded whole: the line is counted in the UTF-16 text.
        with open(path, "wb") as f:
            f.write(b"\xff\xfe" + line * 1000 + f"HF_TOKEN={tok}\n".encode())
        r = self.keyward("--format", "json", "big.txt")
        fs = self.hf_secrets(r)
        self.assertEqual([(f["line"], f["column"]) for f in fs], [(1001, 10)], r.all)

    def test_bom_and_ff_fe_columns_in_json_and_sarif(self):
        tok, tok2 = fake_hf_token(seed=344), fake_hf_token(seed=345)
        self.write("bom.env", ("\ufeffHF_TOKEN=" + tok + "\n").encode("utf-8"), mode="wb")
        # FF FE, then 8-bit text: not UTF-16, so scanned as the bytes it is.
        self.write("ff.env", b"\xff\xfeA=1\nHF_TOKEN=" + tok2.encode() + b"\n", mode="wb")
        r = self.keyward("--format", "json", "bom.env", "ff.env")
        by = {f["path"]: f for f in self.hf_secrets(r)}
        self.assertEqual((by["bom.env"]["line"], by["bom.env"]["column"], by["bom.env"]["end_column"]),
                         (1, 10, 10 + len(tok)), r.all)
        self.assertEqual((by["ff.env"]["line"], by["ff.env"]["column"]), (2, 10), r.all)
        self.assertNotIn("decoded", by["ff.env"])
        self.assertEqual([(g["startLine"], g["startColumn"], g["endColumn"]) for g in self.sarif_regions("bom.env")],
                         [(1, 10, 10 + len(tok))])
        self.assertEqual([(g["startLine"], g["startColumn"]) for g in self.sarif_regions("ff.env")], [(2, 10)])
        t = self.keyward("bom.env", "ff.env")
        self.assertIn("bom.env:1:10:", t.all)
        self.assertIn("ff.env:2:10:", t.all)

    def test_markdown_attachment_is_labelled_attachment(self):
        tok = fake_hf_token(seed=346)
        nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n"], "outputs": [], "metadata": {},
                         "execution_count": 1},
                        {"cell_type": "markdown", "source": ["![notes](attachment:notes.txt)"], "metadata": {},
                         "attachments": {"notes.txt": {"text/plain": [f"HF_TOKEN={tok}\n"]}}}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        self.write("nb.ipynb", json.dumps(nb, indent=1))
        r = self.keyward("--format", "json", "nb.ipynb")
        fs = self.hf_secrets(r)
        self.assertEqual(len(fs), 1, r.all)
        self.assertEqual((fs[0]["cell"], fs[0]["cell_output"], fs[0].get("cell_attachment")), (2, False, True))
        t = self.keyward("nb.ipynb")
        self.assertIn("(cell 2 attachment, line 1)", t.all)
        self.assertNotIn("cell 2 output", t.all)
        s = self.keyward("--format", "sarif", "nb.ipynb")
        res = json.loads(s.out)["runs"][0]["results"][0]
        self.assertEqual(res["properties"].get("cellAttachment"), True)
        self.assertIn("(cell 2 attachment, line 1)", res["message"]["text"])


if __name__ == "__main__":
    unittest.main()
