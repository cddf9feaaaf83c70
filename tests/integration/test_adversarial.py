"""Adversarial cases: each test is one bug found by attacking the binary (a silent pass,
a leak, ...). Each fails until the bug is fixed. Tokens are built at run time.
"""
import json
import os
import string
import unittest

from kwtest import RepoTestCase, fake_hf_token, fake_token


def aws_key_id(seed):
    return fake_token("AKIA", 16, alphabet=string.ascii_uppercase + "234567", seed=seed)


class AdversarialTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.tok = fake_hf_token(seed=7)

    def first_commit(self):
        self.init_repo()
        self.write("README.md", "hello\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("first").rc, 0)

    def notebook(self, cell):
        return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                           "nbformat_minor": 5}, indent=1)

    # --- silent passes ------------------------------------------------------------------
    def test_notebook_source_split_across_list_items_passes(self):
        """nbformat joins a cell's `source` list with no separator; a token split across
        two items (["t=\\"hf_abc", "def\\"\\n"]) is one token in the cell, but
        `keyward nb.ipynb` and `git commit` both exit 0."""
        cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
                "source": ['t = "' + self.tok[:15], self.tok[15:] + '"\n']}
        self.first_commit()
        self.write("train.ipynb", self.notebook(cell))
        r = self.keyward("train.ipynb")
        self.assertEqual(r.rc, 1, r.all)
        self.git("add", "train.ipynb")
        self.assertBlocked(self.commit("nb"))

    def test_notebook_stream_output_split_across_list_items_passes(self):
        """A stream output printed in pieces (print(a, end=''); print(b)) is stored as
        "text": ["token: hf_abc", "def\\n"]; the token is not found (exit 0)."""
        cell = {"cell_type": "code", "metadata": {}, "execution_count": 1,
                "source": ["print(tok)\n"],
                "outputs": [{"output_type": "stream", "name": "stdout",
                             "text": ["token: " + self.tok[:15], self.tok[15:] + "\n"]}]}
        self.first_commit()
        self.write("train.ipynb", self.notebook(cell))
        r = self.keyward("train.ipynb")
        self.assertEqual(r.rc, 1, r.all)

    def test_utf32_with_trailing_partial_code_unit_passes(self):
        """A UTF-32 file (with BOM) holding a token, plus 1-3 stray bytes at the end (an
        `echo >> f` appended in a UTF-8 shell): `keyward f` exits 0. Exact multiple of 4
        is found. Decode up to the stray bytes, or exit 2 naming the file."""
        os.makedirs(self.repo)
        body = ("x=" + self.tok + "\n")
        cases = {"le": b"\xff\xfe\x00\x00" + body.encode("utf-32-le"),
                 "be": b"\x00\x00\xfe\xff" + body.encode("utf-32-be")}
        for name, data in cases.items():
            for k in (1, 2, 3):
                p = self.write(f"{name}{k}.txt", data + b"\n" * k, mode="wb")
                r = self.keyward(p)
                self.assertNotEqual(r.rc, 0, f"{name} +{k} bytes: silent pass\n{r.all}")

    def test_allowlist_empty_regex_allows_everything_silently(self):
        """`[allowlist] regexes = [""]` (or path_regexes = [""], or "x?") matches every
        secret/path and silently allows everything: `keyward DIR` exits 0. The same
        mistake in `stopwords`/`values` is rejected ("would allow everything")."""
        os.makedirs(self.repo)
        self.write("s.py", f't = "{self.tok}"\n')
        for entry in ('regexes = [""]', 'path_regexes = [""]', 'regexes = ["x?"]'):
            cfg = self.write("../cfg.toml", f"[allowlist]\n{entry}\n")
            r = self.keyward("--config", cfg, ".")
            self.assertNotEqual(r.rc, 0, f"{entry}: everything allowed silently\n{r.all}")

    def test_token_in_committed_path_name_passes(self):
        """A file whose name is a token (`echo hi > <hf token>.txt; git add; git commit`)
        commits with exit 0; the name is in the tree and is pushed like content.
        --all-history and disk mode miss it too."""
        self.first_commit()
        self.write(f"{self.tok}.txt", "hi\n")
        self.git("add", "-A")
        self.assertBlocked(self.commit("path"))
        r = self.keyward(".")
        self.assertNotEqual(r.rc, 0, r.all)

    def test_unstaged_worktree_config_allowlists_staged_secret(self):
        """Pre-commit reads `.keyward.toml` from the work tree, not from what is committed:
        an untracked `.keyward.toml` with `[allowlist] paths = ["s.py"]` (never staged)
        lets `git add s.py; git commit` record a secret with exit 0, and the committed
        history holds no allowlist that explains it."""
        self.first_commit()
        self.write("s.py", f't = "{self.tok}"\n')
        self.git("add", "s.py")
        self.write(".keyward.toml", '[allowlist]\npaths = ["s.py"]\n')
        self.assertBlocked(self.commit("secret"))

    def test_html_numeric_entities_hide_token(self):
        """HTML/XML numeric character references are not decoded: a token written as
        `&#x68;&#x66;&#x5f;...` (or only its first char `&#x68;` + the rest raw) in an
        .html file: `keyward f.html` exits 0."""
        os.makedirs(self.repo)
        full = "".join("&#x%x;" % ord(c) for c in self.tok)
        part = "&#x68;" + self.tok[1:]
        for name, text in (("full.html", full), ("part.html", part)):
            p = self.write(name, f'<a data-token="{text}">x</a>\n')
            r = self.keyward(p)
            self.assertEqual(r.rc, 1, f"{name}: silent pass\n{r.all}")


    def test_allow_marker_anywhere_on_a_long_line_silences_every_secret(self):
        """`keyward:allow` is honoured anywhere on the line, even inside a data value, and
        silences every finding on it (the contract: "silences one finding"). In minified
        JSON the whole file is one line: `{"fixture":"hf_A","note":"keyward:allow",
        "prod":"hf_B"}` -> `keyward f.json` exits 0 for both tokens."""
        os.makedirs(self.repo)
        other = fake_hf_token(seed=99)
        p = self.write("min.json", json.dumps({"test_fixture": other,
                                                 "note": "keyward:allow",
                                                 "prod": self.tok}, separators=(",", ":")))
        r = self.keyward("--format", "json", p)
        self.assertEqual(r.rc, 1, r.all)

    def test_token_in_commit_author_is_never_scanned(self):
        """Commit messages are scanned, but the author/committer header is not:
        `GIT_AUTHOR_NAME="dev <hf token>" git commit --allow-empty -m x` then `git push`
        through keyward's pre-push and the server's pre-receive: accepted; `--all-history`
        and `--range HEAD~1..HEAD` exit 0. The header is pushed like the message."""
        self.first_commit()
        r = self.git("commit", "--allow-empty", "-m", "x",
                     env={"GIT_AUTHOR_NAME": f"dev {self.tok}"}, check=False)
        r = self.keyward("--all-history")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, self.tok)
        r = self.keyward("--range", "HEAD~1..HEAD")
        self.assertEqual(r.rc, 1, r.all)

    def test_format_gitlab_from_contract_is_rejected(self):
        """design.md lists `--format text|json|sarif|gitlab`; `keyward --format gitlab .`
        exits 2 with "--format takes text, json or sarif". (Noise: a CI job configured from
        the contract fails; not a silent pass.)"""
        os.makedirs(self.repo)
        self.write("s.py", f't = "{self.tok}"\n')
        r = self.keyward("--format", "gitlab", ".")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, self.tok)


    def test_disk_scan_skips_dot_git_directory_without_a_note(self):
        """`keyward DIR` where DIR/.git/config holds `url = https://u:<hf token>@host/x`
        (the classic credential-in-remote-URL leak, e.g. a folder about to be tarred or
        copied): "scanned 0 blobs", exit 0, and even `-v` says nothing about skipping
        `.git/`. `keyward DIR/.git` finds it. Scan it, or at least say it was skipped."""
        d = os.path.join(self.tmp, "folder")
        os.makedirs(os.path.join(d, ".git"))
        with open(os.path.join(d, ".git", "config"), "w") as f:
            f.write(f'[remote "origin"]\n\turl = https://u:{self.tok}@huggingface.co/x\n')
        r = self.keyward("-v", d, cwd=self.tmp)
        self.assertTrue(r.rc == 1 or ".git" in r.err, f"silent skip of .git/\n{r.all}")


    def test_numpy_unicode_array_hides_token(self):
        """`np.save("cfg.npy", np.array(token))` stores the string as UTF-32-LE without a
        BOM after the .npy header (dtype '<U37'); `keyward model/` exits 0. The same array
        inside an .npz (stored, not compressed) also passes. Model folders are keyward's
        main disk use case (before upload_folder)."""
        d = os.path.join(self.tmp, "model")
        os.makedirs(d)
        hdr = b"{'descr': '<U%d', 'fortran_order': False, 'shape': (), }" % len(self.tok)
        hdr = hdr + b" " * (118 - len(hdr) - 1) + b"\n"  # 10 + 118 = 128: 64-aligned
        data = (b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr
                + self.tok.encode("utf-32-le"))
        with open(os.path.join(d, "cfg.npy"), "wb") as f:
            f.write(data)
        r = self.keyward(d, cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)

    # --- leaks --------------------------------------------------------------------------
    def test_token_in_path_printed_raw_in_every_format(self):
        """A finding in a file whose path holds another token (`cfg/<hf token>.py` with an
        AWS key id inside) prints the path, and so the hf token, raw in text, JSON and
        SARIF output of `git commit` / `keyward --format json`."""
        self.first_commit()
        self.write(f"cfg/{self.tok}.py", f'k = "{aws_key_id(3)}"\n')
        self.git("add", "-A")
        r = self.commit("leak")
        self.assertBlocked(r)
        self.assertNoSecret(r.all, self.tok)
        for fmt in ("text", "json", "sarif"):
            r = self.keyward("--format", fmt)
            self.assertEqual(r.rc, 1, r.all)
            self.assertNoSecret(r.all, self.tok)

    def test_extra_rule_id_error_echoes_value(self):
        """A config error on `[[rules]] id = "<token>"` (someone pasted the wrong value)
        prints "rule id 'hf_...' must be kebab-case": the raw token in the error, though
        every other config error hides names ("<a 37-character name, not shown>")."""
        os.makedirs(self.repo)
        self.write("a.txt", "hi\n")
        cfg = self.write("../cfg.toml", f'[[rules]]\nid = "{self.tok}"\n'
                         'description = "d"\nregex = "(abc)"\n')
        r = self.keyward("--config", cfg, ".")
        self.assertEqual(r.rc, 2, r.all)
        self.assertNoSecret(r.all, self.tok)

    def test_zip_entry_name_echoed_raw_in_error(self):
        """A torch-style zip whose entry names start with a token (`<hf token>/data.pkl`)
        and whose central directory is cut: `keyward f.pt` exits 2 with "a zip holding
        '<hf token>/data.pkl' without a readable central directory": blob content (an
        entry name, up to 200 chars) raw in an error message."""
        import io
        import pickle
        import zipfile
        os.makedirs(self.repo)
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w") as z:
            z.writestr(self.tok + "/data.pkl", pickle.dumps({"a": 1}))
            z.writestr(self.tok + "/version", "3\n")
        data = b.getvalue()
        p = self.write("cut.pt", data[:data.rfind(b"PK\x05\x06") - 10], mode="wb")
        r = self.keyward(p)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertNoSecret(r.all, self.tok)

    def test_stdin_dash_from_contract_is_rejected(self):
        """design.md: `keyward -` scans standard input (`--stdin-name PATH` names it).
        `printf 'x="<hf token>"' | keyward -` exits 2 with "cannot scan '-': No such file
        or directory"; `--stdin-name` is "unknown option". (Noise: fails closed; a
        pipeline written from the contract cannot run. /dev/stdin works.)"""
        os.makedirs(self.repo)
        r = self.keyward("-", input=f'x = "{self.tok}"\n')
        self.assertEqual(r.rc, 1, r.all)
        r = self.keyward("--stdin-name", "app/settings.py", "-", input=f'x = "{self.tok}"\n')
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("app/settings.py", r.all)

    def test_rules_id_from_contract_is_rejected(self):
        """design.md: `keyward rules [ID]` lists rules "or show one whole";
        `keyward rules huggingface-user-token` exits 2: "'keyward rules' takes no paths"."""
        os.makedirs(self.repo)
        r = self.keyward("rules", "huggingface-user-token")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("huggingface-user-token", r.out)


if __name__ == "__main__":
    unittest.main()
