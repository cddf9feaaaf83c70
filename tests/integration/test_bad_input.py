"""Bad input: every case gives a correct scan, or exit 2 with one clear sentence and how to
bypass on purpose. Never a crash, never a hang, never a silent pass.

Each test builds a real repository, breaks it the way real repositories get broken, and
runs the real hook through `git commit` (or keyward itself where git refuses first).
"""
import glob
import json
import os
import shutil
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


class BadInputCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.secret = fake_hf_token(seed=7)

    # --- helpers ---------------------------------------------------------------------
    def fresh_repo(self):
        self.init_repo()
        self.write("README.md", "hello\n")
        self.git("add", "README.md")
        r = self.commit("first")
        self.assertEqual(r.rc, 0, r.all)

    def assertNoCrash(self, r):
        """A process that ran to an orderly exit: no signal, no sanitizer, no C++ abort."""
        self.assertGreaterEqual(r.rc, 0, f"killed by signal {-r.rc}:\n{r.all}")
        self.assertNotIn(r.rc, (134, 136, 139), f"crash-like exit status:\n{r.all}")
        for bad in ("Sanitizer", "runtime error:", "terminate called", "Segmentation fault",
                    "core dumped", "Assertion", "Traceback"):
            self.assertNotIn(bad, r.all, f"crash marker {bad!r} in output:\n{r.all}")

    def assertCleanError(self, r, *mentions, bypass=True):
        """Exit 2 with a 'keyward: error:' sentence naming what failed (and the bypass)."""
        self.assertNoCrash(r)
        self.assertEqual(r.rc, 2, f"expected exit 2:\n{r.all}")
        self.assertIn("keyward: error:", r.err)
        for m in mentions:
            self.assertIn(m, r.err)
        if bypass:
            self.assertIn("--no-verify", r.err)
            self.assertIn("KEYWARD_SKIP=1", r.err)
        self.assertNoSecret(r.all, self.secret)

    def assertFound(self, r):
        self.assertNoCrash(r)
        self.assertEqual(r.rc, 1, f"the secret should be found:\n{r.all}")
        self.assertIn("huggingface", r.all)
        self.assertNoSecret(r.all, self.secret)

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def assertNotCommitted(self, before):
        self.assertEqual(self.head(), before, "the commit went through")


