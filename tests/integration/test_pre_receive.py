"""The server side: `keyward install` in a bare repository puts in the pre-receive hook, and
real `git push`es (file:// and the local path transport) into that repository are refused
when they add a secret (in a file, a tag, a merge, a commit or tag message), with the
diagnostic in `remote:` lines and the refs unchanged, and accepted otherwise."""
import os
import subprocess
import unittest

from kwtest import RepoTestCase, fake_hf_token

ZEROS = "0" * 40


class ServerCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.server = os.path.join(self.tmp, "server.git")
        self.run_cmd(["git", "init", "-q", "--bare", "-b", "main", self.server], cwd=self.tmp, check=True)
        r = self.keyward("install", cwd=self.server)
        self.assertEqual(r.rc, 0, r.all)
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=151)
        self.base = self.commit_file("README.md", "hello\n")
        self.url = "file://" + self.server
        self.push_ok("main")

    def head(self, rev="HEAD"):
        return self.git("rev-parse", rev).out.strip()

    def commit_file(self, rel, content, message="change"):
        self.write(rel, content)
        self.git("add", rel)
        self.git("commit", "-qm", message, "--no-verify")
        return self.head()

    def server_refs(self):
        return self.run_cmd(["git", "for-each-ref", "--format=%(refname) %(objectname)"], cwd=self.server,
                            check=True).out

    def push(self, *refspecs, url=None):
        return self.git("push", url or self.url, *refspecs, check=False)

    def push_ok(self, *refspecs, url=None):
        r = self.push(*refspecs, url=url)
        self.assertEqual(r.rc, 0, r.all)
        return r

    def push_refused(self, *refspecs, url=None, secret=None):
        before = self.server_refs()
        r = self.push(*refspecs, url=url)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("pre-receive hook declined", r.all)
        self.assertEqual(self.server_refs(), before, "a refused push changed the server's refs")
        self.assertNoSecret(r.all, secret or self.secret)
        self.assertNotIn("\x1b[", r.all)  # no colour in remote: lines
        return r


class InstallTest(ServerCase):
    def test_bare_install_puts_pre_receive_and_work_tree_hooks(self):
        # A bare repository is a server's or a dotfiles store (--work-tree commits): pre-receive
        # for pushes, pre-commit and commit-msg for work-tree commits, and the summary says so.
        hooks = os.path.join(self.server, "hooks")
        self.assertTrue(os.access(os.path.join(hooks, "pre-receive"), os.X_OK))
        self.assertTrue(os.access(os.path.join(hooks, "pre-commit"), os.X_OK))
        r = self.keyward("install", "--force", cwd=self.server)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("bare repository", r.all)
        r = self.keyward("uninstall", cwd=self.server)
        self.assertEqual(r.rc, 0, r.all)
        self.assertFalse(os.path.exists(os.path.join(hooks, "pre-receive")))

    def test_install_pre_receive_in_non_bare(self):
        other = os.path.join(self.tmp, "other")
        self.init_repo(other, hook=False)
        r = self.keyward("install", "--pre-receive", cwd=other)
        self.assertEqual(r.rc, 0, r.all)
        for name in ("pre-commit", "commit-msg", "pre-receive"):
            self.assertTrue(os.path.exists(os.path.join(other, ".git", "hooks", name)), name)


