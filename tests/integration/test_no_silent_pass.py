"""The generative no-silent-pass test (issue 11, "Done when").

For each of a few token kinds (Hugging Face, an AWS key pair, a GitHub classic token with
its CRC32 checksum, an OpenAI project key; all built at run time), the token is embedded in
many transformations: plain text, .env, JSON, JSON escapes, URL-encoding, UTF-16/UTF-32
with and without BOM, base64 at every alignment and wrapping, PowerShell -EncodedCommand,
notebook sources and outputs of several MIME types, pickles and the zip torch.save writes,
positions in large blobs, and after long runs that exhaust a budget.

Every case is run through four modes: disk scan, pre-commit (the direct JSON run over the
index, and a real `git commit` through the installed hook), --all-history, and pre-push
(the direct `--hook pre-push` JSON run, and a real `git push` to a local bare remote through
the installed hook). Many cases are batched into one repository so that each mode costs a
handful of keyward runs; the real hooks' text reports are judged case by case too. A
representative subset also goes alone through a real commit and a real push, where a
silent pass shows as what it is: the commit or push goes through. The large blobs go
through each mode once, in test_no_silent_pass_large.py (the release build runs it: 210 MB
through every mode is a minute of CPU under the sanitizers, and the decoders' budget
boundaries have unit tests there).

A case passes in a mode when the run EITHER reports the token (a finding of the token's
rule family at the case's path, and at its line where the line is well defined) OR exits 2
with a message that names the file. Exit 0, or exit 1 without the token, is a silent pass.

The Adversarial* classes at the end hold further silent passes found by trying to get a
secret past the hook in ways issue 11 does not list; each test names what it tries.

Set KEYWARD_NSP_REPORT=FILE to append every failure as a JSON line to FILE.
"""
import base64
import io
import json
import os
import pickle
import re
import string
import sys
import time
import urllib.parse
import zipfile
import zlib

from kwtest import KEYWARD, RepoTestCase, fake_token
from nbfiles import code_cell, dumps, md_cell, notebook, stream

UPPER_27 = string.ascii_uppercase + "234567"
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


# --- token kinds -----------------------------------------------------------------------
def base62_fixed(v, width):
    out = []
    for _ in range(width):
        out.append(B62[v % 62])
        v //= 62
    return "".join(reversed(out))


def hf_token(seed):
    return fake_token("hf" + "_", 34, seed=seed)


def aws_pair(seed):
    # The key id, and its secret next to it the way the credentials CSV holds them. The
    # secret always holds '/' and '+', so that escapes and URL-encoding touch it.
    kid = fake_token("AK" + "IA", 16, UPPER_27, seed=seed)
    secret = fake_token("", 38, ALNUM + "+/", seed=seed + 7919)
    return f"{kid},{secret[:12]}/{secret[12:30]}+{secret[30:]}"


def github_pat(seed):
    body = fake_token("", 30, ALNUM, seed=seed)
    return "gh" + "p_" + body + base62_fixed(zlib.crc32(body.encode()), 6)


def openai_key(seed):
    marker = "T3Blbk" + "FJ"
    return ("sk-" + "proj-" + fake_token("", 58, URLSAFE, seed=seed) + marker +
            fake_token("", 58, URLSAFE, seed=seed + 104729))


class Kind:
    def __init__(self, name, family, var, make):
        self.name, self.family, self.var, self.make = name, family, var, make


KINDS = [
    Kind("hf", "huggingface-", "HF_TOKEN", hf_token),
    Kind("aws", "aws-", "AWS_CREDENTIALS", aws_pair),
    Kind("gh", "github-", "GITHUB_TOKEN", github_pat),
    Kind("openai", "openai-", "OPENAI_API_KEY", openai_key),
]
KIND = {k.name: k for k in KINDS}


# --- the corpus: files written under cases/, and what must be found in them ------------
class Case:
    def __init__(self, name, kind, path, line, items):
        self.name, self.kind, self.path, self.line, self.items = name, kind, path, line, items


class Corpus:
    def __init__(self, root, seed_base):
        self.root = root
        self.cases = []
        self.seed = seed_base
        self.files = []

    def token(self, kind):
        self.seed += 1
        return kind.make(self.seed)

    def path(self, rel):
        return "cases/" + rel

    def add(self, rel, data, expect=(), base=None):
        """cases/rel will hold data; expect is a list of (name, kind, line, items). With
        base, the file first holds base in the base commit, and data is an edit of it."""
        self.files.append((self.path(rel), data, base))
        for name, kind, line, items in expect:
            self.cases.append(Case(name, kind, self.path(rel), line, items))

    @staticmethod
    def _write(p, data):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            if isinstance(data, (bytes, bytearray)):
                f.write(data)
            else:
                for chunk in data:  # a list of chunks, for the large files
                    f.write(chunk)

    def write_bases(self):
        for rel, _, base in self.files:
            if base is not None:
                self._write(os.path.join(self.root, rel), base)

    def write_all(self):
        for rel, data, _ in self.files:
            self._write(os.path.join(self.root, rel), data)


def line_of(text, needle):
    i = text.index(needle)
    return text.count("\n", 0, i) + 1


