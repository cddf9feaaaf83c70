"""Large staged changes are scanned on every core (from 32 blobs on); the result must be
exactly what the one-thread path gives for the same change: findings only on added lines
of modified files, checkpoint findings, notes, and fail-closed on an unreadable blob."""
import json
import unittest

from kwtest import RepoTestCase, fake_hf_token


class ManyStagedFiles(RepoTestCase):
    def stage_change(self, files):
        """`files` modified files (one holding an old token), as many new ones (one with a
        new token), a notebook checkpoint and an LFS pointer; returns the new token."""
        self.init_repo()
        old = fake_hf_token(11)
        for i in range(files):
            body = "".join(f"line {j} of module {i}\n" for j in range(20))
            if i == 3:
                body = f"OLD_TOKEN = '{old}'\n" + body
            self.write(f"pkg/m{i % 7}/mod_{i}.py", body)
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "base")
        new = fake_hf_token(12)
        for i in range(files):
            with open(f"{self.repo}/pkg/m{i % 7}/mod_{i}.py", "a") as f:
                f.write(f"added line {i}\n")
        for i in range(files):
            body = f"value_{i} = {i}\n"
            if i == files - 2:
                body += f"HF_TOKEN = '{new}'\n"
            self.write(f"new/n{i % 5}/file_{i}.py", body)
        self.write(".ipynb_checkpoints/params-checkpoint.json", '{"epochs": 3}\n')
        self.write("weights.bin", "version https://git-lfs.github.com/spec/v1\n"
                   "oid sha256:" + "ab" * 32 + "\nsize 12345\n")
        self.git("add", "-A")
        return new

    def findings(self, files):
        new = self.stage_change(files)
        r = self.keyward("--format", "json")
        self.assertEqual(r.rc, 1, r.all)
        report = r.json()
        got = sorted((f["rule"], f["path"], f["line"]) for f in report["findings"])
        self.assertNoSecret(r.all, new)
        return got, report["stats"]

    def test_large_change_matches_the_single_thread_result(self):
        many, stats = self.findings(40)
        self.assertIn(("huggingface-user-token", "new/n3/file_38.py", 2), many)
        # The old token in a modified file is on an unchanged line: not reported.
        self.assertFalse(any(p.startswith("pkg/") for _, p, _ in many), many)
        self.assertTrue(any(p.startswith(".ipynb_checkpoints/") for _, p, _ in many), many)
        self.assertEqual(stats["blobs"], 40 + 40 + 2)
        notes = "\n".join(stats.get("notes", []))
        self.assertIn("weights.bin", notes)

    def test_small_change_gives_the_same_kinds_of_findings(self):
        few, stats = self.findings(4)
        self.assertIn(("huggingface-user-token", "new/n2/file_2.py", 2), few)
        self.assertFalse(any(p.startswith("pkg/") for _, p, _ in few), few)
        self.assertTrue(any(p.startswith(".ipynb_checkpoints/") for _, p, _ in few), few)
        self.assertEqual(stats["blobs"], 4 + 4 + 2)
        self.assertIn("weights.bin", "\n".join(stats.get("notes", [])))

    def test_unreadable_staged_blob_fails_closed_in_a_large_change(self):
        self.stage_change(40)
        missing = "1234567890abcdef1234567890abcdef12345678"
        self.git("update-index", "--add", "--info-only", "--cacheinfo", f"100644,{missing},gone.txt")
        r = self.keyward()
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("cannot read the staged blob", r.all)
        self.assertIn("gone.txt", r.all)


if __name__ == "__main__":
    unittest.main()
