"""Secrets in names: a file or directory name, a pushed branch or tag name. They are
published like content, so each mode scans them, and every report masks the secret in the
path it prints (the name's own finding, and other findings in that file). Tokens are built
at run time."""
import json
import os

from kwtest import RepoTestCase, fake_hf_token


class NamesBase(RepoTestCase):
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
        self.token = fake_hf_token(seed=7100)

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def name_findings(self, r, kind="file name"):
        doc = json.loads(r.out)
        return [f for f in doc["findings"] if f.get("in_name") == kind]

    def assert_name_found(self, r, what, kind="file name"):
        self.assertEqual(r.rc, 1, f"{what}: {r.all[-2000:]}")
        found = self.name_findings(r, kind)
        self.assertTrue(found and found[0]["rule"].startswith("huggingface-"), f"{what}: {r.out[-2000:]}")
        self.assertNoSecret(r.all, self.token)
        return found


class FileNames(NamesBase):
    def add_named_file(self, content="nothing to see\n"):
        self.path = f"exports/{self.token}.txt"
        self.write(self.path, content)
        self.git("add", "-A")

    def test_commit_refused_and_every_format_masks_the_path(self):
        other = fake_hf_token(seed=7101)
        self.add_named_file(f"HF_TOKEN={other}\n")
        r = self.commit("add")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(self.head(), self.base, "HEAD moved")
        self.assertIn("(in the file name)", r.all)
        self.assertNoSecret(r.all, self.token)
        self.assertNoSecret(r.all, other)
        r = self.keyward("--format", "json")
        found = self.assert_name_found(r, "pre-commit json")
        self.assertEqual(found[0]["line"], 1)
        self.assertEqual(found[0]["column"], len("exports/") + 1)
        doc = json.loads(r.out)
        # The content finding in the same file prints the masked path too.
        self.assertEqual(len(doc["findings"]), 2, r.out)
        self.assertEqual(len({f["path"] for f in doc["findings"]}), 1, r.out)
        self.assertTrue(doc["findings"][0]["path"].startswith("exports/hf_"), r.out)
        for fmt in ("text", "sarif"):
            r = self.keyward("--format", fmt)
            self.assertEqual(r.rc, 1, r.all)
            self.assertNoSecret(r.all, self.token)
            self.assertNoSecret(r.all, other)
        out = os.path.join(self.tmp, "r.sarif")
        self.assertEqual(self.keyward("--format", "sarif", "-o", out).rc, 1)
        with open(out) as f:
            self.assertNoSecret(f.read(), self.token)
        # --show-secrets shows the path as it is.
        r = self.keyward("--format", "json", "--show-secrets")
        self.assertIn(self.path, r.out)

    def test_directory_name(self):
        self.write(f"keys/{self.token}/a.txt", "a\n")
        self.git("add", "-A")
        r = self.commit("add")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertNoSecret(r.all, self.token)

    def test_directory_name_deep_in_a_long_path(self):
        # History scans each path's end (its last name and 1 KiB before it), not whole
        # paths: a token in a directory with kilobytes of path above and below it is still
        # found, in the directory's own path, and the report names the whole path.
        above = "/".join(["p" * 200] * 8)
        below = "/".join(["q" * 200] * 8)
        rel = f"{above}/{self.token}/{below}/a.txt"
        self.write(rel, "a\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("add", "--no-verify").rc, 0)
        for args in (["--all-history"], ["--range", f"{self.base}..HEAD"]):
            found = self.assert_name_found(self.keyward(*args, "--format", "json"), args)
            for f in found:
                # Line and columns point at the token inside the whole path (masked there).
                self.assertEqual(f["line"], 1, args)
                self.assertEqual(f["column"] - 1, len(above) + 1, args)
                self.assertEqual(f["end_column"] - f["column"], len(self.token), args)
                self.assertTrue(f["path"].startswith(above + "/"), args)

    def test_rename_into_a_secret_name(self):
        self.git("mv", "README.md", f"{self.token}.md")
        r = self.commit("rename")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(self.head(), self.base)

    def test_history_range_push_and_disk(self):
        self.add_named_file()
        self.assertEqual(self.commit("add", "--no-verify").rc, 0)
        self.assert_name_found(self.keyward("--all-history", "--format", "json"), "--all-history")
        self.assert_name_found(self.keyward("--range", f"{self.base}..HEAD", "--format", "json"), "--range")
        self.assert_name_found(self.keyward("--format", "json", "exports"), "disk")
        self.assert_name_found(self.keyward("--format", "json", "."), "disk .")
        head = self.head()
        r = self.keyward("--hook", "pre-push", "origin", self.remote, "--format", "json",
                         input=f"refs/heads/main {head} refs/heads/main {self.base}\n")
        self.assert_name_found(r, "pre-push json")
        r = self.git("push", "origin", "main", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertNoSecret(r.all, self.token)
        self.assertEqual(self.git("--git-dir", self.remote, "rev-parse", "main").out.strip(), self.base)

    def test_same_content_elsewhere_in_history(self):
        # The blob is not new (README.md's content): only the name is.
        self.write(f"{self.token}.txt", "base\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("copy", "--no-verify").rc, 0)
        self.assert_name_found(self.keyward("--all-history", "--format", "json"), "--all-history")

    def test_allowlisted_path(self):
        self.write(".keyward.toml", '[allowlist]\npaths = ["exports/"]\n')
        self.add_named_file()
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 0, r.all)

    def test_clean_names_stay_clean(self):
        self.write("src/app.py", "x = 1\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("app").rc, 0)
        self.assertEqual(self.keyward("--all-history").rc, 0)


class RefNames(NamesBase):
    def test_branch_and_tag_name_push_refused(self):
        for ref in (f"refs/heads/ci/{self.token}", f"refs/tags/{self.token}"):
            r = self.git("push", "origin", f"main:{ref}", check=False)
            self.assertNotEqual(r.rc, 0, r.all)
            self.assertIn("(in the ref name)", r.all)
            self.assertNoSecret(r.all, self.token)
            refs = self.git("--git-dir", self.remote, "for-each-ref").out
            self.assertNotIn(self.token, refs)
        head = self.head()
        r = self.keyward("--hook", "pre-push", "origin", self.remote, "--format", "json",
                         input=f"refs/heads/main {head} refs/heads/x/{self.token} {'0' * 40}\n")
        self.assert_name_found(r, "pre-push json", kind="ref name")
        # Deleting such a branch publishes nothing: allowed.
        r = self.keyward("--hook", "pre-push", "origin", self.remote,
                         input=f"(delete) {'0' * 40} refs/heads/x/{self.token} {head}\n")
        self.assertEqual(r.rc, 0, r.all)

    def test_pre_receive(self):
        server = os.path.join(self.tmp, "server.git")
        self.git("init", "-q", "--bare", "-b", "main", server, cwd=self.tmp)
        self.assertEqual(self.keyward("install", cwd=server).rc, 0)
        url = "file://" + server
        self.assertEqual(self.git("push", "--no-verify", url, "main", check=False).rc, 0)
        r = self.git("push", "--no-verify", url, f"main:refs/heads/ci/{self.token}", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("pre-receive hook declined", r.all)
        self.assertIn("(in the ref name)", r.all)
        # git itself repeats the ref name it was given ("! [remote rejected] main -> ci/..."):
        # what keyward prints (the remote: lines) is masked.
        remote_lines = "\n".join(l for l in r.all.splitlines() if l.startswith("remote:"))
        self.assertNoSecret(remote_lines, self.token)
        self.assertNotIn(self.token, self.git("--git-dir", server, "for-each-ref").out)
        self.write(f"{self.token}.txt", "x\n")
        self.git("add", "-A")
        self.assertEqual(self.commit("name", "--no-verify").rc, 0)
        r = self.git("push", "--no-verify", url, "main", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertNoSecret(r.all, self.token)


if __name__ == "__main__":
    import unittest
    unittest.main()
