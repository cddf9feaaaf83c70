"""data: URIs in a notebook's text/html output (an IPython.display.Audio player): the
payload of data:audio/wav;base64,... is a binary file like an image/png output, and a run
of its base64 shaped like a Facebook token is not one; a token inside a data:text/plain
URI is still decoded and reported."""
import base64
import os
import random
import struct

from kwtest import RepoTestCase, fake_hf_token, fake_token
from nbfiles import code_cell, dumps, notebook


def wav_bytes(seconds=0.2, rate=8000, seed=3):
    rng = random.Random(seed)
    samples = bytes(rng.randrange(256) for _ in range(int(seconds * rate)))
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    return (b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(samples)) + samples)


def audio_payload_with_token_shape():
    """The WAV's base64 with a run shaped like a Facebook access token spliced in after a '/'
    (base64 holds '/' and '+'): the run decodes to more binary, as in a real recording."""
    b64 = base64.b64encode(wav_bytes()).decode()
    run = fake_token("EAA", 150, seed=31)
    cut = len(b64) // 2 // 4 * 4
    return b64[:cut] + "/" + run[:151] + "/" + b64[cut + 153:]


def html_output(html):
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": html, "text/plain": ["<IPython.lib.display.Audio object>"]}}


class DataUriTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def audio_notebook(self):
        payload = audio_payload_with_token_shape()
        html = ['<audio controls="controls" >\n',
                f'  <source src="data:audio/wav;base64,{payload}" type="audio/wav" />\n',
                "  Your browser does not support the audio element.\n", "</audio>\n"]
        return dumps(notebook([code_cell(["import IPython.display as ipd\n", "ipd.Audio(wave, rate=8000)"],
                                         [html_output(html)])]))

    def test_audio_data_uri_in_html_output_is_a_payload(self):
        self.write("listen.ipynb", self.audio_notebook())
        # Control: the same run outside a data: URI is reported.
        run = fake_token("EAA", 150, seed=31)
        self.write("control.txt", f"fb = '{run}'\n")
        r = self.keyward("--format", "json", "listen.ipynb", "control.txt")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual({f["path"] for f in r.json()["findings"]}, {"control.txt"}, r.all[-2000:])
        os.remove(os.path.join(self.repo, "control.txt"))
        self.git("add", "listen.ipynb")
        self.assertEqual(self.commit("audio").rc, 0)

    def test_text_data_uri_is_still_decoded(self):
        t = fake_hf_token(seed=77)
        text = base64.b64encode(f"HF_TOKEN={t}\n".encode()).decode()
        html = [f'<a download="env.txt" href="data:text/plain;base64,{text}">download</a>\n']
        self.write("share.ipynb", dumps(notebook([code_cell(["show()"], [html_output(html)])])))
        self.write("page.html", f'<a href="data:text/plain;charset=utf-8;base64,{text}">env</a>\n')
        r = self.keyward("--format", "json", "share.ipynb", "page.html")
        self.assertEqual(r.rc, 1, r.all)
        found = {(f["path"], f["rule"], f.get("decoded")) for f in r.json()["findings"]}
        self.assertIn(("share.ipynb", "huggingface-user-token", "base64"), found)
        self.assertIn(("page.html", "huggingface-user-token", "base64"), found)
        self.assertNoSecret(r.all, t)
        self.git("add", "share.ipynb")
        self.assertBlocked(self.commit("share"))
