"""The core scenario, end to end: keyward installed as the pre-commit hook of a real
repository, real `git commit`, real blobs in the index."""
import base64
import json
import os
import random
import shutil
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token, fake_token


def training_params(token):
    # What AutoTrain writes, as Jupyter copies it into .ipynb_checkpoints/.
    return ('{\n'
            '  "model": "bert-base-uncased",\n'
            '  "project_name": "sentiment",\n'
            '  "data_path": "imdb",\n'
            '  "push_to_hub": true,\n'
            '  "username": "someone",\n'
            f'  "token": "{token}",\n'
            '  "epochs": 3\n'
            '}\n')


class AutoTrainScenario(RepoTestCase):
    def test_checkpoint_with_token_is_blocked_with_a_compiler_style_diagnostic(self):
        self.init_repo()
        token = fake_hf_token(1)
        self.write(".ipynb_checkpoints/training_params-checkpoint.json", training_params(token))
        self.write("training_params.json", training_params("${HF_TOKEN}"))
        self.git("add", "-A")
        r = self.commit("train")
        self.assertBlocked(r)
        path = ".ipynb_checkpoints/training_params-checkpoint.json"
        col = len('  "token": "') + 1
        self.assertIn(f"{path}:7:{col}: huggingface-user-token: ", r.all)
        masked = token[:5] + "\u2026" + token[-3:]
        self.assertIn(masked, r.all)
        self.assertNoSecret(r.all, token)
        # The caret span sits under the masked token.
        lines = r.all.splitlines()
        src = next(i for i, l in enumerate(lines) if masked in l and "|" in l)
        self.assertIn("^", lines[src + 1])
        self.assertEqual(lines[src + 1].index("^"), lines[src].index(masked))
        # The advice: revoke, environment, .gitignore the checkpoint.
        self.assertRegex(r.all, "(?i)revoke")
        self.assertIn("HF_TOKEN", r.all)
        self.assertIn(".gitignore", r.all)
        self.assertIn("ipynb-checkpoint", r.all)
        self.assertIn("--no-verify", r.all)
        # Nothing was committed.
        self.assertNotEqual(self.git("rev-parse", "--verify", "-q", "HEAD", check=False).rc, 0)
        # The placeholder in the real config did not fire.
        self.assertNotIn("training_params.json:", r.all.replace(path, ""))

    def test_keyward_writes_no_file_with_the_secret(self):
        self.init_repo()
        token = fake_hf_token(2)
        self.write("params.json", training_params(token))
        self.git("add", "-A")
        self.assertBlocked(self.commit())
        for base in (self.tmp,):
            for d, _, files in os.walk(base):
                if "/objects" in d or d.endswith("/objects"):
                    continue  # git's own object store holds the staged blob, compressed
                for f in files:
                    p = os.path.join(d, f)
                    if os.path.islink(p) or p.endswith("params.json") or "/.git/objects/" in p:
                        continue
                    with open(p, "rb") as fh:
                        self.assertNotIn(token.encode(), fh.read(), p)


class StagedNotWorkingTree(RepoTestCase):
    def test_staged_secret_edited_out_of_the_working_copy_is_still_caught(self):
        self.init_repo()
        token = fake_hf_token(3)
        self.write("app.py", f'TOKEN = "{token}"\n')
        self.git("add", "app.py")
        self.write("app.py", 'import os\nTOKEN = os.environ["HF_TOKEN"]\n')
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("app.py:1:10: huggingface-user-token", r.all)

    def test_unstaged_secret_does_not_block(self):
        self.init_repo()
        self.write("app.py", 'import os\nTOKEN = os.environ["HF_TOKEN"]\n')
        self.git("add", "app.py")
        self.write("app.py", f'TOKEN = "{fake_hf_token(4)}"\n')
        r = self.commit()
        self.assertEqual(r.rc, 0, r.all)