class PushTest(ServerCase):
    def test_secret_push_refused_with_remote_diagnostic(self):
        bad = self.commit_file("app/settings.py", f"HF = '{self.secret}'\n")
        r = self.push_refused("main")
        remote = [l for l in r.err.splitlines() if l.startswith("remote:")]
        text = "\n".join(remote)
        self.assertIn("app/settings.py:1:7:", text)
        self.assertIn(bad[:12], text)
        self.assertIn("git commit --amend", text)
        self.assertIn("git rebase -i", text)
        self.assertIn("Revoke", text)
        self.assertIn("push refused", text)

    def test_local_path_transport(self):
        self.commit_file("a.py", f"k = '{self.secret}'\n")
        self.push_refused("main", url=self.server)

    def test_clean_push_passes(self):
        self.commit_file("a.py", "x = 1\n")
        r = self.push_ok("main")
        self.assertIn("no findings, push accepted", r.err)
        self.assertEqual(self.head(), self.run_cmd(["git", "rev-parse", "main"], cwd=self.server).out.strip())

    def test_branch_deletion_passes(self):
        self.git("branch", "gone")
        self.push_ok("gone")
        r = self.push_ok(":gone")
        self.assertNotIn("refs/heads/gone", self.server_refs(), r.all)

    def test_commits_the_server_has_pass(self):
        # A secret that is already on the server (pushed before the hook) is not the push's.
        hook = os.path.join(self.server, "hooks", "pre-receive")
        os.rename(hook, hook + ".off")
        self.commit_file("old.py", f"k = '{self.secret}'\n")
        self.push_ok("main")
        os.rename(hook + ".off", hook)
        self.push_ok("main:refs/heads/copy")   # a new branch at a commit the server has
        self.commit_file("b.py", "y = 2\n")
        r = self.push_ok("main")
        self.assertIn("1 blob", r.err)

    def test_secret_on_new_branch_refused(self):
        self.git("checkout", "-q", "-b", "feature")
        self.commit_file("f.py", f"k = '{self.secret}'\n")
        self.commit_file("g.py", "clean\n")
        self.push_refused("feature")

    def test_secret_removed_by_later_commit_of_same_push_refused(self):
        self.commit_file("f.py", f"k = '{self.secret}'\n")
        self.git("rm", "-q", "f.py")
        self.git("commit", "-qm", "remove it", "--no-verify")
        self.push_refused("main")

    def test_secret_in_merge_refused(self):
        self.git("checkout", "-q", "-b", "side")
        self.commit_file("side.py", "s = 1\n")
        self.git("checkout", "-q", "main")
        self.commit_file("main.py", "m = 1\n")
        self.git("merge", "-q", "--no-commit", "side", check=False)
        self.write("merged.py", f"k = '{self.secret}'\n")  # introduced by the merge itself
        self.git("add", "merged.py")
        self.git("commit", "-qm", "merge", "--no-verify")
        r = self.push_refused("main")
        self.assertIn("merged.py", r.err)

    def test_force_push_refused_and_clean_force_push_passes(self):
        self.commit_file("x.py", "x = 1\n")
        self.push_ok("main")
        self.git("reset", "-q", "--hard", self.base)
        self.commit_file("y.py", f"k = '{self.secret}'\n")
        self.push_refused("+main")
        self.git("reset", "-q", "--hard", self.base)
        self.commit_file("z.py", "z = 1\n")
        self.push_ok("+main")

    def test_many_refs_at_once(self):
        for i in range(5):
            self.git("branch", f"b{i}")
        self.git("checkout", "-q", "-b", "b5")
        self.commit_file("s.py", f"k = '{self.secret}'\n")
        self.git("checkout", "-q", "main")
        r = self.push_refused(*[f"b{i}" for i in range(6)])
        self.assertIn("s.py", r.err)
        self.push_ok(*[f"b{i}" for i in range(5)])


class TagTest(ServerCase):
    def test_secret_only_in_tagged_commit_refused(self):
        self.git("checkout", "-q", "--detach")
        self.commit_file("t.py", f"k = '{self.secret}'\n")
        self.git("tag", "light")
        self.git("tag", "-a", "-m", "release", "annotated")
        self.git("checkout", "-q", "main")
        self.push_refused("light")
        self.push_refused("annotated")

    def test_tag_of_blob_and_tree_refused(self):
        blob = self.run_cmd(["git", "hash-object", "-w", "--stdin"], input=f"k = '{self.secret}'\n", check=True).out.strip()
        self.git("tag", "blobtag", blob)
        self.push_refused("refs/tags/blobtag")
        self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},inner/k.py")
        tree = self.git("write-tree").out.strip()
        self.git("reset", "-q")
        self.git("tag", "-a", "-m", "a tree", "treetag", tree)
        r = self.push_refused("refs/tags/treetag")
        self.assertIn("inner/k.py", r.err)

    def test_secret_in_tag_message_refused(self):
        self.git("tag", "-a", "-m", f"release notes\ntoken {self.secret}\n", "v1")
        r = self.push_refused("v1")
        self.assertIn("<tag message>:2:", r.err)

    def test_clean_annotated_tag_passes(self):
        self.git("tag", "-a", "-m", "release", "v2")
        self.push_ok("v2")