# --- the transformations of one token --------------------------------------------------
def text_cases(c, k):
    t = c.token(k)
    data = f"Notes from the deploy call.\n{t}\nThat was the value.\n"
    c.add(f"{k.name}/plain.txt", data.encode(), [("plain", k, 2, "")])
    t = c.token(k)
    data = f"# local settings\nDEBUG=1\n{k.var}={t}\nPORT=8080\n"
    c.add(f"{k.name}/dot.env", data.encode(), [(".env", k, 3, "")])
    t = c.token(k)
    data = json.dumps({"model": "m", "token": t, "epochs": 3}, indent=2) + "\n"
    c.add(f"{k.name}/plain.json", data.encode(), [("json", k, line_of(data, t), "")])
    # JSON escapes: the first character, a middle one, every character, and \/ in a URL.
    for name, esc in (("json-uescape-first", lambda s: "\\u%04x" % ord(s[0]) + s[1:]),
                      ("json-uescape-middle", lambda s: s[:len(s) // 2] + "\\u%04x" % ord(s[len(s) // 2]) +
                       s[len(s) // 2 + 1:]),
                      ("json-uescape-all", lambda s: "".join("\\u%04x" % ord(ch) for ch in s))):
        t = c.token(k)
        data = '{\n  "model": "m",\n  "hub_token": "' + esc(t) + '",\n  "epochs": 3\n}\n'
        c.add(f"{k.name}/{name}.json", data.encode(), [(name, k, 3, "")])
    t = c.token(k)
    url = f"https://example.test/hooks/{t}/run".replace("/", "\\/")
    data = '{\n  "name": "deploy",\n  "webhook": "' + url + '"\n}\n'
    c.add(f"{k.name}/json-slash.json", data.encode(), [("json-slash-escape", k, 3, "")])
    # URL-encoding: the way a query string carries "VAR=token", and every byte as %XX.
    t = c.token(k)
    data = "GET https://example.test/cb?state=" + urllib.parse.quote(f"{k.var}={t}", safe="") + "&next=1\n"
    c.add(f"{k.name}/url.txt", data.encode(), [("url-encoded", k, 1, "")])
    t = c.token(k)
    data = "GET https://example.test/cb?t=" + "".join("%%%02X" % b for b in t.encode()) + "\n"
    c.add(f"{k.name}/url-all.txt", data.encode(), [("url-encoded-all", k, 1, "")])


def unicode_cases(c, k):
    for enc, bom, items in (("utf-16-le", b"\xff\xfe", "7"), ("utf-16-be", b"\xfe\xff", "7"),
                            ("utf-32-le", b"\xff\xfe\x00\x00", "7"), ("utf-32-be", b"\x00\x00\xfe\xff", "7")):
        for with_bom in (True, False):
            t = c.token(k)
            text = f"# settings\r\n{k.var}={t}\r\nX=1\r\n"
            data = (bom if with_bom else b"") + text.encode(enc)
            name = enc + ("-bom" if with_bom else "-nobom")
            c.add(f"{k.name}/{name}.txt", data, [(name, k, 2, "" if with_bom and "16" in enc else items)])
    # UTF-16 whose earlier text holds code units with a 0x0A byte (上, U+0A0A, Њ): the
    # decoded lines and the raw 0x0A bytes disagree. New files, and edits of a file that
    # the base commit already has (where only added lines count).
    for enc, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
        head = "# \u4e0a\u6d77 \u0a0a \u040a settings\r\nA=1\r\n"
        t = c.token(k)
        c.add(f"{k.name}/{enc}-bom-0a-units.txt", bom + (head + f"{k.var}={t}\r\n").encode(enc),
              [(enc + "-0x0A-units", k, 3, "6")])
        t = c.token(k)
        c.add(f"{k.name}/{enc}-bom-0a-units-edit.txt", bom + (head + f"{k.var}={t}\r\nB=2\r\n").encode(enc),
              [(enc + "-0x0A-units-edit", k, 3, "6")], base=bom + (head + "B=2\r\n").encode(enc))
        t = c.token(k)
        plain = "# ascii settings\r\nA=1\r\n"
        c.add(f"{k.name}/{enc}-bom-edit.txt", bom + (plain + f"{k.var}={t}\r\nB=2\r\n").encode(enc),
              [(enc + "-edit", k, 3, "")], base=bom + (plain + "B=2\r\n").encode(enc))
    t = c.token(k)
    c.add(f"{k.name}/utf8-edit.txt", f"# settings\nA=1\n{k.var}={t}\nB=2\n".encode(),
          [("utf-8-edit", k, 3, "")], base=b"# settings\nA=1\nB=2\n")


def b64_wrap(s, width, eol="\n"):
    if not width:
        return s + eol
    return "".join(s[i:i + width] + eol for i in range(0, len(s), width))


def base64_cases(c, k):
    # base64 of a few lines of text holding the token, at each alignment 0..2 of the token
    # within the base64 input; unwrapped, and wrapped at 76 (base64(1), MIME) and at 64
    # (PEM) columns, with the token's base64 either inside one line or across a line break.
    head0 = "# deployment settings, do not share\n# "
    for width in (0, 76, 64):
        places = [("", 4)] if not width else [("inline", 4), ("across", width - 16)]
        for where, col in places:
            for a in range(3):
                t = c.token(k)
                # The token's first byte sits in base64 group g, which starts at column col.
                base = len(head0) + 1 + len(k.var) + 1
                g = col // 4
                while 3 * g < base:
                    g += width // 4 if width else 1
                off = 3 * g + a
                fill = off - len(head0) - 1 - len(k.var) - 1
                text = head0 + "-" * fill + "\n" + f"{k.var}={t}\n" + "region=eu-west-1\nretries=3\n"
                assert text.index(t) == off, (text.index(t), off)
                enc = base64.b64encode(text.encode()).decode()
                line = 1 + (4 * g) // width if width else 1
                name = f"base64-w{width}{'-' + where if where else ''}-a{a}"
                c.add(f"{k.name}/{name}.b64", b64_wrap(enc, width).encode(),
                      [(name, k, line, "9" if width else "")])
    # PowerShell -EncodedCommand: base64 of UTF-16LE, each alignment.
    for a in range(3):
        t = c.token(k)
        pre = f"$env:{k.var}='"
        pad = next(p for p in range(3) if (2 * (len(pre) + p)) % 3 == a)
        cmd = " " * pad + pre + t + "'; python train.py --push"
        enc = base64.b64encode(cmd.encode("utf-16-le")).decode()
        data = f"steps:\n  - run: powershell.exe -NoProfile -EncodedCommand {enc}\n"
        c.add(f"{k.name}/powershell-a{a}.yml", data.encode(), [(f"powershell-encodedcommand-a{a}", k, 2, "7")])


def notebook_cases(c, k):
    def nb_file(name, cells, t, items):
        text = dumps(notebook(cells))
        c.add(f"{k.name}/{name}.ipynb", text.encode(), [(name, k, line_of(text, t), items)])

    t = c.token(k)
    nb_file("nb-source", [md_cell(["# Train\n"]), code_cell(["import os\n", f"{k.var} = '{t}'\n"])], t, "")
    t = c.token(k)
    nb_file("nb-stream", [code_cell(["print(tok)\n"], [stream(["loading\n", f"token: {t}\n"])])], t, "")

    def mime(mtype, payload, otype="display_data"):
        out = {"output_type": otype, "metadata": {}, "data": {mtype: payload}}
        if otype == "execute_result":
            out["execution_count"] = 1
        return [code_cell(["show()\n"], [out])]

    t = c.token(k)
    nb_file("nb-execute-result-text-plain", mime("text/plain", [f"'{t}'"], "execute_result"), t, "")
    t = c.token(k)
    nb_file("nb-text-html", mime("text/html", ["<table><tr><td>token</td>\n", f"<td>{t}</td></tr></table>"]), t, "10")
    t = c.token(k)
    nb_file("nb-text-markdown", mime("text/markdown", [f"Your token: `{t}`"]), t, "10")
    t = c.token(k)
    nb_file("nb-image-svg", mime("image/svg+xml", ['<svg xmlns="http://www.w3.org/2000/svg" width="400" height="20">\n',
                                                    f'<text x="0" y="15">{t}</text>\n', "</svg>"]), t, "10")
    t = c.token(k)
    nb_file("nb-application-json", mime("application/json", {"config": {"hub_token": t, "lr": 0.001}}), t, "10")
    t = c.token(k)
    nb_file("nb-application-x-custom-json", mime("application/x-custom+json", {"token": t}), t, "10")
    t = c.token(k)
    nb_file("nb-application-x-custom-text", mime("application/x-keyward-test", f"token={t}\n"), t, "10")
    # ANSI colour codes around the token, as rich/logging print it: the escape's final
    # letter is glued to the token in the raw text.
    t = c.token(k)
    nb_file("nb-ansi-stream", [code_cell(["log(tok)\n"], [stream([f"\u001b[1;32m{t}\u001b[0m\n"])])], t, "new")
    t = c.token(k)
    nb_file("nb-ansi-execute-result", mime("text/plain", [f"\u001b[0;31m{t}\u001b[0m"], "execute_result"), t, "new")


def pickle_cases(c, k):
    for proto in (0, 2, 4, 5):
        t = c.token(k)
        data = pickle.dumps({"model_name": "bert-base", "hub_token": t, "lr": 3e-5}, protocol=proto)
        # Protocol 0 writes 'V' before the string, 2 and 3 a BINPUT 'q' after it: letters
        # glued to the token.
        c.add(f"{k.name}/state.p{proto}.pkl", data, [(f"pickle-protocol-{proto}", k, None, "new" if proto < 4 else "")])
    # torch.save's zip: stored (not deflated) members under archive/.
    t = c.token(k)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle.dumps({"state_dict": {}, "hub_token": t}, protocol=2))
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/data/0", bytes(range(256)) * 16)
        z.writestr("archive/version", "3\n")
    c.add(f"{k.name}/model.pt", buf.getvalue(), [("torch-save-zip", k, None, "new")])


def small_corpus(root):
    c = Corpus(root, 1000)
    for k in KINDS:
        text_cases(c, k)
        unicode_cases(c, k)
        base64_cases(c, k)
        notebook_cases(c, k)
        pickle_cases(c, k)
    return c


# --- large blobs and budgets (each once; the token kinds spread over the positions) ----
FILLER_LINE = b"%08d the quick brown fox jumps over the lazy dog, 3.14159 x=y\n"


def filler(nbytes, start=0):
    """Chunks of numbered text lines, about nbytes in all; returns (chunks, line count)."""
    block = b"".join(FILLER_LINE % i for i in range(16384))
    n = max(1, nbytes // len(block))
    return [block] * n, n * 16384


def large_corpus(root):
    c = Corpus(root, 5000)
    hf, aws, gh, oa = (KIND[n] for n in ("hf", "aws", "gh", "openai"))
    # 5 MB: start, middle, end with a trailing newline.
    t1, t2, t3 = c.token(hf), c.token(aws), c.token(gh)
    chunks, lines = filler(5 << 20)
    half = len(chunks) // 2
    body = [f"{t1}\n".encode()] + chunks[:half] + [f"{aws.var}={t2}\n".encode()] + chunks[half:] + [
        f"{gh.var}={t3}\n".encode()]
    c.add("large/5mb.txt", body, [("5MB-start", hf, 1, ""), ("5MB-middle", aws, 2 + half * 16384, ""),
                                 ("5MB-end-newline", gh, lines + 3, "")])
    # 5 MB: the token is the file's very last bytes.
    t = c.token(oa)
    c.add("large/5mb-tail.txt", chunks + [f"{oa.var}={t}".encode()], [("5MB-last-bytes-no-newline", oa, lines + 1, "")])
    # 40 MB: start, middle, and the very last bytes.
    t1, t2, t3 = c.token(oa), c.token(gh), c.token(hf)
    chunks, lines = filler(40 << 20)
    half = len(chunks) // 2
    c.add("large/40mb.txt", [f"{t1}\n".encode()] + chunks[:half] + [f"{gh.var}={t2}\n".encode()] + chunks[half:] +
          [t3.encode()],
          [("40MB-start", oa, 1, ""), ("40MB-middle", gh, 2 + half * 16384, ""),
           ("40MB-last-bytes-no-newline", hf, lines + 3, "")])
    # 36 MB of escaped JSON, then an escaped token (only the json-escape view can see it).
    t = c.token(hf)
    # One escape glued to a word per row, so that the decoded view is nearly as long as the
    # text (36 MB of it, more than the 32 MiB decoded-view budget).
    row = b'  "k%07d": "caf\\u00e9 step done, loss=0.25, the quick brown fox jumps over the lazy dog",\n'
    block = b"".join(row % i for i in range(8192))
    n = (36 << 20) // len(block) + 1
    esc = "\\u%04x" % ord(t[0]) + t[1:]
    c.add("budget/escaped-36mb.json", [b"{\n"] + [block] * n + [f'  "hub_token": "{esc}"\n}}\n'.encode()],
          [("36MB-escaped-json-then-escaped-token", hf, 2 + n * 8192, "8")])
    # 45,000 base64 lines (each the base64 of 750 bytes of text: 33 MB decoded, more than
    # the decoded-view budget), then the base64 of the token.
    t = c.token(gh)
    text750 = b"the job finished without errors, all checks passed " * 15
    lines_b64 = [base64.b64encode(b"log line %06d: " % i + text750[:734]) for i in range(45000)]
    enc = base64.b64encode(f"{gh.var}={t}\n".encode())
    c.add("budget/base64-45000-lines.txt", [b"\n".join(lines_b64) + b"\n" + enc + b"\n"],
          [("45000-base64-lines-then-base64-token", gh, 45001, "8")])
    # aws_session_token= and 4.3 million 'A's: a Hyperscan hit per byte; the token after it.
    t = c.token(hf)
    c.add("budget/session-token-4.3M-A.txt",
          [b"aws_session_token=" + b"A" * 4_300_000 + b"\n", f"{hf.var}={t}\n".encode()],
          [("4.3M-hits-then-token", hf, 2, "8")])
    # A 72 MB UTF-16LE file (with BOM), the token at the end.
    t = c.token(oa)
    block = "".join(f"{i:08d} the quick brown fox jumps over the lazy dog\r\n" for i in range(16384)).encode("utf-16-le")
    n = (72 << 20) // len(block) + 1
    c.add("budget/utf16-72mb.txt", [b"\xff\xfe"] + [block] * n + [f"{oa.var}={t}\r\n".encode("utf-16-le")],
          [("72MB-utf16-token-at-end", oa, n * 16384 + 1, "8")])
    return c


# The cases that also go alone through a real commit and a real push: the controls, one of
# each transformation family (Hugging Face token), and the one budget case that is small
# (the other large blobs go through each mode once, in the batch).
SOLO = {("hf", n) for n in (
    ".env", "json-uescape-first", "url-encoded", "utf-16-le-bom", "utf-16-le-nobom", "utf-32-le-bom",
    "utf-16-le-0x0A-units-edit", "base64-w0-a1", "base64-w76-inline-a1", "base64-w76-across-a1",
    "powershell-encodedcommand-a0", "nb-source", "nb-text-html", "nb-image-svg", "nb-application-x-custom-text",
    "nb-ansi-stream", "pickle-protocol-0", "pickle-protocol-2", "pickle-protocol-4", "torch-save-zip",
    "4.3M-hits-then-token")} | {(k, n) for k in ("aws", "gh", "openai") for n in (".env", "utf-16-le-nobom")}


def solo_pick(case):
    return (case.kind.name, case.name) in SOLO


# --- reading the reports ---------------------------------------------------------------
TEXT_FINDING = re.compile(r"^(\S.*?):(\d+):(\d+): ([a-z0-9][a-z0-9-]*): ", re.M)


def places_from_json(out):
    """(path, line, rule) of every finding and of each of its other places."""
    try:
        doc = json.loads(out)
    except ValueError:
        return None
    got = []
    for f in doc.get("findings", []):
        got.append((f.get("path"), f.get("line"), f.get("rule")))
        for p in f.get("other_places", []) or []:
            got.append((p.get("path"), p.get("line"), f.get("rule")))
    return got


def places_from_text(out):
    return [(m.group(1), int(m.group(2)), m.group(4)) for m in TEXT_FINDING.finditer(out)]


def judge(case, rc, places, err):
    """None when the case passes in this run, else a short description of what happened."""
    fam = [p for p in places if p[0] == case.path and (p[2] or "").startswith(case.kind.family)]
    if fam and (case.line is None or any(p[1] == case.line for p in fam)):
        return None
    if rc == 2 and case.path in err:
        return None
    if fam:
        return f"rc={rc}, reported at line(s) {sorted({p[1] for p in fam})}, expected {case.line}"
    other = sorted({f"{p[2]}@{p[1]}" for p in places if p[0] == case.path})
    return f"rc={rc}, not reported" + (f" (only {', '.join(other)})" if other else "")


class NoSilentPassBase(RepoTestCase):
    maxDiff = None

    def setUp(self):
        super().setUp()
        self.failures = []
        self.init_repo()
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        self.remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", self.remote, cwd=self.tmp)
        self.git("remote", "add", "origin", self.remote)

    def rev(self, what, git_dir=None):
        args = ["--git-dir", git_dir] if git_dir else []
        r = self.git(*args, "rev-parse", "--verify", "-q", what, check=False)
        return r.out.strip() if r.rc == 0 else None

    def record(self, mode, cases, rc, places, err):
        for case in cases:
            with self.subTest(mode=mode, case=case.name, kind=case.kind.name, path=case.path):
                why = judge(case, rc, places, err)
                if why:
                    self.failures.append((mode, case, why))
                self.assertIsNone(why, f"{mode}: {case.path} ({case.name}): silent pass: {why}")

    def record_json(self, mode, cases, r):
        places = places_from_json(r.out)
        if places is None:
            places = []
        self.record(mode, cases, r.rc, places, r.err)

    def lap(self, what):
        now = time.monotonic()
        if os.environ.get("KEYWARD_NSP_TIMING"):
            sys.stderr.write(f"  [{now - self.t0:6.2f} s] {what}\n")
        self.t0 = now

    def record_hook(self, mode, case, r, accepted):
        """One case alone through a real hook: refused, and reported or failed closed."""
        with self.subTest(mode=mode, case=case.name, kind=case.kind.name, path=case.path):
            why = None
            if accepted:
                why = f"accepted (git exit {r.rc}): " + (
                    "keyward reported nothing" if not places_from_text(r.all) else "reported elsewhere")
            else:
                why = judge(case, 2 if "keyward: error:" in r.err else 1, places_from_text(r.all), r.err)
                if why:
                    why = "refused, but " + why
            if why:
                self.failures.append((mode, case, why))
            self.assertIsNone(why, f"{mode}: {case.path} ({case.name}): {why}")

    def run_all_modes(self, corpus, direct_json=True, fresh_branch=True):
        """direct_json: also the direct JSON runs of the hook modes (the real hooks' text
        reports are judged either way); fresh_branch: also push as a new branch."""
        cases = corpus.cases
        self.t0 = time.monotonic()
        # The base commit (clean: the hook lets it through) and its push.
        self.write("README.md", "a repository for the no-silent-pass test\n")
        corpus.write_bases()
        self.git("add", "-A")
        r = self.commit("base")
        self.assertEqual(r.rc, 0, r.all)
        self.base = self.rev("HEAD")
        r = self.git("push", "-q", "origin", "main", check=False)
        self.assertEqual(r.rc, 0, r.all)
        corpus.write_all()
        self.lap("base commit, push, files written")
        # 1. disk scan of the files.
        r = self.keyward("--format", "json", "cases")
        self.record_json("disk", cases, r)
        self.lap("disk")
        # 2. pre-commit: the direct run over the index, then a real `git commit`.
        self.git("add", "-A")
        self.lap("git add")
        if direct_json:
            r = self.keyward("--format", "json")
            self.record_json("pre-commit(json)", cases, r)
            self.lap("pre-commit json")
        r = self.commit("add the cases")
        self.assertNotEqual(r.rc, 0, f"the commit should be refused:\n{r.all[-3000:]}")
        self.assertEqual(self.rev("HEAD"), self.base, "HEAD moved although the hook refused the commit")
        self.record("pre-commit(git commit)", cases, 2 if "keyward: error:" in r.err else 1, places_from_text(r.all), r.err)
        self.lap("git commit (hook)")
        # A representative subset alone, each in a real `git commit` of its own: here a
        # silent pass is a commit that goes through.
        solo = [c for c in cases if solo_pick(c)]
        for case in solo:
            self.git("reset", "-q")
            self.git("add", "--", case.path)
            r = self.commit("solo")
            accepted = self.rev("HEAD") != self.base
            self.record_hook("pre-commit(solo git commit)", case, r, accepted)
            if accepted:
                self.git("reset", "-q", "--soft", self.base)
        self.git("add", "-A")
        self.lap(f"{len(solo)} solo commits")
        # 3. --all-history after committing everything with --no-verify.
        r = self.commit("add the cases", "--no-verify")
        self.lap("git commit --no-verify")
        self.assertEqual(r.rc, 0, r.all)
        head = self.rev("HEAD")
        r = self.keyward("--all-history", "--format", "json")
        self.record_json("all-history", cases, r)
        self.lap("all-history")
        # 4. pre-push: the direct hook run on git's stdin line, then a real `git push`.
        if direct_json:
            r = self.keyward("--range", f"{self.base}..{head}", "--format", "json")
            self.record_json("range(json)", cases, r)
            r = self.keyward("--hook", "pre-push", "origin", self.remote, "--format", "json",
                             input=f"refs/heads/main {head} refs/heads/main {self.base}\n")
            self.record_json("pre-push(json)", cases, r)
            self.lap("pre-push json")
        r = self.git("push", "origin", "main", check=False)
        self.assertNotEqual(r.rc, 0, f"the push should be refused:\n{r.all[-3000:]}")
        self.assertEqual(self.rev("refs/heads/main", self.remote), self.base, "the remote ref moved")
        self.record("pre-push(git push)", cases, 2 if "keyward: error:" in r.err else 1, places_from_text(r.all), r.err)
        self.lap("git push")
        if fresh_branch:
            # A new branch holding the cases (no remote sha to compare with).
            r = self.git("push", "origin", "main:refs/heads/fresh", check=False)
            self.assertNotEqual(r.rc, 0, r.all[-3000:])
            self.assertIsNone(self.rev("refs/heads/fresh", self.remote), "a refused push created the branch")
            self.record("pre-push(git push, new branch)", cases, 2 if "keyward: error:" in r.err else 1,
                        places_from_text(r.all), r.err)
            self.lap("git push, new branch")
        # The subset alone, each a commit on top of the base pushed as a branch of its own.
        idx = os.path.join(self.tmp, "solo-index")
        for i, case in enumerate(solo):
            env = {"GIT_INDEX_FILE": idx}
            self.git("read-tree", self.base, env=env)
            blob = self.rev(f"{head}:{case.path}")
            self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{case.path}", env=env)
            tree = self.git("write-tree", env=env).out.strip()
            commit = self.git("commit-tree", tree, "-p", self.base, "-m", "solo").out.strip()
            ref = f"refs/heads/solo-{i}"
            r = self.git("push", "origin", f"{commit}:{ref}", check=False)
            self.record_hook("pre-push(solo git push)", case, r, self.rev(ref, self.remote) is not None)
        self.lap(f"{len(solo)} solo pushes")

    def tearDown(self):
        if self.failures:
            rows = sorted((m, c.kind.name, c.name, c.items, why) for m, c, why in self.failures)
            w = [max(len(str(r[i])) for r in rows) for i in range(4)]
            lines = [f"\n{self.id()}: {len(rows)} silent passes (mode, kind, case, issue item, observed):"]
            for r in rows:
                lines.append("  " + "  ".join(str(r[i]).ljust(w[i]) for i in range(4)) + "  " + r[4])
            sys.stderr.write("\n".join(lines) + "\n")
            report = os.environ.get("KEYWARD_NSP_REPORT")
            if report:
                with open(report, "a") as f:
                    for m, c, why in self.failures:
                        f.write(json.dumps({"test": self.id(), "mode": m, "kind": c.kind.name, "case": c.name,
                                            "path": c.path, "items": c.items, "observed": why}) + "\n")
        super().tearDown()


class NoSilentPassTransformations(NoSilentPassBase):
    def test_every_transformation_of_every_kind_in_every_mode(self):
        corpus = small_corpus(self.repo)
        self.assertGreater(len(corpus.cases), 150)
        self.run_all_modes(corpus)


# =======================================================================================
# ADVERSARIAL: further ways to get a secret past keyward that issue 11 does not list.
# Each test tries one; a failure here is a silent pass found by this test file, not a
# regression of a listed item.
# =======================================================================================
def caught(r, path, family="huggingface-", hook=False):
    """None when the run reported a finding of family at path, or failed closed naming
    path; else what happened. hook: r is a `git commit`/`git push` (its rc is git's)."""
    places = places_from_json(r.out) if r.out.lstrip().startswith("{") else places_from_text(r.all)
    places = places or []
    if any((path is None or p[0] == path) and (p[2] or "").startswith(family) for p in places):
        return None
    failed_closed = ("keyward: error:" in r.err) if hook else r.rc == 2
    if failed_closed and (path is None or path in r.err):
        return None
    return f"rc={r.rc}, not reported; output: {r.all.strip()[-300:]!r}"


class AdversarialBase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.assertEqual(self.keyward("install", "--pre-push").rc, 0)
        self.remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", self.remote, cwd=self.tmp)
        self.git("remote", "add", "origin", self.remote)
        self.write("README.md", "base\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("base").rc, 0)
        self.base = self.git("rev-parse", "HEAD").out.strip()
        self.assertEqual(self.git("push", "-q", "origin", "main", check=False).rc, 0)
        self.token = fake_token("hf" + "_", 34, seed=9000 + len(self.id()))

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def check(self, what, r, path, family="huggingface-", hook=False):
        with self.subTest(what):
            why = caught(r, path, family, hook)
            if why:
                sys.stderr.write(f"\n{self.id()}: {what}: silent pass: {why}\n")
            self.assertIsNone(why, f"{what}: silent pass")

    def check_commit_refused(self, what, r, path, family="huggingface-"):
        with self.subTest(what + " (refused)"):
            self.assertNotEqual(r.rc, 0, f"{what}: the commit went through:\n{r.all[-2000:]}")
            self.assertEqual(self.head(), self.base, f"{what}: HEAD moved")
        self.check(what, r, path, family, hook=True)

    def history_and_push(self, path, what):
        """After a --no-verify commit: --all-history finds it and a real push is refused."""
        self.check(what + ": --all-history", self.keyward("--all-history", "--format", "json"), path)
        r = self.git("push", "origin", "main", check=False)
        with self.subTest(what + ": push refused"):
            self.assertNotEqual(r.rc, 0, r.all[-2000:])
            self.assertEqual(self.git("--git-dir", self.remote, "rev-parse", "main").out.strip(), self.base)
        self.check(what + ": git push", r, path, hook=True)


class AdversarialGitPlaces(AdversarialBase):
    def test_secret_in_a_file_name(self):
        # The path is committed and pushed as plainly as any content.
        path = f"exports/{self.token}.txt"
        self.write(path, "nothing to see\n")
        self.git("add", "-A")
        self.check_commit_refused("file name: git commit", self.commit("add"), None)
        self.commit("add", "--no-verify")
        self.history_and_push(None, "file name")

    def test_secret_in_a_symlink_target(self):
        # A symlink's blob is its target string.
        os.symlink(f"../vault/{self.token}", os.path.join(self.repo, "current-key"))
        self.git("add", "-A")
        self.check_commit_refused("symlink target: git commit", self.commit("add"), "current-key")
        self.commit("add", "--no-verify")
        self.history_and_push("current-key", "symlink target")

    def test_gitlink_entry_before_a_secret(self):
        # A gitlink (mode 160000) with no .gitmodules, sorted before the secret's path.
        self.git("update-index", "--add", "--cacheinfo", f"160000,{self.base},a-vendored")
        self.write("b.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "b.env")
        self.check_commit_refused("gitlink then secret: git commit", self.commit("add"), "b.env")

    def test_clean_filter_that_compresses(self):
        # .gitattributes filter: the blob git stores (and pushes) is gzip of the file.
        self.write(".gitattributes", "*.cfg filter=gz\n")
        self.git("config", "filter.gz.clean", "gzip -cn")
        self.git("config", "filter.gz.smudge", "gzip -dc")
        self.write("deploy.cfg", f"HF_TOKEN={self.token}\n")
        self.git("add", "-A")
        self.check_commit_refused("gzip clean filter: git commit", self.commit("add"), "deploy.cfg")

    def test_commit_amend_adding_a_secret(self):
        self.write("a.txt", "a\n")
        self.git("add", "a.txt")
        self.assertEqual(self.commit("a").rc, 0)
        self.base = self.head()
        self.write("b.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "b.env")
        r = self.git("commit", "--amend", "--no-edit", check=False)
        with self.subTest("amend refused"):
            self.assertNotEqual(r.rc, 0, r.all)
            self.assertEqual(self.head(), self.base)
        self.check("git commit --amend", r, "b.env", hook=True)

    def test_index_flags_and_versions(self):
        # skip-worktree and assume-unchanged set the extended flags (index v3); intent-to-add
        # entries carry the empty blob; index v4 prefix-compresses paths. Each secret must
        # still be read from the index.
        for name in ("a1.env", "b1.env", "c1.env", "d1.env"):
            self.write(name, f"HF_TOKEN={fake_token('hf' + '_', 34, seed=hash(name) % 10000)}\n")
        self.write("later/z.env", f"HF_TOKEN={self.token}\n")
        self.write("ita.txt", "later\n")
        self.git("add", "a1.env", "b1.env", "c1.env", "d1.env", "later/z.env")
        self.git("add", "-N", "ita.txt")
        self.git("update-index", "--skip-worktree", "a1.env")
        self.git("update-index", "--assume-unchanged", "b1.env")
        for version in ("3", "4"):
            self.git("update-index", "--index-version", version)
            r = self.keyward("--format", "json")
            for name in ("a1.env", "b1.env", "c1.env", "d1.env", "later/z.env"):
                self.check(f"index v{version}: {name}", r, name)
            r = self.commit("add")
            self.check_commit_refused(f"index v{version}: git commit", r, "later/z.env")

    def test_intent_to_add_then_commit_all(self):
        self.write("notes.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "-N", "notes.env")
        self.check_commit_refused("git add -N; git commit -a", self.git("commit", "-a", "-m", "x", check=False),
                                  "notes.env")

    def test_alternate_index_and_git_dir_from_outside(self):
        self.write("x.env", f"HF_TOKEN={self.token}\n")
        alt = os.path.join(self.tmp, "alt-index")
        env = {"GIT_INDEX_FILE": alt}
        self.git("read-tree", "HEAD", env=env)
        self.git("add", "x.env", env=env)
        self.check_commit_refused("GIT_INDEX_FILE=alt git commit", self.git("commit", "-m", "x", check=False, env=env),
                                  "x.env")
        self.git("add", "x.env")
        # From outside the work tree (the dotfiles setup): today this blocks every commit with
        # "not a git repository" (issue 11 item 22), which is not silent; only refusal is
        # asserted here.
        outside = {"GIT_DIR": os.path.join(self.repo, ".git"), "GIT_WORK_TREE": self.repo}
        r = self.run_cmd(["git", "commit", "-m", "x"], cwd=self.tmp, env=outside)
        with self.subTest("GIT_DIR=... GIT_WORK_TREE=... git commit (from outside): refused"):
            self.assertNotEqual(r.rc, 0, r.all)
            self.assertEqual(self.head(), self.base)

    def test_worktree_commit_all_and_push(self):
        self.write("app.py", "x = 1\n")
        self.git("add", "app.py")
        self.assertEqual(self.commit("app").rc, 0)
        self.base = self.head()
        self.git("push", "-q", "origin", "main")
        wt = os.path.join(self.tmp, "wt")
        self.git("worktree", "add", "-q", wt, "-b", "feature")
        with open(os.path.join(wt, "app.py"), "w") as f:
            f.write(f'x = "{self.token}"\n')
        r = self.run_cmd(["git", "commit", "-a", "-m", "wt"], cwd=wt)
        with self.subTest("worktree commit -a refused"):
            self.assertNotEqual(r.rc, 0, r.all)
        self.check("worktree: git commit -a", r, "app.py", hook=True)
        self.run_cmd(["git", "commit", "-a", "-m", "wt", "--no-verify"], cwd=wt, check=True)
        r = self.run_cmd(["git", "push", "origin", "feature"], cwd=wt)
        with self.subTest("worktree push refused"):
            self.assertNotEqual(r.rc, 0, r.all)
        self.check("worktree: git push", r, "app.py", hook=True)
        self.check("worktree: --all-history", self.run_cmd([KEYWARD, "--all-history", "--format", "json"],
                                                             cwd=wt), "app.py")

    def test_file_names_with_newline_and_invalid_utf8(self):
        names = ["odd\nname.env", "quote\"d.env"]
        for n in names:
            self.write(n, f"HF_TOKEN={fake_token('hf' + '_', 34, seed=len(n) * 7)}\n")
        raw = os.path.join(os.fsencode(self.repo), b"latin1-\xe9.env")
        with open(raw, "wb") as f:
            f.write(f"HF_TOKEN={self.token}\n".encode())
        self.git("add", "-A")
        r = self.commit("odd names")
        with self.subTest("odd file names: refused"):
            self.assertNotEqual(r.rc, 0, r.all)
        r = self.keyward("--format", "json")
        doc = places_from_json(r.out) or []
        with self.subTest("odd file names: every file reported"):
            self.assertEqual(len([p for p in doc if (p[2] or "").startswith("huggingface-")]), 3, r.all[-2000:])

    def test_binary_attribute_on_an_edited_file(self):
        self.write(".gitattributes", "*.env binary\n")
        self.write("app.env", "A=1\nB=2\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("env").rc, 0)
        self.base = self.head()
        self.write("app.env", f"A=1\nHF_TOKEN={self.token}\nB=2\n")
        self.git("add", "-A")
        self.check_commit_refused("binary attribute, edited file: git commit", self.commit("add"), "app.env")


    def test_same_secret_added_again(self):
        # A secret already committed (on purpose, --no-verify) is added again: a second copy
        # in the same file and a copy in a new file are both new lines that publish it again.
        self.write("a.py", f'A = "{self.token}"\n')
        self.git("add", "a.py")
        self.assertEqual(self.commit("legacy", "--no-verify").rc, 0)
        self.base = self.head()
        self.write("a.py", f'A = "{self.token}"\nB = "{self.token}"\n')
        self.write("b.py", f'C = "{self.token}"\n')
        self.git("add", "-A")
        r = self.keyward("--format", "json")
        places = places_from_json(r.out) or []
        with self.subTest("second copy in the same file: a.py:2"):
            self.assertIn(("a.py", 2, "huggingface-user-token"), places, r.all)
        with self.subTest("copy in a new file: b.py:1"):
            self.assertIn(("b.py", 1, "huggingface-user-token"), places, r.all)
        self.check_commit_refused("same secret added again: git commit", self.commit("again"), "b.py")

    def test_checksummed_token_that_spells_a_placeholder_word(self):
        # A GitHub token whose CRC32 checksum is valid is a real token, whatever its random
        # part happens to spell ("Fake", "Dummy", "xxxx" and 6-character runs such as
        # "abcdef" occur in about one real token in 10^5).
        for word in ("Fake", "Dummy", "xxxx", "Sample", "abcdef"):
            body = (fake_token("", 30, ALNUM, seed=len(word) * 31)[:12] + word +
                    fake_token("", 30, ALNUM, seed=len(word) * 37))[:30]
            tok = "gh" + "p_" + body + base62_fixed(zlib.crc32(body.encode()), 6)
            rel = f"gh-{word}.env"
            self.write(rel, f"GITHUB_TOKEN={tok}\n")
            self.git("add", rel)
        self.write("gh-control.env", f"GITHUB_TOKEN={github_pat(77)}\n")
        self.git("add", "gh-control.env")
        r = self.keyward("--format", "json")
        self.check("control: a GitHub token built the same way", r, "gh-control.env", "github-")
        for word in ("Fake", "Dummy", "xxxx", "Sample", "abcdef"):
            self.check(f"valid-checksum GitHub token containing {word!r}", r, f"gh-{word}.env", "github-")


class AdversarialHistoryPlaces(AdversarialBase):
    def test_secret_in_a_commit_message(self):
        # pre-commit cannot see it; the message is pushed and published with the commit.
        self.write("a.txt", "a\n")
        self.git("add", "a.txt")
        r = self.git("commit", "-m", f"use token {self.token} for the mirror", check=False)
        self.check("commit message: git commit (commit-msg)", r, None, hook=True)
        if r.rc == 0:
            self.history_and_push(None, "commit message")

    def test_secret_in_an_annotated_tag_message(self):
        self.git("tag", "-a", "v1", "-m", f"release, token {self.token}")
        r = self.git("push", "origin", "v1", check=False)
        self.check("annotated tag message: git push", r, None, hook=True)
        self.check("annotated tag message: --all-history", self.keyward("--all-history", "--format", "json"), None)

    def test_annotated_tag_on_a_commit_pushed_alone(self):
        # Only the tag is pushed; its commit (holding the secret) is on no pushed branch.
        self.git("checkout", "-q", "-b", "local-only")
        self.write("leak.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("leak", "--no-verify").rc, 0)
        self.git("tag", "-a", "v2", "-m", "release")
        self.git("checkout", "-q", "main")
        r = self.git("push", "origin", "v2", check=False)
        with self.subTest("annotated tag on a commit: push refused"):
            self.assertNotEqual(r.rc, 0, r.all)
        self.check("annotated tag on a commit: git push", r, "leak.env", hook=True)

    def test_secret_in_a_branch_name(self):
        # Ref names are published by a push like paths.
        r = self.git("push", "origin", f"main:refs/heads/ci/{self.token}", check=False)
        self.check("branch name: git push", r, None, hook=True)

    def test_evil_merge(self):
        # The secret is added in the merge commit itself: in neither parent.
        self.git("checkout", "-q", "-b", "side")
        self.write("side.txt", "side\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("side").rc, 0)
        self.git("checkout", "-q", "main")
        self.write("main.txt", "main\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("main").rc, 0)
        self.git("push", "-q", "origin", "main", "side")
        self.base = self.head()
        self.git("merge", "-q", "--no-ff", "--no-commit", "side")
        self.write("merged.env", f"HF_TOKEN={self.token}\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("merge", "--no-verify").rc, 0)
        self.check("evil merge: --range", self.keyward("--range", f"{self.base}..HEAD", "--format", "json"),
                   "merged.env")
        self.history_and_push("merged.env", "evil merge")

    def test_untracked_stash_and_older_stash_entries(self):
        self.write("untracked.env", f"HF_TOKEN={self.token}\n")
        self.git("stash", "-q", "-u")
        self.check("git stash -u (untracked parent): --all-history",
                   self.keyward("--all-history", "--format", "json"), "untracked.env")
        self.write("README.md", f"HF_TOKEN={fake_token('hf' + '_', 34, seed=4242)}\n")
        self.git("stash", "-q")
        self.write("README.md", "third\n")
        self.git("stash", "-q")
        # Now the first two stashes are reachable only through refs/stash's reflog.
        self.check("older stash entries (stash@{1}, stash@{2}): --all-history",
                   self.keyward("--all-history", "--format", "json"), "README.md")

    def test_git_notes(self):
        self.git("notes", "add", "-m", f"HF_TOKEN={self.token}", "HEAD")
        self.check("git notes: --all-history", self.keyward("--all-history", "--format", "json"), None)
        r = self.git("push", "origin", "refs/notes/commits", check=False)
        self.check("git notes: git push refs/notes/commits", r, None, hook=True)


class AdversarialContent(AdversarialBase):
    def scan_both(self, what, rel, data, family="huggingface-"):
        """The disk scan and the staged scan of one file."""
        self.write(rel, data, mode="wb")
        self.check(f"{what}: disk", self.keyward("--format", "json", rel), rel, family)
        self.git("add", rel)
        self.check(f"{what}: pre-commit", self.keyward("--format", "json"), rel, family)
        self.git("rm", "-q", "--cached", rel)

    def test_nul_bytes_early_then_an_encoded_token(self):
        nul = b"\x00\x01\x02\x03" * 64 + b"\n"
        t = self.token
        self.scan_both("NUL bytes then a plain token", "n-plain.dat", nul + f"k={t}\n".encode())
        self.scan_both("NUL bytes then a JSON-escaped token", "n-json.dat",
                       nul + ('{"k": "\\u0068' + t[1:] + '"}\n').encode())
        self.scan_both("NUL bytes then a base64 token", "n-b64.dat",
                       nul + b"k: " + base64.b64encode(f"HF_TOKEN={t}\n".encode()) + b"\n")
        self.scan_both("NUL bytes then a URL-encoded token", "n-url.dat",
                       nul + ("q=" + urllib.parse.quote(f"HF_TOKEN={t}", safe="") + "\n").encode())

    def test_very_long_lines(self):
        t = self.token
        pad = b'{"a":1,"b":[1,2,3]},' * (1 << 18)  # 5 MB, one line
        self.scan_both("5 MB line, plain token at the end", "long-plain.json", pad + f'"{t}"'.encode())
        self.scan_both("5 MB line, JSON-escaped token at the end", "long-esc.json",
                       pad + ('"\\u0068' + t[1:] + '"').encode())
        self.scan_both("5 MB line, base64 token at the end", "long-b64.json",
                       pad + b'"' + base64.b64encode(f"HF_TOKEN={t}\n".encode()) + b'"')

    def test_crlf_mime_base64(self):
        # MIME writes base64 at 76 columns with CRLF line ends.
        # The token's bytes sit inside the first 57 decoded bytes, i.e. inside the first line.
        text = (f"x HF_TOKEN={self.token}\r\nSubject: settings\r\n\r\n" + "body text " * 8 + "\r\n").encode()
        enc = base64.b64encode(text).decode()
        body = "".join(enc[i:i + 76] + "\r\n" for i in range(0, len(enc), 76))
        self.scan_both("base64 at 76 columns with CRLF (MIME), token inside the first line", "mail.eml",
                       ("Content-Transfer-Encoding: base64\r\n\r\n" + body).encode())

    def test_quoted_printable(self):
        # MIME quoted-printable: "=" is written "=3D", and "3D" is glued to the token.
        self.scan_both("quoted-printable (HF_TOKEN=3D<token>)", "mail-qp.eml",
                       ("Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                        f"HF_TOKEN=3D{self.token}\r\n").encode())

    def test_notebook_text_attachment_and_mislabelled_image(self):
        from nbfiles import md_cell as md
        att = md(["see notes.txt\n"])
        att["attachments"] = {"notes.txt": {"text/plain": base64.b64encode(
            f"HF_TOKEN={self.token}\n".encode()).decode()}}
        self.scan_both("markdown-cell attachment of type text/plain (base64)", "att.ipynb",
                       dumps(notebook([att])).encode())
        tok = fake_token("hf" + "_", 34, seed=5151)
        out = {"output_type": "display_data", "metadata": {},
               "data": {"image/png": f"HF_TOKEN={tok}\n", "text/plain": ["<Figure>"]}}
        self.scan_both("text (not base64) in an image/png output", "img.ipynb",
                       dumps(notebook([code_cell(["plot()\n"], [out])])).encode())

    def test_utf16_that_is_not_quite_well_formed(self):
        # A stray last byte (a truncated write) and a lone surrogate early in the text: the
        # rest is still readable UTF-16 holding a token.
        t1, t2 = self.token, fake_token("hf" + "_", 34, seed=6161)
        self.scan_both("UTF-16LE with BOM and an odd byte count", "odd.txt",
                       b"\xff\xfe" + f"# settings\r\nHF_TOKEN={t1}\r\n".encode("utf-16-le") + b"\x00")
        self.scan_both("UTF-16LE with BOM and a lone surrogate before the token", "surrogate.txt",
                       b"\xff\xfe" + "# s".encode("utf-16-le") + b"\x00\xd8" +
                       f"\r\nHF_TOKEN={t2}\r\n".encode("utf-16-le"))

    def test_python_bytes_repr_in_a_log(self):
        # repr() of bytes: a hex escape's last digit is glued to the token.
        self.scan_both("Python bytes repr b'\\x00<token>'", "debug.log",
                       f"recv: b'\\x00\\x10{self.token}\\r\\n'\n".encode())

    def test_jwt_payload_holding_a_token(self):
        def b64url(b):
            return base64.urlsafe_b64encode(b).decode().rstrip("=")
        payload = json.dumps({"sub": "svc", "hub_token": self.token}).encode()
        jwt = b64url(b'{"alg":"HS256","typ":"JWT"}') + "." + b64url(payload) + "." + b64url(os.urandom(32))
        self.scan_both("JWT whose payload holds a token", "session.txt", f"Authorization: Bearer {jwt}\n".encode())

    # gzip files and deflated zip members: test_compressed.py (disk, pre-commit, commit, history).

    def test_token_after_ansi_in_a_plain_log(self):
        self.scan_both("ANSI colour glued to the token in a log file", "run.log",
                       f"\x1b[32mINFO\x1b[0m token=\x1b[1m{self.token}\x1b[0m\n".encode())

    def test_pickle_protocol_2_memo_opcode(self):
        # BINPUT ('q') follows the string: the token's right boundary is a letter.
        self.scan_both("pickle protocol 2 (torch.save's default)", "state.pkl",
                       pickle.dumps({"hub_token": self.token}, protocol=2))


if __name__ == "__main__":
    import unittest
    unittest.main()