class CleanAndEdgeCommits(RepoTestCase):
    def test_clean_commit_passes_and_placeholders_do_not_fire(self):
        self.init_repo()
        self.write("train.py",
                   "from huggingface_hub import hf_hub_download\n"
                   "token = 'hf_YOUR_TOKEN_HERE'\n"
                   "other = 'hf_" + "x" * 34 + "'\n"
                   "sha = '" + "0123456789abcdef" * 4 + "'\n")
        self.git("add", "-A")
        r = self.commit()
        self.assertEqual(r.rc, 0, r.all)

    def test_first_commit_in_an_empty_repository(self):
        self.init_repo()
        self.write("README.md", "hello\n")
        self.git("add", "-A")
        self.assertEqual(self.commit().rc, 0)
        self.assertEqual(self.git("rev-list", "--count", "HEAD").out.strip(), "1")

    def test_binary_file_with_a_token_is_still_scanned(self):
        self.init_repo()
        token = fake_hf_token(5)
        self.write("model.bin", b"\x00\x01\x02PK\x03\x04" + token.encode() + b"\x00\xff" * 50, mode="wb")
        self.git("add", "-A")
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("model.bin:1:", r.all)
        self.assertNoSecret(r.all, token)

    def test_binary_file_without_secrets_passes(self):
        self.init_repo()
        self.write("weights.bin", bytes(random.Random(1).randrange(256) for _ in range(200000)), mode="wb")
        self.git("add", "-A")
        self.assertEqual(self.commit().rc, 0)

    def test_deletion_only_commit_passes_even_if_the_file_held_a_secret(self):
        self.init_repo()
        self.write("old.env", f"HF_TOKEN={fake_hf_token(6)}\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("oops", "--no-verify").rc, 0)
        self.git("rm", "-q", "old.env")
        r = self.commit("remove it")
        self.assertEqual(r.rc, 0, r.all)

    def test_only_added_lines_block(self):
        self.init_repo()
        old = fake_hf_token(7)
        self.write("config.py", f'A = "{old}"\nB = 1\n')
        self.git("add", "-A")
        self.commit("legacy", "--no-verify")
        # Editing another line of a file that already holds a secret does not block...
        self.write("config.py", f'A = "{old}"\nB = 2\n')
        self.git("add", "-A")
        r = self.commit("bump")
        self.assertEqual(r.rc, 0, r.all)
        # ...adding a new one does, and only the new one is reported.
        new = fake_hf_token(8)
        self.write("config.py", f'A = "{old}"\nB = 2\nC = "{new}"\n')
        self.git("add", "-A")
        r = self.commit("more")
        self.assertBlocked(r)
        self.assertIn("config.py:3:6:", r.all)
        self.assertNotIn("config.py:1:", r.all)

    def test_rename_without_change_costs_nothing_and_passes(self):
        self.init_repo()
        self.write("a.py", f'X = "{fake_hf_token(9)}"\n')
        self.git("add", "-A")
        self.commit("legacy", "--no-verify")
        self.git("mv", "a.py", "b.py")
        r = self.commit("rename")
        self.assertEqual(r.rc, 0, r.all)

    def test_pem_key_counts_when_any_of_its_lines_changed(self):
        self.init_repo()
        rng = random.Random(10)
        # A DER SEQUENCE of random content: structurally a key, as the validator requires.
        content = bytes(rng.randrange(256) for _ in range(1190))
        der = b"\x30\x82" + len(content).to_bytes(2, "big") + content
        body = base64.b64encode(der).decode()
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        head = "-----BEGIN RSA PRIVATE KEY-----"
        tail = "-----END RSA PRIVATE KEY-----"
        key = "\n".join([head] + lines + [tail]) + "\n"
        self.write("README.md", "x\n")
        self.write("id_rsa", "\n".join([head] + lines[:-1] + ["AAAA" + lines[-1][4:]] + [tail]) + "\n")
        self.git("add", "-A")
        self.commit("legacy", "--no-verify")
        self.write("id_rsa", key)  # only a middle line changes
        self.git("add", "-A")
        r = self.commit("rotate")
        self.assertBlocked(r)
        self.assertIn("id_rsa:1:", r.all)


class TemporaryIndex(RepoTestCase):
    """`git commit -a` and `git commit PATH` hand the hook a temporary index through
    GIT_INDEX_FILE; both index readers (the fast path and libgit2) must use it."""

    def setUp(self):
        super().setUp()
        self.init_repo()
        self.write("app.py", "x = 1\n")
        self.write("other.py", "y = 1\n")
        self.git("add", "-A")
        self.assertEqual(self.commit().rc, 0)
        self.write("app.py", f'x = "{fake_hf_token(30)}"\n')

    def check(self, *args, env=None):
        r = self.git("commit", "-m", "edit", *args, check=False, env=env)
        self.assertBlocked(r)
        self.assertIn("app.py:1:6:", r.all)

    def test_commit_all(self):
        self.check("-a")

    def test_commit_all_with_libgit2_index(self):
        self.check("-a", env={"KEYWARD_INDEX": "libgit2"})

    def test_commit_path(self):
        self.check("app.py")

    def test_commit_path_with_libgit2_index(self):
        self.check("app.py", env={"KEYWARD_INDEX": "libgit2"})


class Bypass(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.token = fake_hf_token(11)
        self.write("x.txt", self.token + "\n")
        self.git("add", "-A")

    def test_keyward_skip(self):
        r = self.git("commit", "-m", "skip", check=False, env={"KEYWARD_SKIP": "1"})
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("KEYWARD_SKIP", r.all)

    def test_no_verify(self):
        self.assertEqual(self.commit("nv", "--no-verify").rc, 0)


class Errors(RepoTestCase):
    def test_outside_a_repository_exit_2_with_a_clear_message(self):
        os.makedirs(self.repo)
        r = self.keyward("--hook", "pre-commit")
        self.assertEqual(r.rc, 2)
        self.assertIn("not a git repository", r.err)
        self.assertIn("--no-verify", r.err)
        r = self.keyward()  # by hand there is no commit to bypass
        self.assertEqual(r.rc, 2)
        self.assertIn("not a git repository", r.err)
        self.assertNotIn("--no-verify", r.err)

    def test_minus_C(self):
        self.init_repo(hook=False)
        self.write("x.txt", fake_hf_token(12) + "\n")
        self.git("add", "-A")
        r = self.keyward("-C", self.repo, cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)

    def test_unknown_option_is_a_usage_error(self):
        r = self.keyward("--frobnicate", cwd=self.tmp)
        self.assertEqual(r.rc, 2)
        self.assertIn("unknown option", r.err)

    def test_missing_binary_blocks_the_commit(self):
        # Install from a copy of the binary, then remove the copy: the hook then finds
        # keyward neither where it was installed from nor on PATH, and must block.
        self.init_repo(hook=False)
        copy = os.path.join(self.tmp, "keyward-copy")
        shutil.copy2(KEYWARD, copy)
        self.assertEqual(self.run_cmd([copy, "install"]).rc, 0)
        os.remove(copy)
        self.write("x.txt", "fine\n")
        self.git("add", "-A")
        r = self.git("commit", "-m", "x", check=False, env={"PATH": "/usr/bin:/bin", "KEYWARD_BIN": None})
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("not installed", r.all)
        self.assertIn("--no-verify", r.all)


class Installer(RepoTestCase):
    def test_existing_hook_is_chained_not_clobbered_and_uninstall_restores_it(self):
        self.init_repo(hook=False)
        hooks = os.path.join(self.repo, ".git", "hooks")
        mine = os.path.join(hooks, "pre-commit")
        with open(mine, "w") as f:
            f.write("#!/bin/sh\necho my-own-hook-ran\n")
        os.chmod(mine, 0o755)
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("chained", r.out)
        self.write("x.txt", "fine\n")
        self.git("add", "-A")
        r = self.commit()
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("my-own-hook-ran", r.all)
        self.write("y.txt", fake_hf_token(13) + "\n")
        self.git("add", "-A")
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn("my-own-hook-ran", r.all)
        r = self.keyward("uninstall")
        self.assertEqual(r.rc, 0, r.all)
        with open(mine) as f:
            self.assertEqual(f.read(), "#!/bin/sh\necho my-own-hook-ran\n")

    def test_core_hooks_path_is_honoured(self):
        self.init_repo(hook=False)
        self.git("config", "core.hooksPath", ".githooks")
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(os.path.exists(os.path.join(self.repo, ".githooks", "pre-commit")))
        self.write("y.txt", fake_hf_token(14) + "\n")
        self.git("add", "y.txt")
        self.assertBlocked(self.commit())

    def test_worktree_commit_is_checked(self):
        self.init_repo()
        self.write("a.txt", "a\n")
        self.git("add", "-A")
        self.commit()
        wt = os.path.join(self.tmp, "wt")
        self.git("worktree", "add", "-q", wt, "-b", "feature")
        with open(os.path.join(wt, "s.txt"), "w") as f:
            f.write(fake_hf_token(15) + "\n")
        self.git("add", "s.txt", cwd=wt)
        r = self.run_cmd(["git", "commit", "-m", "wt"], cwd=wt)
        self.assertBlocked(r)
        self.assertIn("s.txt:1:1:", r.all)


class Formats(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.token = fake_hf_token(16)
        self.write("nb/params.json", training_params(self.token))
        self.git("add", "-A")

    def test_json_follows_the_contract(self):
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        doc = r.json()
        self.assertEqual(doc["version"], 1)
        f = doc["findings"][0]
        for key in ("rule", "description", "path", "line", "column", "end_line", "end_column", "secret",
                    "fingerprint"):
            self.assertIn(key, f)
        self.assertEqual(f["rule"], "huggingface-user-token")
        self.assertEqual(f["path"], "nb/params.json")
        self.assertEqual((f["line"], f["column"]), (7, 13))
        self.assertEqual(f["end_column"] - f["column"], len(self.token))
        self.assertNotEqual(f["secret"], self.token)
        self.assertNoSecret(r.out, self.token)
        for key in ("blobs", "bytes", "seconds"):
            self.assertIn(key, doc["stats"])

    def test_show_secrets_opts_out_of_masking(self):
        r = self.keyward("--format", "json", "--show-secrets")
        self.assertEqual(r.json()["findings"][0]["secret"], self.token)

    def test_sarif_follows_the_contract(self):
        out = os.path.join(self.tmp, "report.sarif")
        r = self.keyward("--format", "sarif", "--output", out)
        self.assertEqual(r.rc, 1, r.all)
        with open(out) as f:
            text = f.read()
        doc = json.loads(text)
        self.assertEqual(doc["version"], "2.1.0")
        run = doc["runs"][0]
        self.assertEqual(run["columnKind"], "utf16CodeUnits")
        ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        res = run["results"][0]
        self.assertIn(res["ruleId"], ids)
        loc = res["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"]["uri"], "nb/params.json")
        self.assertEqual(loc["region"]["startLine"], 7)
        self.assertEqual(loc["region"]["startColumn"], 13)
        self.assertIn("partialFingerprints", res)
        self.assertNoSecret(text, self.token)

    def test_sarif_columns_are_utf16(self):
        self.write("u.py", "x = '\u00e9\U0001F600' + '" + self.token + "'\n")
        self.git("add", "-A")
        doc = json.loads(self.keyward("--format", "sarif").out)
        res = [x for x in doc["runs"][0]["results"]
               if x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "u.py"][0]
        # "x = '" (5) + é (1 unit) + 😀 (2 units) + "' + '" (5) -> column 14
        self.assertEqual(res["locations"][0]["physicalLocation"]["region"]["startColumn"], 14)
        j = json.loads(self.keyward("--format", "json").out)
        f = [x for x in j["findings"] if x["path"] == "u.py"][0]
        # byte columns: é is 2 bytes, 😀 is 4
        self.assertEqual(f["column"], 5 + 2 + 4 + 5 + 1)


class DiskScan(RepoTestCase):
    def test_paths_are_reported_the_way_find_prints_them(self):
        os.makedirs(os.path.join(self.tmp, "models", "a"))
        with open(os.path.join(self.tmp, "models", "a", "b.json"), "w") as f:
            f.write(training_params(fake_hf_token(17)))
        r = self.keyward("--format", "json", "models/", cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(r.json()["findings"][0]["path"], "models/a/b.json")
        r = self.keyward("--format", "json", ".", cwd=os.path.join(self.tmp, "models"))
        self.assertEqual(r.json()["findings"][0]["path"], "./a/b.json")

    def test_missing_path_is_an_error(self):
        r = self.keyward("does-not-exist", cwd=self.tmp)
        self.assertEqual(r.rc, 2)
        self.assertIn("does-not-exist", r.err)

    def test_crlf_and_utf8_columns(self):
        d = os.path.join(self.tmp, "d")
        os.makedirs(d)
        token = fake_hf_token(18)
        with open(os.path.join(d, "w.env"), "wb") as f:
            f.write(b"A=1\r\n# caf\xc3\xa9\r\nHF=" + token.encode() + b"\r\n")
        r = self.keyward("--format", "json", "d", cwd=self.tmp)
        f = r.json()["findings"][0]
        self.assertEqual((f["line"], f["column"]), (3, 4))
        self.assertEqual(f["end_column"], 4 + len(token))


class HelpText(RepoTestCase):
    def test_help_reads_like_git(self):
        r = self.keyward("--help", cwd=self.tmp)
        self.assertEqual(r.rc, 0)
        self.assertTrue(r.out.startswith("usage: keyward"))
        self.assertIn("--all-history", r.out)
        self.assertIn("--no-verify", r.out)


if __name__ == "__main__":
    unittest.main()