class IndexTest(BadInputCase):
    def test_corrupt_index(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        index = os.path.join(self.repo, ".git", "index")
        data = bytearray(read_bytes(index))
        for i in range(12, len(data) - 20, 7):  # keep the header, scramble the entries
            data[i] ^= 0x5A
        write_bytes(index, bytes(data))
        r = self.keyward("--hook", "pre-commit")
        self.assertCleanError(r, "index")

    def test_truncated_index(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        index = os.path.join(self.repo, ".git", "index")
        data = read_bytes(index)
        for cut in (0, 5, 12, len(data) // 2, len(data) - 1):
            with self.subTest(cut=cut):
                write_bytes(index, data[:cut])
                r = self.keyward("--hook", "pre-commit")
                if cut == 0:
                    # An empty index file reads as an empty index in git too; then nothing
                    # is staged and there is nothing to block.
                    self.assertNoCrash(r)
                    self.assertIn(r.rc, (0, 2), r.all)
                else:
                    self.assertCleanError(r, "index")

    def test_libgit2_reference_path_on_corrupt_index(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        index = os.path.join(self.repo, ".git", "index")
        data = read_bytes(index)
        write_bytes(index, data[: len(data) - 7])
        r = self.keyward("--hook", "pre-commit", env={"KEYWARD_INDEX": "libgit2"})
        self.assertCleanError(r, "index")


class MissingObjectsTest(BadInputCase):
    def test_deleted_loose_object_is_reported_not_skipped(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        oid = self.git("rev-parse", ":a.txt").out.strip()
        os.remove(os.path.join(self.repo, ".git", "objects", oid[:2], oid[2:]))
        r = self.keyward("--hook", "pre-commit")
        self.assertCleanError(r, "a.txt")
        self.assertIn(oid[:7], r.err)

    def test_partial_clone_never_fetches(self):
        # A source repository whose history holds a file, and a blobless clone of it.
        src = os.path.join(self.tmp, "src")
        self.init_repo(src, hook=False)
        self.git("config", "uploadpack.allowFilter", "true", cwd=src)
        with open(os.path.join(src, "conf.py"), "w") as f:
            f.write("".join(f"line {i}\n" for i in range(50)))
        self.git("add", "conf.py", cwd=src)
        self.git("commit", "-qm", "base", cwd=src)
        self.git("clone", "-q", "--no-checkout", "--filter=blob:none", "file://" + src, self.repo,
                 cwd=self.tmp)
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        # Index from HEAD's tree without fetching a blob; then change the file.
        self.git("read-tree", "HEAD")
        self.write("conf.py", "".join(f"line {i}\n" for i in range(50)) + f"token = {self.secret}\n")
        self.git("add", "conf.py")
        # The remote goes away: a fetch attempt would fail loudly rather than pass quietly.
        shutil.rmtree(src)
        objects_before = sorted(glob.glob(os.path.join(self.repo, ".git", "objects", "**"), recursive=True))
        r = self.keyward("--hook", "pre-commit")
        self.assertNoCrash(r)
        self.assertNoSecret(r.all, self.secret)
        # The new blob is local: either the secret is found (HEAD's side treated as
        # unreadable and every line as added), or the scan says what it could not read.
        if r.rc == 2:
            self.assertCleanError(r, "conf.py")
        else:
            self.assertEqual(r.rc, 1, r.all)
        objects_after = sorted(glob.glob(os.path.join(self.repo, ".git", "objects", "**"), recursive=True))
        self.assertEqual(objects_before, objects_after, "keyward fetched or wrote objects")


class HeadStatesTest(BadInputCase):
    def test_unborn_head(self):
        self.init_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        r = self.commit("first")
        self.assertBlocked(r)
        self.assertFound(self.keyward("--hook", "pre-commit"))
        self.assertEqual(self.git("rev-parse", "--verify", "-q", "HEAD", check=False).rc, 1)
        self.write("a.txt", "nothing here\n")
        self.git("add", "a.txt")
        self.assertEqual(self.commit("first").rc, 0)

    def test_detached_head(self):
        self.fresh_repo()
        self.git("checkout", "-q", "--detach")
        before = self.head()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        self.assertBlocked(self.commit())
        self.assertNotCommitted(before)
        self.write("a.txt", "clean\n")
        self.git("add", "a.txt")
        self.assertEqual(self.commit().rc, 0)

    def conflict(self):
        """main and topic both change a.txt; returns after the conflicting merge started."""
        self.fresh_repo()
        self.write("a.txt", "base\n")
        self.git("add", "a.txt")
        self.assertEqual(self.commit("base").rc, 0)
        self.git("checkout", "-q", "-b", "topic")
        self.write("a.txt", "topic\n")
        self.git("commit", "-qam", "topic")
        self.git("checkout", "-q", "main")
        self.write("a.txt", "main\n")
        self.git("commit", "-qam", "main")

    def test_merge_in_progress(self):
        self.conflict()
        r = self.git("merge", "topic", check=False)
        self.assertNotEqual(r.rc, 0)
        # Conflict stages in the index: keyward must not crash on them.
        r = self.keyward("--hook", "pre-commit")
        self.assertNoCrash(r)
        self.assertIn(r.rc, (0, 2), r.all)
        # Resolve with a secret: the merge commit is blocked.
        before = self.head()
        self.write("a.txt", f"merged\ntoken = {self.secret}\n")
        self.git("add", "a.txt")
        self.assertBlocked(self.git("commit", "--no-edit", check=False))
        self.assertNotCommitted(before)
        # Resolve cleanly: the merge commit goes through with two parents.
        self.write("a.txt", "merged\n")
        self.git("add", "a.txt")
        r = self.git("commit", "--no-edit", check=False)
        self.assertEqual(r.rc, 0, r.all)
        parents = self.git("rev-list", "--parents", "-n1", "HEAD").out.split()
        self.assertEqual(len(parents), 3)

    def test_rebase_in_progress(self):
        self.conflict()
        self.git("checkout", "-q", "topic")
        r = self.git("rebase", "main", check=False, env={"GIT_EDITOR": "true"})
        self.assertNotEqual(r.rc, 0)
        self.assertTrue(os.path.isdir(os.path.join(self.repo, ".git", "rebase-merge")) or
                        os.path.isdir(os.path.join(self.repo, ".git", "rebase-apply")))
        before = self.head()
        self.write("a.txt", f"topic on main\ntoken = {self.secret}\n")
        self.git("add", "a.txt")
        r = self.keyward("--hook", "pre-commit")
        self.assertFound(r)
        self.assertBlocked(self.git("commit", "--no-edit", check=False))
        self.assertNotCommitted(before)
        self.write("a.txt", "topic on main\n")
        self.git("add", "a.txt")
        r = self.git("rebase", "--continue", check=False, env={"GIT_EDITOR": "true"})
        self.assertEqual(r.rc, 0, r.all)


class TreeContentTest(BadInputCase):
    def test_submodule_is_skipped_with_a_note(self):
        sub = os.path.join(self.tmp, "sub")
        self.init_repo(sub, hook=False)
        with open(os.path.join(sub, "s.txt"), "w") as f:
            f.write("sub\n")
        self.git("add", "s.txt", cwd=sub)
        self.git("commit", "-qm", "sub", cwd=sub)
        self.fresh_repo()
        self.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "lib/sub")
        r = self.keyward("--hook", "pre-commit", "-v")
        self.assertNoCrash(r)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("lib/sub", r.all)
        self.assertIn("submodule", r.all)
        self.assertEqual(self.commit("add submodule").rc, 0)

    def test_symlinks(self):
        self.fresh_repo()
        outside = os.path.join(self.tmp, "outside.txt")
        with open(outside, "w") as f:
            f.write(f"token = {self.secret}\n")
        # A link to a secret outside the repository commits only the link's target path.
        os.symlink(outside, os.path.join(self.repo, "link"))
        os.symlink("link", os.path.join(self.repo, "loop-a"))
        os.symlink("loop-b", os.path.join(self.repo, "loop-b"))  # a self loop
        self.git("add", "link", "loop-a", "loop-b")
        r = self.commit("links")
        self.assertEqual(r.rc, 0, r.all)
        # A link whose target *is* a token puts the token into git: that is found.
        os.symlink(self.secret, os.path.join(self.repo, "tokenlink"))
        self.git("add", "tokenlink")
        self.assertBlocked(self.commit("token link"))
        # Disk mode over a tree with link loops terminates.
        r = self.keyward(self.repo)
        self.assertNoCrash(r)
        self.assertIn(r.rc, (0, 1), r.all)

    def test_non_utf8_path(self):
        self.fresh_repo()
        name = b"caf\xe9-\xff\xfe.txt"
        with open(os.path.join(self.repo.encode(), name), "wb") as f:
            f.write(f"token = {self.secret}\n".encode())
        self.git("add", "-A")
        self.assertBlocked(self.commit())
        r = self.keyward("--hook", "pre-commit", "--format", "json")
        self.assertNoCrash(r)
        self.assertEqual(r.rc, 1, r.all)
        doc = json.loads(r.out)  # still valid JSON
        self.assertEqual(len(doc["findings"]), 1)
        self.assertIn("caf", doc["findings"][0]["path"])
        r = self.keyward("--hook", "pre-commit", "--format", "sarif")
        self.assertEqual(r.rc, 1, r.all)
        json.loads(r.out)

    def test_very_long_path(self):
        self.fresh_repo()
        parts = ["d" + str(i) + "x" * 200 for i in range(12)]  # ~2.4 KB of path
        rel = "/".join(parts) + "/secret.txt"
        self.write(rel, f"token = {self.secret}\n")
        self.git("add", "-A")
        self.assertBlocked(self.commit())
        r = self.keyward("--hook", "pre-commit", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(json.loads(r.out)["findings"][0]["path"], rel)

    def test_lfs_pointer_is_noted_not_scanned(self):
        self.fresh_repo()
        pointer = ("version https://git-lfs.github.com/spec/v1\n"
                   "oid sha256:" + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393" + "\n"
                   "size 12345\n")
        self.write("model.bin", pointer)
        self.git("add", "model.bin")
        r = self.keyward("--hook", "pre-commit", "-v")
        self.assertNoCrash(r)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("LFS", r.all)
        self.assertEqual(self.commit().rc, 0)

    def test_lfs_lookalike_with_a_secret_is_scanned(self):
        # Starting like a pointer must not buy a file a pass.
        self.fresh_repo()
        fake = ("version https://git-lfs.github.com/spec/v1\n"
                "oid sha256:" + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393" + "\n"
                "size 12345\n"
                f"token = {self.secret}\n")
        self.write("model.bin", fake)
        self.git("add", "model.bin")
        self.assertFound(self.keyward("--hook", "pre-commit"))
        self.assertBlocked(self.commit())


class SizeAndShapeTest(BadInputCase):
    def test_100_mb_blob(self):
        self.fresh_repo()
        chunk = ("".join(chr(97 + (i * 7) % 26) for i in range(99)) + "\n").encode()
        path = os.path.join(self.repo, "big.txt")
        with open(path, "wb") as f:
            f.write(chunk * ((50 << 20) // len(chunk) + 1))
            f.write(f"token = {self.secret}\n".encode())
            f.write(chunk * ((50 << 20) // len(chunk) + 1))
        self.assertGreater(os.path.getsize(path), 100 << 20)
        self.git("add", "big.txt")
        r = self.keyward("--hook", "pre-commit")
        self.assertNoCrash(r)
        # 100 MB is well within what keyward scans: the token must be found, not given up on.
        self.assertFound(r)
        self.assertBlocked(self.commit())

    def test_1_mb_single_line(self):
        self.fresh_repo()
        half = "".join('{"k%d":"v%d"},' % (i, i) for i in range(40000))
        line = "[" + half + '{"token":"' + self.secret + '"},' + half + "{}]"
        self.assertGreater(len(line), 1 << 20)
        self.write("min.json", line)
        self.git("add", "min.json")
        r = self.keyward("--hook", "pre-commit")
        self.assertFound(r)
        # The diagnostic shows a window of the line, not a megabyte of it.
        self.assertLess(max(len(l) for l in r.out.splitlines()), 4096)
        r = self.keyward("--hook", "pre-commit", "--format", "json")
        f = json.loads(r.out)["findings"][0]
        self.assertEqual(f["line"], 1)
        self.assertEqual(f["column"], line.index(self.secret) + 1)

    def test_deeply_nested_json(self):
        self.fresh_repo()
        depth = 200000
        self.write("deep.json", "[" * depth + '"' + self.secret + '"' + "]" * depth + "\n")
        self.write("deep2.json", '{"a":' * depth + '"' + self.secret + '"' + "}" * depth + "\n")
        self.write("unbalanced.json", "[" * depth + '{"token": "' + self.secret + '"\n')
        self.git("add", "-A")
        r = self.keyward("--hook", "pre-commit", "--format", "json")
        self.assertFound(r)
        paths = sorted(f["path"] for f in json.loads(r.out)["findings"])
        self.assertEqual(paths, ["deep.json", "deep2.json", "unbalanced.json"])

    def test_notebook_that_is_not_json(self):
        self.fresh_repo()
        broken = ('{"cells": [{"cell_type": "code", "source": ["import os\\n", '
                  '"os.environ[\\"HF_TOKEN\\"] = \\"' + self.secret + '\\"\\n"')  # truncated
        self.write("broken.ipynb", broken)
        self.write("garbage.ipynb", "\x00\xff not json at all " + f"HF_TOKEN={self.secret}\n")
        self.write("empty.ipynb", "")
        self.git("add", "-A")
        r = self.keyward("--hook", "pre-commit", "--format", "json")
        self.assertFound(r)
        paths = sorted({f["path"] for f in json.loads(r.out)["findings"]})
        self.assertEqual(paths, ["broken.ipynb", "garbage.ipynb"])
        self.assertBlocked(self.commit())

    def test_binary_garbage(self):
        self.fresh_repo()
        with open(os.path.join(self.repo, "blob.bin"), "wb") as f:
            f.write(os.urandom(1 << 20) + b"\0" + f"token={self.secret}\n".encode() + os.urandom(4096))
        self.git("add", "blob.bin")
        self.assertFound(self.keyward("--hook", "pre-commit"))


class ConfigTest(BadInputCase):
    # The pattern cache's own failures (unwritable, interrupted, stale) are in
    # test_cache_dir.py: each costs cold compiles, measured in the release build.
    def test_bad_toml_names_file_and_line(self):
        self.fresh_repo()
        self.write(".keyward.toml", "[allowlist]\npaths = [\"docs/**\"\nregexes = 3\n")
        self.write("a.txt", "clean\n")
        self.git("add", "a.txt", ".keyward.toml")  # the hook takes the staged config
        before = self.head()
        r = self.commit()
        self.assertBlocked(r)
        self.assertNotCommitted(before)
        r = self.keyward("--hook", "pre-commit")
        self.assertCleanError(r, ".keyward.toml:")
        self.assertRegex(r.err, r"\.keyward\.toml:\d+")
        # Unknown sections are errors too, not silently ignored settings.
        self.write(".keyward.toml", "[allowlst]\npaths = []\n")
        self.git("add", ".keyward.toml")
        self.assertCleanError(self.keyward("--hook", "pre-commit"), ".keyward.toml:1")

    def test_unreadable_config(self):
        self.fresh_repo()
        # Tests run as root, where chmod 000 does not bite: a directory cannot be read either.
        os.makedirs(os.path.join(self.repo, ".keyward.toml"))
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        # Run by hand, keyward reads the working tree's config (the hook reads the staged one).
        r = self.keyward()
        self.assertCleanError(r, ".keyward.toml", bypass=False)  # by hand: no commit to bypass
        r = self.keyward("--hook", "pre-commit", "--config", os.path.join(self.tmp, "missing.toml"))
        self.assertCleanError(r, "missing.toml")
        if os.geteuid() != 0:
            shutil.rmtree(os.path.join(self.repo, ".keyward.toml"))
            p = self.write(".keyward.toml", "")
            os.chmod(p, 0)
            self.assertCleanError(self.keyward("--hook", "pre-commit"), ".keyward.toml")


class FailClosedTest(BadInputCase):
    def test_missing_binary_blocks_the_commit(self):
        self.fresh_repo()
        self.write("a.txt", "clean\n")
        self.git("add", "a.txt")
        before = self.head()
        r = self.git("commit", "-m", "x", check=False,
                     env={"KEYWARD_BIN": os.path.join(self.tmp, "gone"), "PATH": "/usr/bin:/bin"})
        self.assertBlocked(r)
        self.assertIn("not installed", r.err)
        self.assertIn("--no-verify", r.err)
        self.assertNotCommitted(before)

    def test_crashing_binary_blocks_the_commit(self):
        self.fresh_repo()
        crash = os.path.join(self.tmp, "crashing-keyward")
        with open(crash, "w") as f:
            f.write("#!/bin/sh\nkill -SEGV $$\n")
        os.chmod(crash, 0o755)
        self.write("a.txt", "clean\n")
        self.git("add", "a.txt")
        before = self.head()
        self.assertBlocked(self.git("commit", "-m", "x", check=False, env={"KEYWARD_BIN": crash}))
        self.assertNotCommitted(before)

    def test_bypass_is_conscious_and_says_so(self):
        self.fresh_repo()
        self.write("a.txt", f"token = {self.secret}\n")
        self.git("add", "a.txt")
        r = self.git("commit", "-m", "x", check=False, env={"KEYWARD_SKIP": "1"})
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("KEYWARD_SKIP=1", r.err)
        self.assertIn("nothing was scanned", r.err)

    def test_not_a_repository(self):
        os.makedirs(self.repo)
        r = self.keyward("--hook", "pre-commit")
        self.assertCleanError(r, "not a git repository")


if __name__ == "__main__":
    unittest.main()
