"""History, range and pre-push cases that used to pass silently or crash: pushes to a
second remote, tags of blobs and trees, corrupt and missing objects, alternates given by
the environment, path allowlists judged per place, reflog-only commits, very deep trees,
and scans that must not write into the repository. Real git, real bare remotes, real
`git push` through the installed hook; tokens are built at run time."""
import hashlib
import os
import struct
import subprocess
import unittest
import zlib

from kwtest import KEYWARD, RepoTestCase, fake_hf_token

RULE = "huggingface-user-token"


class Case(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=41)
        self.base = self.commit_file("README.md", "hello\n")

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def commit_file(self, rel, content, message="change"):
        self.write(rel, content)
        self.git("add", rel)
        self.git("commit", "-qm", message, "--no-verify")
        return self.head()

    def scan(self, *args, **kw):
        r = self.keyward(*args, "--format", "json", **kw)
        self.assertNoSecret(r.all, self.secret)
        return r

    def findings(self, r):
        self.assertIn(r.rc, (0, 1), r.all)
        return r.json()["findings"]

    def loose_path(self, oid):
        return os.path.join(self.repo, ".git", "objects", oid[:2], oid[2:])


class PushCase(Case):
    """A private remote `private` (already holding main) and a public bare repository."""

    def setUp(self):
        super().setUp()
        self.private = os.path.join(self.tmp, "private.git")
        self.public = os.path.join(self.tmp, "public.git")
        for p in (self.private, self.public):
            self.git("init", "-q", "--bare", p, cwd=self.tmp)
        self.git("remote", "add", "private", self.private)
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        r = self.git("push", "-q", "private", "main", check=False)
        self.assertEqual(r.rc, 0, r.all)

    def push(self, *args):
        r = self.git("push", *args, check=False)
        self.assertNoSecret(r.all, self.secret)
        return r

    def has(self, bare, ref):
        return self.git("--git-dir", bare, "rev-parse", "--verify", "-q", ref, check=False).rc == 0


# --- issue 11 item 4: hide only what the destination already has ----------------------
class PushDestinationTest(PushCase):
    def test_secret_on_another_remote_blocks_push_to_a_second_remote(self):
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        r = self.push("--no-verify", "private", "main")
        self.assertEqual(r.rc, 0, r.all)
        self.git("remote", "add", "public", self.public)
        r = self.push("public", "main")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn(RULE, r.all)
        self.assertIn("leak.py", r.all)
        self.assertFalse(self.has(self.public, "refs/heads/main"))

    def test_secret_on_another_remote_blocks_push_to_a_url(self):
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        self.assertEqual(self.push("--no-verify", "private", "main").rc, 0)
        r = self.push(self.public, "main")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn(RULE, r.all)
        self.assertFalse(self.has(self.public, "refs/heads/main"))

    def test_the_destinations_own_refs_are_hidden(self):
        # Already on the public remote (pushed on purpose): a later clean push passes.
        self.git("remote", "add", "public", self.public)
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        self.assertEqual(self.push("--no-verify", "public", "main").rc, 0)
        self.commit_file("ok.py", "x = 1\n")
        r = self.push("public", "main")
        self.assertEqual(r.rc, 0, r.all)

    def test_remote_oids_on_stdin_are_hidden_for_every_ref(self):
        # Pushing to a URL has no remote-tracking refs: what git says the destination has
        # (main's old tip, which holds the secret) hides it for the new branch too.
        self.commit_file("leak.py", f"k = '{self.secret}'\n")
        self.assertEqual(self.push("--no-verify", self.public, "main").rc, 0)
        self.git("checkout", "-q", "-b", "topic")
        self.commit_file("topic.py", "t = 1\n")
        self.git("checkout", "-q", "main")
        self.commit_file("main.py", "m = 1\n")
        r = self.push(self.public, "main", "topic")
        self.assertEqual(r.rc, 0, r.all)
        self.assertTrue(self.has(self.public, "refs/heads/topic"))


