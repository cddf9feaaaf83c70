"""Disk scans and symbolic links, pipes and streams: `keyward PATH` scans what an upload of
PATH would send. The Hugging Face cache keeps files as snapshots/<rev>/<name> ->
../../blobs/<hash> (and upload_folder follows those links), so links to files are followed,
each file is scanned once, loops terminate, a dangling link is a note, and pipes named on
the command line (/dev/stdin, a FIFO, bash's <(cmd)) are read instead of skipped."""
import os
import shutil
import subprocess
import unittest

from kwtest import KEYWARD, RepoTestCase, fake_hf_token


class DiskLinks(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.token = fake_hf_token(1301)
        self.body = f'HF_TOKEN = "{self.token}"\n'

    def scan(self, *args, **kw):
        r = self.keyward("--format", "json", *args, cwd=self.tmp, **kw)
        self.assertNoSecret(r.all, self.token)
        return r

    def paths(self, r):
        return [f["path"] for f in r.json()["findings"]]

    def hf_cache(self):
        """models--org--model/{blobs,refs,snapshots} as huggingface_hub writes it."""
        root = os.path.join(self.tmp, "hub", "models--org--model")
        blob = "0f3c" * 10
        os.makedirs(os.path.join(root, "blobs"))
        os.makedirs(os.path.join(root, "refs"))
        snap = os.path.join(root, "snapshots", "a1b2c3")
        os.makedirs(snap)
        with open(os.path.join(root, "blobs", blob), "w") as f:
            f.write(self.body)
        with open(os.path.join(root, "blobs", "1" * 40), "w") as f:
            f.write('{"model_type": "bert"}\n')
        with open(os.path.join(root, "refs", "main"), "w") as f:
            f.write("a1b2c3")
        os.symlink(f"../../blobs/{blob}", os.path.join(snap, "config.py"))
        os.symlink("../../blobs/" + "1" * 40, os.path.join(snap, "config.json"))
        return root, snap

    def test_hf_snapshot_links_are_followed_and_reported_at_the_link(self):
        root, snap = self.hf_cache()
        rel = os.path.relpath(snap, self.tmp)
        r = self.scan(rel)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(self.paths(r), [f"{rel}/config.py"])
        self.assertEqual(r.json()["stats"]["blobs"], 2)
        r = self.keyward("-v", rel, cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn(f"{rel}/config.py: a symbolic link to a file", r.all)

    def test_hf_cache_root_scans_each_file_once(self):
        root, snap = self.hf_cache()
        rel = os.path.relpath(root, self.tmp)
        r = self.scan(rel)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(len(self.paths(r)), 1, r.out)  # the blob and its link: one file
        self.assertEqual(r.json()["stats"]["blobs"], 3)  # two blobs and refs/main
        r = self.keyward("-v", rel, cwd=self.tmp)
        self.assertIn("scanned once", r.all)

    def test_a_link_named_on_the_command_line(self):
        root, snap = self.hf_cache()
        link = os.path.join(snap, "config.py")
        r = self.scan(link)
        self.assertEqual(r.rc, 1, r.all)
        self.assertNotIn("Too many levels", r.all)
        self.assertEqual(self.paths(r), [link])
        # A link to a directory named on the command line is followed too.
        os.symlink(snap, os.path.join(self.tmp, "current"))
        r = self.scan("current")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(self.paths(r), ["current/config.py"])

    def test_link_loops_terminate_and_each_file_is_scanned_once(self):
        d = os.path.join(self.tmp, "tree")
        os.makedirs(os.path.join(d, "sub"))
        with open(os.path.join(d, "sub", "secret.py"), "w") as f:
            f.write(self.body)
        os.symlink("loop-b", os.path.join(d, "loop-a"))
        os.symlink("loop-a", os.path.join(d, "loop-b"))
        os.symlink("self", os.path.join(d, "self"))
        os.symlink("..", os.path.join(d, "sub", "up"))            # a directory loop
        os.symlink(d, os.path.join(d, "sub", "root"))             # another, absolute
        os.symlink("sub/secret.py", os.path.join(d, "alias.py"))  # the same file again
        os.symlink(d, os.path.join(self.tmp, "tree-link"))
        for arg in ("tree", "tree-link"):
            with self.subTest(arg=arg):
                r = self.run_cmd([KEYWARD, "--format", "json", arg], cwd=self.tmp)
                self.assertEqual(r.rc, 1, r.all)
                self.assertEqual(len(self.paths(r)), 1, r.out)
                self.assertIn("symbolic link loop", r.err)  # said without -v
                r = self.keyward("-v", arg, cwd=self.tmp)
                self.assertIn("a symbolic link to a directory, not followed", r.all)

    def test_dangling_link_is_a_note_not_a_silent_skip(self):
        d = os.path.join(self.tmp, "tree")
        os.makedirs(d)
        with open(os.path.join(d, "ok.py"), "w") as f:
            f.write("x = 1\n")
        os.symlink("missing.py", os.path.join(d, "gone.py"))
        r = self.keyward(d, cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn(f"{d}/gone.py: a dangling symbolic link", r.err)
        # Named on the command line it is a path that cannot be scanned: exit 2.
        r = self.keyward(os.path.join(d, "gone.py"), cwd=self.tmp)
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("gone.py", r.err)
        self.assertIn("dangling", r.err)

    def test_fifo_written_by_a_subprocess(self):
        fifo = os.path.join(self.tmp, "pipe")
        os.mkfifo(fifo)
        src = os.path.join(self.tmp, "src.txt")
        with open(src, "w") as f:
            f.write("x = 1\n" * 20000 + self.body)  # more than a pipe buffer
        writer = subprocess.Popen(["sh", "-c", f'cat "{src}" > "{fifo}"'])
        try:
            r = self.scan(fifo)
        finally:
            try:
                writer.wait(timeout=30)
            except subprocess.TimeoutExpired:  # keyward never opened the pipe
                writer.kill()
                writer.wait()
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(self.paths(r), [fifo])
        self.assertEqual(r.json()["findings"][0]["line"], 20001)
        self.assertNotIn("symbolic link", r.all)  # a FIFO is no link
        # A FIFO met while walking a directory is not opened (it would wait for a writer).
        d = os.path.join(self.tmp, "tree")
        os.makedirs(d)
        os.mkfifo(os.path.join(d, "pipe"))
        with open(os.path.join(d, "a.py"), "w") as f:
            f.write(self.body)
        r = self.scan(d)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("named pipe", r.err)

    def test_dev_stdin(self):
        r = self.scan("/dev/stdin", input=self.body)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(self.paths(r), ["/dev/stdin"])
        r = self.keyward("-v", "/dev/stdin", input=self.body, cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("/dev/stdin: a symbolic link to a pipe, read to its end", r.all)
        # stdin redirected from a file
        src = os.path.join(self.tmp, "src.txt")
        with open(src, "w") as f:
            f.write(self.body)
        with open(src) as f:
            p = subprocess.run([KEYWARD, "/dev/stdin"], stdin=f, env=self.env, cwd=self.tmp,
                               capture_output=True, text=True)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        r = self.scan("/dev/stdin", input="nothing here\n")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.json()["stats"]["blobs"], 1)

    def test_process_substitution(self):
        src = os.path.join(self.tmp, "src.txt")
        with open(src, "w") as f:
            f.write(self.body)
        r = self.run_cmd(["bash", "-c", f'"{KEYWARD}" --format json <(cat "{src}")'], cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(len(self.paths(r)), 1)
        self.assertEqual(r.json()["stats"]["blobs"], 1)
        self.assertNoSecret(r.all, self.token)


if __name__ == "__main__":
    unittest.main()
