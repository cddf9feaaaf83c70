"""Notebooks: secrets in cell sources and saved outputs are found and reported by cell
and line; embedded images never raise a finding; checkpoint copies are a finding of
their own; malformed notebooks are still scanned."""
import json
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token
from nbfiles import code_cell, dumps, image_output, md_cell, notebook, png_b64, stream


def display(mime, value):
    return {"output_type": "display_data", "metadata": {}, "data": {mime: value}}


def mime_outputs():
    """(MIME type, token -> payload) for text-bearing outputs Jupyter and widgets write."""
    return [
        ("image/svg+xml", lambda t: ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\">\n",
                                     f"<desc>hub token {t}</desc></svg>\n"]),
        ("application/x-custom+json", lambda t: {"config": {"hub_token": t}}),
        ("application/vnd.acme.report.v1+json", lambda t: {"rows": [{"token": t}]}),
        ("text/markdown", lambda t: f"**token**: `{t}`\n"),
        ("text/html", lambda t: [f"<table><tr><td>{t}</td></tr></table>\n"]),
        ("application/x-custom", lambda t: f"HF_TOKEN={t}\n"),
    ]


class NotebookCommitTest(RepoTestCase):
    def test_commit_blocked_with_cell_and_line(self):
        self.init_repo()
        tok = fake_hf_token(seed=101)
        nb = notebook([
            md_cell(["# Fine-tuning\n", "Uses the Hub.\n"]),
            code_cell(["from huggingface_hub import login\n", "\n", f"login(token=\"{tok}\")\n"],
                      [image_output(png_b64())]),
        ])
        self.write("train.ipynb", dumps(nb))
        self.git("add", "train.ipynb")
        r = self.commit("add notebook")
        self.assertBlocked(r)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("(cell 2, line 3)", r.all)
        # path:line:column of the token in the file itself.
        lines = dumps(nb).split("\n")
        lineno = next(i for i, l in enumerate(lines, 1) if tok in l)
        col = lines[lineno - 1].index(tok) + 1
        self.assertIn(f"train.ipynb:{lineno}:{col}:", r.all)
        self.assertNoSecret(r.all, tok)
        self.assertEqual(self.git("rev-list", "--all", "--count", check=False).out.strip() or "0", "0")

    def test_commit_blocked_for_secret_in_any_text_mime_output(self):
        # Only base64 image payloads are skipped; SVG, custom and vendor JSON, markdown and
        # HTML outputs are text. Each kind in its own commit through the installed hook.
        self.init_repo()
        for i, (mime, value) in enumerate(mime_outputs(), 1):
            tok = fake_hf_token(seed=500 + i)
            nb = notebook([code_cell(["show()\n"], [display(mime, value(tok)), image_output(png_b64())])])
            name = f"out{i}.ipynb"
            self.write(name, dumps(nb))
            self.git("add", name)
            r = self.commit(f"add {mime}")
            self.assertBlocked(r)
            self.assertIn("(cell 1 output", r.all, mime)
            self.assertIn(name, r.all)
            self.assertNoSecret(r.all, tok)
            self.git("rm", "-q", "--cached", name)

    def test_clean_notebook_with_images_commits(self):
        self.init_repo()
        nb = notebook([code_cell(["import matplotlib.pyplot as plt\n", "plt.plot([1, 2])\n"],
                                 [stream(["done\n"])] + [image_output(png_b64(30000)) for _ in range(5)])])
        self.write("plots.ipynb", dumps(nb))
        self.git("add", "plots.ipynb")
        r = self.commit("plots")
        self.assertEqual(r.rc, 0, r.all)


class NotebookScanTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)

    def scan_json(self, *paths, extra=()):
        r = self.keyward("--format", "json", *extra, *paths)
        self.assertIn(r.rc, (0, 1), r.all)
        return r, r.json()["findings"]

    def test_source_and_output_cells_string_and_list_forms(self):
        t_src, t_out, t_str, t_tb = (fake_hf_token(seed=s) for s in (1, 2, 3, 4))
        nb = notebook([
            md_cell("Intro text\nsecond line\n"),
            code_cell(["import os\n", f"HF_TOKEN = '{t_src}'\n"],
                      [stream(["loading\n", f"token: {t_out}\n"]), image_output(png_b64())], n=1),
            code_cell(f"a = 1\nb = 2\nclient = Client(\"{t_str}\")\n", n=2),
            code_cell(["raise ValueError()\n"], [{
                "output_type": "error", "ename": "ValueError", "evalue": "bad",
                "traceback": ["\u001b[0;31mValueError\u001b[0m", f"token was {t_tb}"]}], n=3),
        ])
        self.write("nb.ipynb", dumps(nb))
        r, fs = self.scan_json("nb.ipynb")
        self.assertEqual(len(fs), 4, r.all)
        cells = sorted((f["cell"], f["cell_line"]) for f in fs)
        self.assertEqual(cells, [(2, 2), (2, 2), (3, 3), (4, 2)])
        # Whether the secret sits in the cell's source or in what it printed.
        where = sorted((f["cell"], f["cell_line"], f["cell_output"]) for f in fs)
        self.assertEqual(where, [(2, 2, False), (2, 2, True), (3, 3, False), (4, 2, True)])
        for f in fs:
            self.assertEqual(f["rule"], "huggingface-user-token")
        # Text report names the cell and line.
        t = self.keyward("nb.ipynb")
        self.assertIn("(cell 3, line 3)", t.all)
        self.assertIn("(cell 4 output, line 2)", t.all)
        for tok in (t_src, t_out, t_str, t_tb):
            self.assertNoSecret(t.all, tok)
        # SARIF carries the cell as a property.
        s = self.keyward("--format", "sarif", "nb.ipynb")
        props = [res.get("properties", {}) for res in json.loads(s.out)["runs"][0]["results"]]
        self.assertTrue(all("cell" in p for p in props), s.out[:2000])

    def test_text_mime_outputs_are_scanned_on_disk(self):
        toks = {}
        outputs = []
        for i, (mime, value) in enumerate(mime_outputs(), 1):
            toks[mime] = fake_hf_token(seed=600 + i)
            outputs.append(display(mime, value(toks[mime])))
        outputs.append(image_output(png_b64(20000)))
        self.write("mimes.ipynb", dumps(notebook([code_cell(["show()\n"], outputs)])))
        r, fs = self.scan_json("mimes.ipynb")
        self.assertEqual(len(fs), len(toks), r.all)
        self.assertEqual(r.rc, 1)
        self.assertTrue(all(f.get("cell") == 1 and f.get("cell_output") for f in fs), r.all)

    def test_images_never_alarm(self):
        # Many images (base64 of random pixels) and a checkpoint-free notebook: no finding.
        nb = notebook([code_cell(["plt.imshow(x)\n"], [image_output(png_b64(60000)) for _ in range(20)], n=i)
                       for i in range(5)])
        self.write("gallery.ipynb", dumps(nb))
        r, fs = self.scan_json("gallery.ipynb")
        self.assertEqual(fs, [], r.all)
        self.assertEqual(r.rc, 0)

    def test_malformed_notebook_is_scanned_as_text(self):
        tok = fake_hf_token(seed=7)
        self.write("broken.ipynb", '{"cells": [{"cell_type": "code", "source": ["x = \\"' + tok + '\\"\\n"]}, ')
        r, fs = self.scan_json("broken.ipynb")
        self.assertEqual(len(fs), 1, r.all)
        self.assertNotIn("cell", fs[0])

    def test_escaped_token_in_notebook(self):
        tok = fake_hf_token(seed=8)
        escaped = "\\u0068" + tok[1:]
        text = ('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,\n'
                ' "source": ["t = \\"' + escaped + '\\"\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n')
        self.write("esc.ipynb", text)
        r, fs = self.scan_json("esc.ipynb")
        self.assertEqual(len(fs), 1, r.all)
        f = fs[0]
        self.assertEqual(f["decoded"], "json-escape")
        self.assertEqual(f["cell"], 1)
        self.assertEqual(f["line"], 2)
        self.assertEqual(f["column"], text.split("\n")[1].index("\\u0068") + 1)


class CheckpointTest(RepoTestCase):
    def test_checkpoint_copy_blocks_and_secret_inside_is_reported(self):
        self.init_repo()
        tok = fake_hf_token(seed=21)
        nb = notebook([code_cell([f"login('{tok}')\n"])])
        self.write(".ipynb_checkpoints/train-checkpoint.ipynb", dumps(nb))
        self.git("add", "-f", ".ipynb_checkpoints/train-checkpoint.ipynb")
        r = self.commit("oops")
        self.assertBlocked(r)
        self.assertIn("ipynb-checkpoint", r.all)
        self.assertIn(".gitignore", r.all)
        self.assertIn("huggingface-user-token", r.all)
        self.assertIn("(cell 1, line 1)", r.all)
        self.assertNoSecret(r.all, tok)

    def test_clean_checkpoint_blocks_by_default(self):
        self.init_repo()
        self.write("nb/.ipynb_checkpoints/a-checkpoint.ipynb", dumps(notebook([code_cell(["x = 1\n"])])))
        self.git("add", "-f", "nb")
        r = self.commit("checkpoint")
        self.assertBlocked(r)
        self.assertIn("ipynb-checkpoint", r.all)

    def test_checkpoint_finding_can_be_turned_off(self):
        self.init_repo()
        self.write(".keyward.toml", "[checkpoints]\nblock = false\n")
        self.write("nb/.ipynb_checkpoints/a-checkpoint.ipynb", dumps(notebook([code_cell(["x = 1\n"])])))
        self.git("add", "-f", ".keyward.toml", "nb")
        r = self.commit("checkpoint allowed")
        self.assertEqual(r.rc, 0, r.all)
        # Disk scans honour it too; the default still flags it.
        d = self.keyward("--format", "json", "nb")
        self.assertEqual(d.rc, 0, d.all)
        os.remove(os.path.join(self.repo, ".keyward.toml"))
        d = self.keyward("--format", "json", "nb")
        self.assertEqual(d.rc, 1, d.all)
        self.assertEqual([f["rule"] for f in d.json()["findings"]], ["ipynb-checkpoint"])


if __name__ == "__main__":
    unittest.main()
