"""Messages that fit the situation (issue 16): advice chosen per finding and place (notebook
outputs, checkpoint copies, files where no comment fits), the fingerprint in the text report,
keyward:allow in a cell's source covering its outputs, pre-push wording, hook-only wording,
stash-only history findings, the caret under wide characters, private keys masked with their
kind, and the baseline read without flags. Real binary, real git commits and pushes; tokens
built at run time."""
import base64
import json
import os
import pty
import random
import re
import select
import subprocess
import time
import unicodedata
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token
from nbfiles import code_cell, dumps, notebook, stream

CLEAR = "jupyter nbconvert --clear-output --inplace"


def columns(s):
    """Terminal columns of s: East Asian wide/fullwidth 2, combining marks 0."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def help_lines(out):
    return [l.strip() for l in out.splitlines() if l.strip().startswith("help:")]


class AdviceByPlaceTest(RepoTestCase):
    def test_notebook_output_says_clear_the_outputs(self):
        self.init_repo()
        tok = fake_hf_token(seed=801)
        nb = notebook([code_cell(["import os\n", "print(os.environ['HF_TOKEN'])\n"], [stream([tok + "\n"])])])
        self.write("train.ipynb", dumps(nb))
        self.git("add", "-A")
        r = self.commit("notebook")
        self.assertBlocked(r)
        self.assertNoSecret(r.all, tok)
        [h] = help_lines(r.all)
        self.assertIn(CLEAR + " train.ipynb", h)
        self.assertIn("nbstripout", h)
        self.assertIn("huggingface.co/settings/tokens", h)  # still: revoke it
        self.assertNotIn("HF_TOKEN environment variable", h)
        self.assertNotIn(".ipynb_checkpoints", r.all)
        # No comment fits in an output: the summary offers the fingerprint and the baseline.
        self.assertNotIn("keyward:allow", r.all)
        self.assertIn("[allowlist] fingerprints", r.all)
        self.assertIn("keyward baseline", r.all)

    def test_source_cell_keeps_the_rule_advice(self):
        self.init_repo()
        tok = fake_hf_token(seed=802)
        nb = notebook([code_cell([f'login(token="{tok}")\n'], [])])
        self.write("train.ipynb", dumps(nb))
        self.git("add", "-A")
        r = self.commit("notebook")
        self.assertBlocked(r)
        [h] = help_lines(r.all)
        self.assertIn("HF_TOKEN environment variable", h)
        self.assertNotIn(CLEAR, h)
        self.assertNotIn(".ipynb_checkpoints", r.all)
        self.assertIn("keyward:allow", r.all)  # a comment fits in a cell's code

    def test_only_checkpoint_copies_mention_the_folder_with_its_nested_path(self):
        self.init_repo()
        tok = fake_hf_token(seed=803)
        self.write("app.py", f'T = "{tok}"\n')
        self.write("models/exp 1/.ipynb_checkpoints/cfg-checkpoint.py", f'T = "{tok}"\n')
        self.git("add", "-f", "-A")
        r = self.commit("copies")
        self.assertBlocked(r)
        blocks = r.err.split("\n\n")  # git shows a hook's output on stderr
        app = next(b for b in blocks if b.startswith("app.py:"))
        copy = next(b for b in blocks if b.startswith("models/exp 1/.ipynb_checkpoints/cfg-checkpoint.py:1:6:"))
        self.assertNotIn("ipynb_checkpoints", app)
        self.assertIn("git rm -r --cached 'models/exp 1/.ipynb_checkpoints'", copy)
        self.assertNoSecret(r.all, tok)
        # A folder sweep (before an upload) says to delete the folder.
        r = self.keyward("models")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("delete 'models/exp 1/.ipynb_checkpoints' (or leave it out of what you upload)", r.out)

    def test_json_file_gets_no_inline_allow_suggestion(self):
        self.init_repo()
        tok = fake_hf_token(seed=804)
        self.write("config.json", json.dumps({"token": tok}) + "\n")
        self.git("add", "-A")
        r = self.commit("json")
        self.assertBlocked(r)
        self.assertNotIn("keyward:allow", r.all)
        self.assertIn("No comment fits", r.all)
        self.assertIn("[allowlist] fingerprints", r.all)

    def test_mixed_places_say_both(self):
        self.init_repo()
        self.write("config.json", json.dumps({"token": fake_hf_token(seed=805)}) + "\n")
        self.write("app.py", f'T = "{fake_hf_token(seed=806)}"\n')
        self.git("add", "-A")
        r = self.commit("both")
        self.assertBlocked(r)
        self.assertIn("Add '# keyward:allow' to its line", r.all)
        self.assertIn("Where no comment fits", r.all)


class FingerprintInTextTest(RepoTestCase):
    def test_text_fingerprint_allowlists_without_a_json_run(self):
        self.init_repo()
        tok = fake_hf_token(seed=811)
        self.write("config.json", json.dumps({"token": tok}) + "\n")
        self.git("add", "-A")
        r = self.commit("json")
        self.assertBlocked(r)
        fps = re.findall(r"= fingerprint ([0-9a-f]{32})\b", r.err)
        self.assertEqual(len(fps), 1, r.err)
        self.assertEqual(fps, [f["fingerprint"] for f in self.keyward("--format", "json").json()["findings"]])
        self.write(".keyward.toml", f'[allowlist]\nfingerprints = ["{fps[0]}"]\n')
        self.git("add", ".keyward.toml")
        r = self.commit("json")
        self.assertEqual(r.rc, 0, r.all)


class CellAllowCoversOutputsTest(RepoTestCase):
    def test_allow_in_source_covers_that_cells_outputs_only(self):
        self.init_repo()
        tok = fake_hf_token(seed=821)
        other = fake_hf_token(seed=822)
        nb = notebook([
            code_cell([f'EXAMPLE = "{tok}"  # keyward:allow\n', "print(EXAMPLE)\n"], [stream([tok + "\n"])], n=1),
            code_cell(["print(secret())\n"], [stream([other + "\n"])], n=2),
        ])
        self.write("demo.ipynb", dumps(nb))
        self.git("add", "-A")
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([(f["cell"], f.get("cell_output")) for f in r.json()["findings"]], [(2, True)], r.out)
        # Without the second cell the commit goes through.
        nb["cells"].pop()
        self.write("demo.ipynb", dumps(nb))
        self.git("add", "-A")
        r = self.commit("documented example")
        self.assertEqual(r.rc, 0, r.all)


class PrePushWordingTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        self.remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", self.remote)
        self.git("remote", "add", "origin", self.remote)
        self.write("a.py", "x = 1\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("base").rc, 0)

    def test_clean_push_is_quiet(self):
        r = self.git("push", "-q", "origin", "main", check=False)
        self.assertEqual(r.rc, 0, r.all)
        self.assertNotIn("keyward", r.all)

    def test_blocked_push_says_so_and_what_to_do(self):
        tok = fake_hf_token(seed=831)
        self.write("leak.py", f'T = "{tok}"\n')
        self.git("add", "-A")
        self.assertEqual(self.commit("leak", "--no-verify").rc, 0)
        r = self.git("push", "origin", "main", check=False)
        self.assertBlocked(r)
        self.assertNoSecret(r.all, tok)
        self.assertIn("push blocked", r.all)
        self.assertIn("git rebase -i", r.all)
        self.assertIn("git commit --amend", r.all)
        self.assertIn("Revoke", r.all)
        self.assertIn("git push --no-verify", r.all)
        self.assertNotIn("commit blocked", r.all)
        self.assertNotIn("git commit --no-verify", r.all)
        self.assertNotIn("scanned", r.all)  # no summary line a clean push would not print either


class HookOnlyWordingTest(RepoTestCase):
    def test_by_hand_no_bypass_wording(self):
        self.init_repo()
        tok = fake_hf_token(seed=841)
        self.write("a.py", f'T = "{tok}"\n')
        self.git("add", "-A")
        for args in ((), (".",), ("--all-history",)):
            r = self.keyward(*args)
            self.assertEqual(r.rc, 1 if args != ("--all-history",) else 0, (args, r.all))
            self.assertNotIn("--no-verify", r.all, args)
            self.assertNotIn("commit blocked", r.all, args)
            self.assertNotIn("is blocked", r.all, args)
        # An error by hand: no bypass advice either; in the hook it is there.
        self.write(".keyward.toml", "[allowlist\n")
        self.git("add", ".keyward.toml")
        r = self.keyward()
        self.assertEqual(r.rc, 2, r.all)
        self.assertNotIn("--no-verify", r.all)
        r = self.commit("x")
        self.assertBlocked(r)
        self.assertIn("--no-verify", r.all)


class StashOnlyTextTest(RepoTestCase):
    def test_stash_only_finding_says_so(self):
        self.init_repo(hook=False)
        self.write("a.py", "x = 1\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "base")
        tok = fake_hf_token(seed=851)
        self.write("a.py", f'T = "{tok}"\n')
        self.git("stash", "-q")
        r = self.keyward("--all-history")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("reachable only from the stash", r.out)
        self.assertNoSecret(r.all, tok)


class CaretTest(RepoTestCase):
    def test_caret_under_wide_and_combining_characters(self):
        os.makedirs(self.repo)
        tok = fake_hf_token(seed=861)
        prefixes = ["密钥 = ", "ｔｏｋｅｎ: ", "cafe\u0301 = ", "🔑 ", "\tkey = ", "naïve = "]
        self.write("wide.py", "".join(f'{p}"{tok}"\n' for p in prefixes))
        r = self.keyward("wide.py", "--color", "never")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, tok)
        lines = r.out.splitlines()
        checked = 0
        for i, l in enumerate(lines):
            m = re.match(r"^\s*\d+ \| (.*)$", l)
            if not m:
                continue
            shown = m.group(1)
            caret = lines[i + 1]
            self.assertRegex(caret, r"^\s+\| ")
            at = shown.index('"hf_') + 1
            self.assertEqual(caret.index("^") - caret.index("| ") - 2, columns(shown[:at]), (shown, caret))
            checked += 1
        self.assertEqual(checked, len(prefixes), r.out)
        # JSON keeps byte columns, end_column exclusive.
        r = self.keyward("wide.py", "--format", "json")
        with open(os.path.join(self.repo, "wide.py"), "rb") as f:
            data = f.read().split(b"\n")
        for f in r.json()["findings"]:
            line = data[f["line"] - 1]
            self.assertEqual(f["column"], line.index(b'"hf_') + 2)
            self.assertEqual(f["end_column"] - f["column"], len(tok))


class PrivateKeyMaskTest(RepoTestCase):
    def test_masked_showing_its_kind(self):
        os.makedirs(self.repo)
        rng = random.Random(871)
        blob = b"openssh-key-v1\0" + bytes(rng.randrange(256) for _ in range(400))
        body = base64.b64encode(blob).decode()
        head, tail = "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----"
        key = "\n".join([head] + [body[i:i + 70] for i in range(0, len(body), 70)] + [tail]) + "\n"
        self.write("id_ed25519", key)
        for fmt in ("text", "json"):
            r = self.keyward("id_ed25519", "--format", fmt)
            self.assertEqual(r.rc, 1, r.all)
            self.assertIn(head + " \u2026", r.out if fmt == "text" else r.json()["findings"][0]["secret"])
            self.assertNotIn(body[:20], r.all)
            self.assertNotIn(body[-20:], r.all)


class MistypedTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)
        self.write("a.py", "x = 1\n")

    def test_mistyped_rule_id_in_config(self):
        for text in ('[rules_config]\ndisable = ["huggingface-user-tokn"]\n',
                     '[rule.huggingface-user-tokn]\ndisable = true\n'):
            self.write(".keyward.toml", text)
            r = self.keyward("a.py")
            self.assertEqual(r.rc, 2, r.all)
            self.assertIn("did you mean 'huggingface-user-token'?", r.err)
        self.write(".keyward.toml", '[rules_config]\ndisable = ["ipynb-checkpiont"]\n')
        r = self.keyward("a.py")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("did you mean 'ipynb-checkpoint'?", r.err)

    def test_unknown_word_names_the_commands(self):
        r = self.keyward("bogus")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("not a keyward command", r.err)
        self.assertIn("install", r.err)
        r = self.keyward("help", "bogus")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("no help on 'bogus'", r.err)


class ProgressTest(RepoTestCase):
    """The progress line needs stderr to be a terminal: a pseudo-terminal here."""

    def run_on_pty(self, *args):
        master, slave = pty.openpty()
        start = time.monotonic()
        p = subprocess.Popen([KEYWARD, *args], cwd=self.repo, env=self.env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        buf = b""
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            buf += chunk
        p.wait()
        os.close(master)
        lines = [l.replace(b"\x1b[K", b"").decode() for l in buf.split(b"\r")]
        return p.returncode, [l for l in lines if l.startswith("keyward: ") and ("%" in l or "counting" in l)], \
            time.monotonic() - start

    def assertNeverBackwards(self, lines):
        pcts = [int(re.match(r"keyward:\s+(\d+)%", l).group(1)) for l in lines if "%" in l]
        self.assertEqual(pcts, sorted(pcts), lines)
        for l in lines:
            if "counting" in l:
                self.assertNotIn("%", l)

    def make_files(self, n, version=0):
        for i in range(n):
            self.write(f"d{i % 50}/f{i}.py", f"x = {i} + {version}\n" * 300)

    def test_folder_sweep_draws_progress(self):
        os.makedirs(self.repo)
        self.make_files(6000)
        rc, lines, took = self.run_on_pty("-j1", ".")
        self.assertEqual(rc, 0)
        if not lines and took < 0.5:  # the first line is drawn after 0.2 s
            self.skipTest(f"the sweep took {took:.2f} s, before the first progress line")
        self.assertTrue(lines, "no progress line on a sweep of %.1f s" % took)
        self.assertTrue(all(" files, " in l for l in lines if "%" in l), lines)
        self.assertNeverBackwards(lines)
        rc, lines, _ = self.run_on_pty("-j1", "--no-progress", ".")
        self.assertEqual(lines, [])

    def test_history_progress_never_goes_backwards(self):
        self.init_repo(hook=False)
        for batch in range(3):  # blobs discovered commit by commit
            self.make_files(2000, batch)
            self.git("add", "-A")
            self.git("commit", "-q", "-m", f"batch {batch}")
        rc, lines, took = self.run_on_pty("-j1", "--all-history")
        self.assertEqual(rc, 0)
        if not lines and took < 1.0:
            self.skipTest(f"the sweep took {took:.2f} s, before the first progress line")
        self.assertNeverBackwards(lines)


class BaselineWithoutFlagsTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.tok = fake_hf_token(seed=881)
        self.write("legacy.py", f'T = "{self.tok}"\n')
        self.git("add", "-A")
        self.assertEqual(self.commit("legacy", "--no-verify").rc, 0)
        # A change on the secret's line: the hook sees the secret again.
        self.write("legacy.py", f'T = "{self.tok}"  # used by the old client\n')
        self.git("add", "-A")

    def test_root_baseline_is_read_by_the_hook(self):
        self.assertBlocked(self.commit("touch"))
        r = self.keyward("baseline")
        self.assertEqual(r.rc, 0, r.all)
        # Not staged yet: the commit is checked without it, and says so.
        r = self.commit("touch")
        self.assertBlocked(r)
        self.assertIn(".keyward-baseline is not staged", r.err)
        self.git("add", ".keyward-baseline")
        r = self.commit("touch")
        self.assertEqual(r.rc, 0, r.all)
        # Every mode reads it; --verbose names it once.
        for args in ((), ("--all-history",), (".",)):
            r = self.keyward(*args, "-v")
            self.assertEqual(r.rc, 0, (args, r.all))
            self.assertEqual(r.err.count("note: baseline"), 1, (args, r.err))
        self.assertNoSecret(r.all, self.tok)
        r = self.keyward("--all-history", "--no-baseline")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNoSecret(r.all, self.tok)

    def test_baseline_key_in_config(self):
        os.makedirs(os.path.join(self.repo, "ci"))
        r = self.keyward("baseline", "-o", "ci/known-secrets")
        self.assertEqual(r.rc, 0, r.all)
        self.write(".keyward.toml", 'baseline = "ci/known-secrets"\n')
        self.git("add", "-A")
        r = self.commit("touch")
        self.assertEqual(r.rc, 0, r.all)
        r = self.keyward("--all-history", "-v")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn('baseline = "ci/known-secrets"', r.err)
        # Named but missing: an error naming it, not silence.
        os.unlink(os.path.join(self.repo, "ci", "known-secrets"))
        r = self.keyward("--all-history")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("ci/known-secrets", r.err)


if __name__ == "__main__":
    unittest.main()
