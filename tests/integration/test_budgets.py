"""Budgets never end in a silent pass: a secret after tens of megabytes of UTF-16, escaped
JSON or base64 lines, or after millions of candidate hits, is found (or the file is named
and the scan exits 2); wrapped base64 (`base64`, MIME, PEM widths) is decoded at every
alignment; a huge stopword list loads; memory stays proportional to the input."""
import base64
import os
import subprocess
import unittest

from kwtest import RepoTestCase, fake_hf_token

TIME = "/usr/bin/time"


class BudgetTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def hf(self, r):
        self.assertIn(r.rc, (0, 1), r.all[-2000:])
        return [f for f in r.json()["findings"] if f["rule"] == "huggingface-user-token"]

    def write_bytes(self, rel, data):
        return self.write(rel, data, mode="wb")

    # --- the decoded-view budget ----------------------------------------------------------
    def big_files(self, tok):
        """(name, bytes, line of the token) for inputs that exhausted the old 32 MiB budget."""
        line = "x" * 70 + "\n"
        n = 36_000_000 // len(line)
        utf16 = b"\xff\xfe" + (line * n + f"token = {tok}\n").encode("utf-16-le")
        chunk = '"k": "https:\\/\\/example.test\\/a\\/b",\n'
        m = 40_000_000 // len(chunk)
        esc = ("{\n" + chunk * m + '"t": "\\u0068' + tok[1:] + '"\n}\n').encode()
        txt = ("lorem ipsum dolor sit amet " * 30)[:750]
        b = base64.b64encode(txt.encode()).decode()
        lines = "".join(f"v{i}: {b}\n" for i in range(45000))
        b64 = (lines + "s: " + base64.b64encode(f"token={tok}".encode()).decode() + "\n").encode()
        return [("big16.txt", utf16, n + 1), ("escaped.json", esc, m + 2), ("lines.yaml", b64, 45001)]

    def test_secret_after_budget_sized_content_is_found_on_disk(self):
        tok = fake_hf_token(seed=801)
        for name, data, line in self.big_files(tok):
            self.write_bytes(name, data)
            r = self.keyward("--format", "json", name)
            fs = self.hf(r)
            self.assertEqual([f["line"] for f in fs], [line], f"{name}: {r.all[-1500:]}")
            self.assertEqual(r.rc, 1)
            self.assertNoSecret(r.all, tok)
            os.remove(os.path.join(self.repo, name))

    def test_secret_after_budget_sized_content_blocks_commit(self):
        tok = fake_hf_token(seed=802)
        name, data, _ = self.big_files(tok)[2]
        self.write_bytes(name, data)
        self.git("add", name)
        r = self.commit("data")
        self.assertBlocked(r)
        self.assertIn(name, r.all)
        self.assertNoSecret(r.all, tok)

    # --- the Hyperscan hit cap -------------------------------------------------------------
    def test_token_after_millions_of_hits(self):
        tok = fake_hf_token(seed=803)
        self.write("session.txt", "aws_session_token=" + "A" * 4_300_000 + f"\nhub = {tok}\n")
        r = self.keyward("--format", "json", "session.txt")
        self.assertEqual([f["line"] for f in self.hf(r)], [2], r.all[-1500:])
        self.git("add", "session.txt")
        c = self.commit("session")
        self.assertBlocked(c)
        self.assertIn("huggingface-user-token", c.all)
        self.assertNoSecret(c.all, tok)

    # --- wrapped base64 ----------------------------------------------------------------------
    def b64_tool(self, data, *args):
        return subprocess.run(["base64", *args], input=data, capture_output=True, check=True).stdout.decode()

    def test_wrapped_base64_every_alignment(self):
        # The secret shifted by 0..3 bytes (every base64 alignment) and moved across the
        # line wraps, in `base64` output (76 columns), PEM width (64) and `base64 -w0`.
        tok = fake_hf_token(seed=804)
        names = []
        for width in ("76", "64", "0"):
            for pad in range(0, 60):
                plain = ("The config below was exported. " * 3)[:pad + 40] + f" hub_token={tok} trailing words here.\n"
                enc = self.b64_tool(plain.encode(), "-w", width)
                name = f"w{width}/p{pad:02d}.b64"
                self.write(name, "# exported\n" + enc)
                names.append(name)
        r = self.keyward("--format", "json", *[f"w{w}" for w in ("76", "64", "0")])
        fs = self.hf(r)
        found = {f["path"] for f in fs}
        self.assertEqual(sorted(set(names) - found), [], r.all[-1500:])
        self.assertEqual(len(fs), len(names))
        self.assertTrue(all(f["decoded"] == "base64" for f in fs))
        self.assertNoSecret(r.all, tok)
        # The finding points into the base64 text, on the line that holds the token's start.
        for f in fs:
            text = open(os.path.join(self.repo, f["path"])).read().split("\n")
            self.assertTrue(1 < f["line"] <= len(text), f)

    def test_wrapped_base64_blocks_commit(self):
        tok = fake_hf_token(seed=805)
        for shift in range(4):
            plain = "x" * (shift + 70) + f"\nHF_TOKEN={tok}\n" + "padding text " * 10
            self.write(f"secret{shift}.txt", self.b64_tool(plain.encode()))
        self.git("add", ".")
        r = self.commit("blobs")
        self.assertBlocked(r)
        for shift in range(4):
            self.assertIn(f"secret{shift}.txt", r.all)
        self.assertNoSecret(r.all, tok)

    # --- memory ------------------------------------------------------------------------------
    def peak_rss_kib(self, args):
        """Peak RSS of one keyward run, measured by GNU time (install.sh --test-deps installs it)."""
        self.assertTrue(os.access(TIME, os.X_OK), f"{TIME} is missing: ./install.sh --deps-only --test-deps installs it")
        r = self.run_cmd([TIME, "-f", "RSS=%M", *args])
        lines = [l for l in r.err.splitlines() if l.startswith("RSS=")]
        return (int(lines[-1][4:]) if lines else None), r

    def test_two_million_stopwords_load_and_apply(self):
        tok, other = fake_hf_token(seed=806), fake_hf_token(seed=807)
        allowed = tok[:3] + "DUMMYWORD" + tok[12:]
        words = "".join(f'"w{i * 7919}x",\n' for i in range(2_000_000))
        cfg = self.write(".keyward.toml", '[allowlist]\nstopwords = [\n' + words + '"dummyword"]\n')
        self.write("a.env", f"A={allowed}\nB={other}\n")
        from kwtest import KEYWARD
        rss, r = self.peak_rss_kib([KEYWARD, "--format", "json", "a.env"])
        fs = self.hf(r)
        self.assertEqual([f["line"] for f in fs], [2], r.all[-1500:])
        self.assertIsNotNone(rss, r.all[-1500:])
        size = os.path.getsize(cfg)
        self.assertLess(rss * 1024, 10 * size + (200 << 20), f"peak RSS {rss} KiB for a {size}-byte config")

    def test_base64_heavy_file_memory_is_proportional(self):
        tok = fake_hf_token(seed=808)
        raw = ("The quick brown fox jumps over the lazy dog. " * 700_000).encode()[:31_000_000]
        data = base64.encodebytes(raw + f" token={tok}\n".encode())
        self.write_bytes("heavy.b64", data)
        from kwtest import KEYWARD
        rss, r = self.peak_rss_kib([KEYWARD, "--format", "json", "heavy.b64"])
        self.assertEqual(len(self.hf(r)), 1, r.all[-1500:])
        self.assertLess(rss * 1024, 10 * len(data) + (200 << 20), f"peak RSS {rss} KiB for {len(data)} bytes")


if __name__ == "__main__":
    unittest.main()