class MessageTest(ServerCase):
    def test_secret_in_commit_message_refused(self):
        self.write("m.py", "clean = 1\n")
        self.git("add", "m.py")
        self.git("commit", "-qm", f"debug\n\nused {self.secret} to test", "--no-verify")
        r = self.push_refused("main")
        self.assertIn("<commit message>:3:", r.err)

    def test_range_reports_commit_message(self):
        self.write("m.py", "clean = 1\n")
        self.git("add", "m.py")
        self.git("commit", "-qm", f"debug {self.secret}", "--no-verify")
        r = self.keyward("--range", f"{self.base}..HEAD", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        f = r.json()["findings"]
        self.assertEqual([x["path"] for x in f], ["<commit message>"])
        self.assertEqual(f[0]["commit"], self.head())
        r = self.keyward("--all-history", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("<commit message>", [x["path"] for x in r.json()["findings"]])

    def test_all_history_reports_tag_message(self):
        self.git("tag", "-a", "-m", f"notes {self.secret}", "v9")
        r = self.keyward("--all-history", "--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("<tag message>", [x["path"] for x in r.json()["findings"]])

    def test_pre_push_scans_commit_and_tag_messages(self):
        r = self.keyward("install", "--pre-push")
        self.assertEqual(r.rc, 0, r.all)
        remote = os.path.join(self.tmp, "plain.git")  # no server hook: the client's pre-push alone
        self.run_cmd(["git", "init", "-q", "--bare", remote], cwd=self.tmp, check=True)
        self.git("push", "-q", "--no-verify", remote, "main")
        self.git("tag", "-a", "-m", f"notes {self.secret}", "v3")
        r = self.git("push", remote, "v3", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("<tag message>:1:", r.all)
        self.assertNoSecret(r.all, self.secret)
        self.write("n.py", "n = 1\n")
        self.git("add", "n.py")
        self.git("commit", "-qm", f"with {self.secret}", "--no-verify")
        r = self.git("push", remote, "main", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("<commit message>:1:", r.all)

    def test_commit_msg_hook_blocks_commit(self):
        r = self.keyward("install")
        self.assertEqual(r.rc, 0, r.all)
        self.write("c.py", "clean = 1\n")
        self.git("add", "c.py")
        before = self.head()
        r = self.git("commit", "-qm", f"oops {self.secret}", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("<commit message>:1:", r.all)
        self.assertNoSecret(r.all, self.secret)
        self.assertEqual(self.head(), before)
        r = self.git("commit", "-qm", "fine message", check=False)
        self.assertEqual(r.rc, 0, r.all)


class PolicyTest(ServerCase):
    def config(self, text):
        with open(os.path.join(self.server, "keyward.toml"), "w") as f:
            f.write(text)

    def test_allowlisted_path_passes(self):
        self.config('[allowlist]\npaths = ["fixtures/**"]\n')
        self.commit_file("fixtures/k.py", f"k = '{self.secret}'\n")
        self.push_ok("main")

    def test_baselined_finding_passes(self):
        self.commit_file("k.py", f"k = '{self.secret}'\n")
        r = self.keyward("baseline", "--range", f"{self.base}..HEAD", "-o", os.path.join(self.server, "known.baseline"))
        self.assertEqual(r.rc, 0, r.all)
        self.config('[server]\nbaseline = "known.baseline"\n')
        self.push_ok("main")

    def test_refs_checked(self):
        self.config('[server]\nrefs = ["refs/heads/main"]\n')
        self.git("checkout", "-q", "-b", "scratch")
        self.commit_file("k.py", f"k = '{self.secret}'\n")
        self.push_ok("scratch")
        self.push_refused("scratch:main")

    def test_admin_bypass(self):
        self.commit_file("k.py", f"k = '{self.secret}'\n")
        self.config('[server]\nbypass = true\n')
        r = self.push_ok("main")
        self.assertIn("BYPASS", r.err)

    def test_push_option_is_not_a_bypass(self):
        self.run_cmd(["git", "config", "receive.advertisePushOptions", "true"], cwd=self.server, check=True)
        self.commit_file("k.py", f"k = '{self.secret}'\n")
        before = self.server_refs()
        r = self.git("push", "-o", "keyward-bypass", self.url, "main", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("ignores push options", r.err)
        self.assertEqual(self.server_refs(), before)

    def test_server_wide_config_env(self):
        cfg = os.path.join(self.tmp, "server-wide.toml")
        with open(cfg, "w") as f:
            f.write('[allowlist]\npaths = ["fixtures/**"]\n')
        self.commit_file("fixtures/k.py", f"k = '{self.secret}'\n")
        self.push_refused("main")
        r = self.git("push", self.url, "main", check=False, env={"KEYWARD_CONFIG": cfg})
        self.assertEqual(r.rc, 0, r.all)

    def test_pushed_config_file_is_not_policy(self):
        # The pusher cannot allowlist their own secret with a .keyward.toml in the commit.
        self.write(".keyward.toml", '[allowlist]\npaths = ["**"]\n')
        self.commit_file("k.py", f"k = '{self.secret}'\n")
        self.push_refused("main")

    def test_bad_config_refuses_with_message(self):
        self.config('[server]\nrefs = 3\n')
        self.commit_file("a.py", "x = 1\n")
        r = self.push_refused("main")
        self.assertIn("keyward.toml:2", r.err)
        self.assertIn("server's admin", r.err)


class ErrorTest(ServerCase):
    def run_hook(self, stdin, env=None):
        """keyward --hook pre-receive run by hand in the server, as git would run it."""
        return self.keyward("--hook", "pre-receive", cwd=self.server, input=stdin, env=env)

    def test_missing_object_refuses(self):
        missing = "1234567890abcdef1234567890abcdef12345678"
        r = self.run_hook(f"{self.base} {missing} refs/heads/main\n")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn(missing, r.err)
        self.assertIn("push is refused", r.err)

    def test_missing_blob_refuses(self):
        self.damaged_blob_refuses(lambda loose: os.remove(loose))

    def test_corrupt_blob_refuses(self):
        def flip(loose):
            os.chmod(loose, 0o644)
            with open(loose, "r+b") as f:
                f.seek(8)
                b = f.read(4)
                f.seek(8)
                f.write(bytes(x ^ 0xFF for x in b))
        self.damaged_blob_refuses(flip)

    def damaged_blob_refuses(self, damage):
        # The server has the commit and tree but its blob is lost or damaged: the check must
        # fail, never pass.
        new = self.commit_file("lost.py", "some content that will go missing\n" * 20)
        blob = self.git("rev-parse", "HEAD:lost.py").out.strip()
        self.push_ok("main:refs/heads/tmp")
        self.run_cmd(["git", "update-ref", "-d", "refs/heads/tmp"], cwd=self.server, check=True)
        packs = os.path.join(self.server, "objects", "pack")
        for p in os.listdir(packs):  # loose objects, so one can be deleted
            if p.endswith(".pack"):
                with open(os.path.join(packs, p), "rb") as f:
                    data = f.read()
                os.remove(os.path.join(packs, p))
                os.remove(os.path.join(packs, p[:-5] + ".idx"))
                subprocess.run(["git", "unpack-objects", "-q"], cwd=self.server, input=data, env=self.env, check=True)
        loose = os.path.join(self.server, "objects", blob[:2], blob[2:])
        self.assertTrue(os.path.exists(loose))
        damage(loose)
        r = self.run_hook(f"{self.base} {new} refs/heads/main\n")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("could not be read", r.err)
        self.assertIn("push is refused", r.err)

    def test_corrupt_pushed_object_refuses(self):
        # A pushing repository with a corrupt loose blob: git itself refuses to send it, or
        # the server refuses it; either way nothing lands.
        self.commit_file("c.py", "content to corrupt\n")
        blob = self.git("rev-parse", "HEAD:c.py").out.strip()
        loose = os.path.join(self.repo, ".git", "objects", blob[:2], blob[2:])
        os.chmod(loose, 0o644)
        with open(loose, "r+b") as f:
            f.seek(5)
            f.write(b"\xff\xff\xff")
        before = self.server_refs()
        r = self.push("main")
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(self.server_refs(), before)

    def test_bad_input_refuses(self):
        r = self.run_hook("not a pre-receive line\n")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("pre-receive input line 1", r.err)

    def test_sha256_ids_refused_with_reason(self):
        r = self.run_hook(f"{'0' * 64} {'a' * 64} refs/heads/main\n")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("SHA-256", r.err)
        self.assertIn("libgit2", r.err)

    def test_sha256_repository_push_refused(self):
        srv = os.path.join(self.tmp, "sha256.git")
        p = self.run_cmd(["git", "init", "-q", "--bare", "--object-format=sha256", srv], cwd=self.tmp)
        if p.rc != 0:
            self.skipTest("git cannot create SHA-256 repositories")
        r = self.keyward("install", cwd=srv)
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("SHA-256", r.err)
        hook = os.path.join(srv, "hooks", "pre-receive")
        if not os.path.exists(hook):
            # libgit2 1.5 cannot open it even to find the hooks directory: install by hand,
            # as an admin copying the hook would, to see what a push then says.
            os.makedirs(os.path.dirname(hook), exist_ok=True)
            with open(os.path.join(self.server, "hooks", "pre-receive")) as f:
                text = f.read()
            with open(hook, "w") as f:
                f.write(text)
            os.chmod(hook, 0o755)
        client = os.path.join(self.tmp, "c256")
        self.run_cmd(["git", "init", "-q", "--object-format=sha256", "-b", "main", client], cwd=self.tmp, check=True)
        with open(os.path.join(client, "a.txt"), "w") as f:
            f.write("x\n")
        self.run_cmd(["git", "add", "a.txt"], cwd=client, check=True)
        self.run_cmd(["git", "commit", "-qm", "x", "--no-verify"], cwd=client, check=True)
        r = self.run_cmd(["git", "push", "file://" + srv, "main"], cwd=client)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertIn("SHA-256", r.err)
        self.assertIn("libgit2", r.err)



class EnvObjectsTest(ServerCase):
    def test_alternates_from_environment_reach_every_worker(self):
        # The same object directories git's quarantine relies on: every blob reader (one
        # per worker) must see objects that only GIT_ALTERNATE_OBJECT_DIRECTORIES names.
        for i in range(12):
            self.commit_file(f"f{i}.py", f"k{i} = '{fake_hf_token(seed=300 + i)}'\n")
        shared = os.path.join(self.tmp, "shared")
        self.run_cmd(["git", "clone", "-q", "--shared", "--no-checkout", self.repo, shared], cwd=self.tmp, check=True)
        os.remove(os.path.join(shared, ".git", "objects", "info", "alternates"))
        env = {"GIT_ALTERNATE_OBJECT_DIRECTORIES": os.path.join(self.repo, ".git", "objects")}
        r = self.keyward("--range", f"{self.base}..origin/main", "-j", "4", "--format", "json", cwd=shared, env=env)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(len(r.json()["findings"]), 12)


if __name__ == "__main__":
    unittest.main()