# --- issue 11 item 5: tags of blobs and trees --------------------------------------------
class TagOfBlobOrTreeTest(PushCase):
    def make_blob(self):
        return self.git("hash-object", "-w", "--stdin", input=f"HF={self.secret}\n").out.strip()

    def make_tree(self, blob):
        return self.git("mktree", input=f"100644 blob {blob}\tcreds.env\n").out.strip()

    def test_push_lightweight_tag_of_a_blob(self):
        self.git("tag", "t", self.make_blob())
        r = self.push("private", "t")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn(RULE, r.all)
        self.assertFalse(self.has(self.private, "refs/tags/t"))

    def test_push_annotated_tags_of_a_blob_and_of_a_tree(self):
        blob = self.make_blob()
        self.git("tag", "-a", "ab", "-m", "blob", blob)
        r = self.push("private", "ab")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertFalse(self.has(self.private, "refs/tags/ab"))
        self.git("tag", "-a", "at", "-m", "tree", self.make_tree(blob))
        r = self.push("private", "at")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("creds.env", r.all)
        self.assertFalse(self.has(self.private, "refs/tags/at"))

    def test_push_lightweight_tag_of_a_tree(self):
        self.git("tag", "tt", self.make_tree(self.make_blob()))
        r = self.push("private", "tt")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("creds.env", r.all)

    def test_range_and_history_scan_tags_of_blobs_and_trees(self):
        blob = self.make_blob()
        self.git("tag", "-a", "ab", "-m", "blob", blob)
        self.git("tag", "tt", self.make_tree(blob))
        for spec in ("ab", "tt", "refs/tags/ab"):
            r = self.scan("--range", spec)
            found = self.findings(r)
            self.assertEqual(r.rc, 1, (spec, r.all))
            self.assertEqual([f["rule"] for f in found], [RULE], r.all)
        r = self.scan("--all-history")
        found = self.findings(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(len(found), 1, found)
        where = [found[0]["path"]] + [p["path"] for p in found[0].get("other_places", [])]
        self.assertTrue(any("creds.env" in w for w in where), found)
        # A tagged blob is named by its tag, not called unreachable.
        self.git("tag", "-d", "tt")
        found = self.findings(self.scan("--all-history"))
        self.assertIn("refs/tags/ab", found[0]["path"], found)
        self.assertNotIn("unreachable", found[0]["path"])


# --- issue 11 item 11: corrupt and missing objects, alternates --------------------------
class MissingObjectsTest(Case):
    def setUp(self):
        super().setUp()
        self.commit_file("dir/leak.py", f"k = '{self.secret}'\n", "leak")
        self.leak = self.head()
        self.tip = self.commit_file("later.txt", "later\n", "later")

    def assertIncomplete(self, r, oid):
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn(oid, r.err)
        self.assertNotIn("no findings", r.all)

    def test_deleted_loose_blob(self):
        blob = self.git("rev-parse", "HEAD:dir/leak.py").out.strip()
        os.remove(self.loose_path(blob))
        self.assertIncomplete(self.keyward("--all-history"), blob)
        self.assertIncomplete(self.keyward("--range", f"{self.base}..HEAD"), blob)
        self.assertIncomplete(self.scan("--all-history"), blob)

    def test_deleted_loose_tree(self):
        tree = self.git("rev-parse", "HEAD:dir").out.strip()
        os.remove(self.loose_path(tree))
        self.assertIncomplete(self.keyward("--all-history"), tree)
        self.assertIncomplete(self.keyward("--range", f"{self.base}..HEAD"), tree)

    def test_deleted_loose_commit(self):
        os.remove(self.loose_path(self.leak))
        self.assertIncomplete(self.keyward("--all-history"), self.leak)
        self.assertIncomplete(self.keyward("--range", f"{self.base}..HEAD"), self.leak)

    def test_flipped_byte_in_a_pack(self):
        self.git("-c", "pack.compression=0", "repack", "-adq")
        self.git("prune-packed")
        blob = self.git("rev-parse", "HEAD:dir/leak.py").out.strip()
        packdir = os.path.join(self.repo, ".git", "objects", "pack")
        pack = [os.path.join(packdir, n) for n in os.listdir(packdir) if n.endswith(".pack")][0]
        os.chmod(pack, 0o644)
        with open(pack, "rb") as f:
            data = bytearray(f.read())
        at = data.find(self.secret.encode())
        self.assertGreater(at, 0)  # stored, not compressed: the bytes are there as they are
        data[at] = ord("#")        # the token no longer matches any rule
        with open(pack, "wb") as f:
            f.write(bytes(data))
        self.assertIncomplete(self.keyward("--all-history"), blob)
        self.assertIncomplete(self.keyward("--range", f"{self.base}..HEAD"), blob)

    def test_objects_only_in_an_alternate_given_by_the_environment(self):
        work = os.path.join(self.tmp, "work")
        self.git("clone", "-q", "--shared", self.repo, work, cwd=self.tmp)
        os.remove(os.path.join(work, ".git", "objects", "info", "alternates"))
        env = {"GIT_ALTERNATE_OBJECT_DIRECTORIES": os.path.join(self.repo, ".git", "objects")}
        self.assertEqual(self.git("cat-file", "-e", f"{self.leak}:dir/leak.py", cwd=work, env=env).rc, 0)
        for args in (["--all-history"], ["--range", f"{self.base}..origin/main"]):
            for jobs in ("1", "3"):
                r = self.scan(*args, "-j", jobs, cwd=work, env=env)
                self.assertEqual(r.rc, 1, (args, r.all))
                self.assertEqual([f["path"] for f in r.json()["findings"]], ["dir/leak.py"])


class IncompleteClonesTest(Case):
    def setUp(self):
        super().setUp()
        self.commit_file("old.py", f"k = '{self.secret}'\n")
        self.git("rm", "-q", "old.py")
        self.git("commit", "-qm", "rm")
        self.commit_file("new.txt", "new\n")

    def test_shallow_clone_warns_on_every_run_and_strict_fails(self):
        clone = os.path.join(self.tmp, "shallow")
        self.git("clone", "-q", "--depth", "1", "file://" + self.repo, clone, cwd=self.tmp)
        r = self.keyward("--all-history", cwd=clone)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("shallow", r.err)
        self.assertIn("not scanned", r.err)
        r = self.keyward("--all-history", "--quiet", cwd=clone)
        self.assertIn("shallow", r.err)
        r = self.keyward("--all-history", "--strict", cwd=clone)
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("shallow", r.err)

    def test_partial_clone_warns_on_every_run_and_strict_fails(self):
        self.git("config", "uploadpack.allowFilter", "true")
        clone = os.path.join(self.tmp, "partial")
        self.git("clone", "-q", "--filter=blob:none", "file://" + self.repo, clone, cwd=self.tmp)
        r = self.keyward("--all-history", cwd=clone)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("missing from the object database", r.err)
        r = self.keyward("--all-history", "--strict", cwd=clone)
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("missing from the object database", r.err)

    def test_strict_is_documented(self):
        r = self.keyward("--help")
        self.assertIn("--strict", r.out)


# --- issue 11 item 15: path allowlists judged at each place -----------------------------
class AllowlistPerPlaceTest(PushCase):
    CONFIGS = {
        "per-rule allow_paths": f'[rule.{RULE}]\nallow_paths = ["tests/"]\n',
        "global path_regexes": "[allowlist]\npath_regexes = ['^tests/']\n",
        # issue 12: a whole-path allowlist, which the walk judges before reading the blob.
        "global paths": '[allowlist]\npaths = ["tests/**"]\n',
    }

    def history_with_the_blob_at_two_places(self, config):
        self.write(".keyward.toml", config)
        content = f"v = '{self.secret}'\n"
        first = self.commit_file("tests/fixture.py", content)   # seen first, allowlisted
        second = self.commit_file("src/settings.py", content)   # the same blob, not allowlisted
        return first, second

    def test_history_and_range(self):
        for name, config in self.CONFIGS.items():
            with self.subTest(name):
                self.git("reset", "-q", "--hard", self.base)
                self.git("reflog", "expire", "--expire=now", "--all")
                _, second = self.history_with_the_blob_at_two_places(config)
                for args in (["--all-history"], ["--range", f"{self.base}..HEAD"]):
                    r = self.scan(*args)
                    found = self.findings(r)
                    self.assertEqual(r.rc, 1, (args, r.all))
                    self.assertEqual(len(found), 1, found)
                    self.assertEqual(found[0]["path"], "src/settings.py")
                    self.assertEqual(found[0]["commit"], second)
                    self.assertEqual(found[0]["other_places"], [])

    def test_rename_out_of_an_allowlisted_path_in_history(self):
        self.write(".keyward.toml", self.CONFIGS["per-rule allow_paths"])
        self.commit_file("tests/fixture.py", f"v = '{self.secret}'\n")
        os.makedirs(os.path.join(self.repo, "src"))
        self.git("mv", "tests/fixture.py", "src/settings.py")
        self.git("commit", "-qm", "move", "--no-verify")
        moved = self.head()
        found = self.findings(self.scan("--all-history"))
        self.assertEqual([(f["path"], f["commit"]) for f in found], [("src/settings.py", moved)])

    def test_pre_push(self):
        self.history_with_the_blob_at_two_places(self.CONFIGS["per-rule allow_paths"])
        r = self.push("private", "main")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("src/settings.py", r.all)
        self.assertNotIn("tests/fixture.py", r.all)

    def test_only_allowlisted_places_stay_quiet(self):
        self.write(".keyward.toml", self.CONFIGS["per-rule allow_paths"])
        self.commit_file("tests/fixture.py", f"v = '{self.secret}'\n")
        self.commit_file("tests/other.py", f"v = '{self.secret}'\n")
        for args in (["--all-history"], ["--range", f"{self.base}..HEAD"]):
            r = self.scan(*args)
            self.assertEqual(r.rc, 0, r.all)
        r = self.push("private", "main")
        self.assertEqual(r.rc, 0, r.all)


# --- issue 11 item 17: reflogs ------------------------------------------------------------
class ReflogTest(Case):
    def test_commit_reset_away_is_found_and_marked(self):
        c = self.commit_file("amend.py", f"k = '{self.secret}'\n")
        self.git("reset", "-q", "--hard", "HEAD~1")
        r = self.scan("--all-history")
        found = self.findings(r)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([(f["path"], f["commit"]) for f in found], [("amend.py", c)])
        self.assertEqual(found[0]["reachable"], "reflog")
        r = self.keyward("--all-history", "--no-color")
        self.assertEqual(r.rc, 1)
        self.assertIn("reachable only from a reflog", r.out)
        self.assertNoSecret(r.all, self.secret)

    def test_deleted_branch_is_found_through_its_reflog_and_heads(self):
        self.git("checkout", "-q", "-b", "feature")
        c = self.commit_file("feature.py", f"k = '{self.secret}'\n")
        self.git("checkout", "-q", "main")
        self.git("branch", "-q", "-D", "feature")
        found = self.findings(self.scan("--all-history"))
        self.assertEqual([(f["commit"], f["reachable"]) for f in found], [(c, "reflog")])

    def test_reflog_of_a_branch_not_checked_out(self):
        self.git("branch", "side")
        c = self.commit_file("x.py", f"k = '{self.secret}'\n")
        self.git("update-ref", "refs/heads/side", c)
        self.git("update-ref", "refs/heads/side", self.base)
        self.git("reset", "-q", "--hard", self.base)
        # Only refs/heads/side's and HEAD's reflogs hold it; drop HEAD's.
        self.git("reflog", "expire", "--expire=now", "HEAD")
        found = self.findings(self.scan("--all-history"))
        self.assertEqual([(f["commit"], f["reachable"]) for f in found], [(c, "reflog")])

    def test_other_worktrees_heads_and_reflogs(self):
        wt = os.path.join(self.tmp, "wt")
        self.git("worktree", "add", "-q", "--detach", wt)
        with open(os.path.join(wt, "wt.py"), "w") as f:
            f.write(f"k = '{self.secret}'\n")
        self.git("add", "wt.py", cwd=wt)
        self.git("commit", "-qm", "on a detached HEAD", "--no-verify", cwd=wt)
        c = self.git("rev-parse", "HEAD", cwd=wt).out.strip()
        for where in (self.repo, wt):
            found = self.findings(self.scan("--all-history", cwd=where))
            self.assertEqual([(f["commit"], f.get("reachable")) for f in found], [(c, None)], where)
        self.git("reset", "-q", "--hard", "HEAD~1", cwd=wt)
        found = self.findings(self.scan("--all-history"))
        self.assertEqual([(f["commit"], f.get("reachable")) for f in found], [(c, "reflog")])

    def test_reachable_from_a_ref_has_no_mark_and_stash_says_stash(self):
        c = self.commit_file("k.py", f"k = '{self.secret}'\n")
        found = self.findings(self.scan("--all-history"))
        self.assertEqual(found[0]["commit"], c)
        self.assertNotIn("reachable", found[0])
        other = fake_hf_token(seed=42)
        self.write("README.md", f"hello {other}\n")
        self.git("stash", "-q")
        r = self.scan("--all-history")
        self.assertNoSecret(r.all, other)
        by_path = {f["path"]: f for f in self.findings(r)}
        self.assertEqual(by_path["README.md"]["reachable"], "stash")
        self.assertNotIn("reachable", by_path["k.py"])


# --- issue 11 item 20: a tree nested 50,000 levels deep -----------------------------------
def _obj(kind, body):
    return hashlib.sha1(b"%s %d\0" % (kind, len(body)) + body).digest()


def _pack(objects):
    """A version-2 pack of whole (non-delta) objects: [(type number, body)]."""
    out = bytearray(b"PACK" + struct.pack(">II", 2, len(objects)))
    for t, body in objects:
        n = len(body)
        c = (t << 4) | (n & 15)
        n >>= 4
        head = bytearray()
        while n:
            head.append(c | 0x80)
            c = n & 0x7F
            n >>= 7
        head.append(c)
        out += head + zlib.compress(body, 1)
    out += hashlib.sha1(out).digest()
    return bytes(out)


class DeepTreeTest(Case):
    DEPTH = 50000

    def test_deep_tree(self):
        blob = f"k = '{self.secret}'\n".encode()
        objects = [(3, blob)]
        child = _obj(b"blob", blob)
        body = b"100644 k.py\0" + child
        for _ in range(self.DEPTH):
            objects.append((2, body))
            child = _obj(b"tree", body)
            body = b"40000 d\0" + child
        packfile = os.path.join(self.tmp, "deep.pack")
        with open(packfile, "wb") as f:
            f.write(_pack(objects))
        with open(packfile, "rb") as f:
            p = subprocess.run(["git", "index-pack", "--stdin"], stdin=f, cwd=self.repo, env=self.env,
                               capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        commit = self.git("commit-tree", child.hex(), "-p", "HEAD", "-m", "deep").out.strip()
        self.git("update-ref", "refs/heads/deep", commit)
        path = "d/" * (self.DEPTH - 1) + "k.py"
        for args in (["--all-history"], ["--range", "main..deep"]):
            r = self.run_cmd(["/usr/bin/time", "-f", "RSS=%M", KEYWARD, *args, "--format", "json"])
            self.assertNoSecret(r.all, self.secret)
            self.assertEqual(r.rc, 1, (args, r.rc, r.err[-2000:]))
            found = r.json()["findings"]
            self.assertEqual([(f["path"], f["commit"]) for f in found], [(path, commit)])
            # The tree's 50,000 directory paths add up to 2.5 GB: none of them may be held
            # (or scanned) whole. Holding them took 6.4 GB.
            rss = [int(l[4:]) for l in r.err.splitlines() if l.startswith("RSS=")][-1]
            self.assertLess(rss, 1 << 20, f"{args}: peak RSS {rss} KiB")


# --- issue 11 item 25: a scan never writes into the repository ----------------------------
class ReadOnlyTest(Case):
    def snapshot(self):
        out = {}
        top = os.path.join(self.repo, ".git")
        for root, dirs, files in os.walk(top):
            for n in dirs + files:
                p = os.path.join(root, n)
                st = os.lstat(p)
                out[os.path.relpath(p, top)] = (st.st_mtime_ns, st.st_size if n in files else 0)
        st = os.lstat(top)
        out["."] = (st.st_mtime_ns, 0)
        return out

    def test_no_scan_mode_writes_into_the_repository(self):
        remote = os.path.join(self.tmp, "remote.git")
        self.git("init", "-q", "--bare", remote, cwd=self.tmp)
        self.git("remote", "add", "origin", remote)
        self.git("push", "-q", "origin", "main")
        self.git("checkout", "-q", "-b", "side")
        tip = self.commit_file("k.py", f"k = '{self.secret}'\n")
        self.git("worktree", "add", "-q", "--detach", os.path.join(self.tmp, "wt"))
        self.write("staged.py", "x = 1\n")
        self.git("add", "staged.py")
        before = self.snapshot()
        self.assertFalse(os.path.exists(os.path.join(self.repo, ".git", "logs", "refs", "stash")))
        push_line = f"refs/heads/side {tip} refs/heads/side {'0' * 40}\n"
        runs = {
            "pre-commit": ([], None),
            "all-history": (["--all-history"], None),
            "all-objects": (["--all-objects"], None),
            "range": (["--range", f"{self.base}..HEAD"], None),
            "pre-push hook": (["--hook", "pre-push", "origin", remote], push_line),
            "disk": (["."], None),
            "baseline": (["baseline", "--all-history", "-o", os.path.join(self.tmp, "b.txt")], None),
        }
        for name, (args, stdin) in runs.items():
            with self.subTest(name):
                r = self.keyward(*args, input=stdin)
                self.assertIn(r.rc, (0, 1), r.all)
                self.assertEqual(self.snapshot(), before, f"{name} changed the repository")


if __name__ == "__main__":
    unittest.main()
