"""Encodings that glue a letter or digit to a token in the raw text, so that its word
boundary fails: ANSI colour codes in a log and in a notebook's output (written
\\u001b[32m in the JSON), quoted-printable mail (HF_TOKEN=3D<token>, soft line breaks),
and a Python bytes repr in a log (b'\\x10<token>'). Each is scanned on disk and committed
through the installed pre-commit hook; files are built at run time."""
from kwtest import RepoTestCase, fake_hf_token
from nbfiles import code_cell, dumps, notebook, stream


class GluedEncodingTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("README.md", "base\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("base").rc, 0)

    def forms(self):
        t = [fake_hf_token(seed=900 + i) for i in range(7)]
        out = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": {"text/plain": [f"\u001b[0;31m{t[2]}\u001b[0m"]}}
        return [
            ("logs/run.log", f"\x1b[32mINFO\x1b[0m token=\x1b[1m{t[0]}\x1b[0m\n".encode(), t[0], 1),
            ("nb/stream.ipynb", dumps(notebook([code_cell(["log(tok)\n"], [stream([f"\u001b[1;32m{t[1]}\u001b[0m\n"])])])).encode(),
             t[1], None),
            ("nb/result.ipynb", dumps(notebook([code_cell(["tok\n"], [out])])).encode(), t[2], None),
            ("mail/qp.eml", ("Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                             f"HF_TOKEN=3D{t[3]}\r\n").encode(), t[3], 3),
            ("mail/soft.eml", ("Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                               f"HF_TOKEN=3D{t[4][:17]}=\r\n{t[4][17:]}\r\n").encode(), t[4], 3),
            ("logs/debug.log", f"recv: b'\\x00\\x10{t[5]}\\r\\n'\n".encode(), t[5], 1),
            ("logs/repr-ansi.log", f"line: '\\x1b[32m{t[6]}\\x1b[0m'\n".encode(), t[6], 1),
        ]

    def test_disk_scan_reports_each_at_its_line(self):
        forms = self.forms()
        for rel, data, _, _ in forms:
            self.write(rel, data, mode="wb")
        r = self.keyward("--format", "json", "logs", "nb", "mail")
        self.assertEqual(r.rc, 1, r.all)
        found = {(f["path"], f["line"]) for f in r.json()["findings"] if f["rule"] == "huggingface-user-token"}
        for rel, data, t, line in forms:
            with self.subTest(rel):
                if line is None:
                    line = data.decode().count("\n", 0, data.decode().index(t[4:])) + 1
                self.assertIn((rel, line), found, r.all[-3000:])
            self.assertNoSecret(r.all, t)

    def test_git_commit_is_refused_for_each(self):
        for rel, data, t, _ in self.forms():
            with self.subTest(rel):
                self.write(rel, data, mode="wb")
                self.git("add", rel)
                r = self.commit("add")
                self.assertBlocked(r)
                self.assertIn(rel, r.all)
                self.assertIn("huggingface-user-token", r.all)
                self.assertNoSecret(r.all, t)
                self.git("rm", "-q", "--cached", rel)

    def test_plain_files_with_equals_and_escapes_stay_clean(self):
        self.write("app.env", "EMPTY=\nCOLOR=FF0000\nNAME=3Dprinter\n")
        self.write("c.log", "\x1b[1mbuild\x1b[0m ok b'\\x00\\x01'\n")
        r = self.keyward("--format", "json", "app.env", "c.log")
        self.assertEqual(r.rc, 0, r.all)


if __name__ == "__main__":
    import unittest
    unittest.main()
