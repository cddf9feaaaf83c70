"""keyward --all-history on real repositories: secrets that are deleted, overwritten, only on
a branch, only under a tag, only in a stash, or never committed at all; each attributed to
the commit that introduced it, and one secret in many commits reported once."""
import os
import shutil
import unittest

from kwtest import RepoTestCase, fake_hf_token


class HistoryCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=5)
        self.write("README.md", "hello\n")
        self.git("add", "README.md")
        self.git("commit", "-qm", "base")

    def head(self):
        return self.git("rev-parse", "HEAD").out.strip()

    def commit_file(self, rel, content, message="change"):
        self.write(rel, content)
        self.git("add", rel)
        self.git("commit", "-qm", message)
        return self.head()

    def sweep(self, *extra):
        r = self.keyward("--all-history", "--format", "json", *extra)
        self.assertNoSecret(r.all, self.secret)
        self.assertIn(r.rc, (0, 1), r.all)
        return r, r.json()["findings"]

    def assertOneFinding(self, findings, commit, path):
        self.assertEqual(len(findings), 1, findings)
        f = findings[0]
        self.assertEqual(f["rule"], "huggingface-user-token")
        self.assertEqual(f["commit"], commit)
        self.assertEqual(f["path"], path)
        return f


class ReachabilityTest(HistoryCase):
    def test_deleted_secret(self):
        c = self.commit_file("app/config.py", f'token = "{self.secret}"\n')
        self.git("rm", "-q", "app/config.py")
        self.git("commit", "-qm", "remove")
        r, found = self.sweep()
        self.assertEqual(r.rc, 1)
        f = self.assertOneFinding(found, c, "app/config.py")
        self.assertEqual(f["line"], 1)
        self.assertEqual(f["column"], 10)

    def test_overwritten_secret(self):
        c = self.commit_file("settings.py", f'A = 1\nKEY = "{self.secret}"\n')
        self.commit_file("settings.py", "A = 1\nKEY = os.environ['KEY']\n")
        _, found = self.sweep()
        f = self.assertOneFinding(found, c, "settings.py")
        self.assertEqual(f["line"], 2)

    def test_branch_only(self):
        self.git("checkout", "-q", "-b", "feature")
        c = self.commit_file("feature.py", f"t = '{self.secret}'\n")
        self.git("checkout", "-q", "main")
        _, found = self.sweep()
        self.assertOneFinding(found, c, "feature.py")

    def test_annotated_tag_only(self):
        c = self.commit_file("release.cfg", f"token={self.secret}\n")
        self.git("tag", "-a", "v1", "-m", "release")
        self.git("reset", "-q", "--hard", "HEAD~1")
        self.git("reflog", "expire", "--expire=now", "--all")
        _, found = self.sweep()
        self.assertOneFinding(found, c, "release.cfg")
        self.git("tag", "-d", "v1")
        r, found = self.sweep()
        self.assertEqual(found, [])
        self.assertEqual(r.rc, 0)

    def test_stash_only_including_older_entries_and_untracked(self):
        self.write("README.md", f"hello {self.secret}\n")
        self.git("stash", "-q")
        other = fake_hf_token(seed=6)
        self.write("README.md", "hello again\n")
        self.git("stash", "-q")
        self.write("notes.txt", f"{other}\n")
        self.git("stash", "-q", "-u")
        r, found = self.sweep()
        self.assertNoSecret(r.all, other)
        self.assertEqual(len(found), 2, found)
        paths = sorted(f["path"] for f in found)
        self.assertEqual(paths, ["README.md", "notes.txt"])
        for f in found:
            self.assertEqual(len(f["commit"]), 40)

    def test_unreachable_blob_needs_all_objects(self):
        self.write("staged.env", f"HF={self.secret}\n")
        self.git("add", "staged.env")
        self.git("rm", "-q", "--cached", "staged.env")
        os.remove(os.path.join(self.repo, "staged.env"))
        r, found = self.sweep()
        self.assertEqual(found, [])
        r, found = self.sweep("--all-objects")
        self.assertEqual(r.rc, 1)
        self.assertEqual(len(found), 1, found)
        self.assertIn("unreachable blob", found[0]["path"])

    def test_dangling_commit_found_with_all_objects(self):
        c = self.commit_file("amend.py", f"k = '{self.secret}'\n")
        self.git("reset", "-q", "--hard", "HEAD~1")
        self.git("reflog", "expire", "--expire=now", "--all")
        _, found = self.sweep()
        self.assertEqual(found, [])
        _, found = self.sweep("--all-objects")
        self.assertOneFinding(found, c, "amend.py")


class GroupingTest(HistoryCase):
    def test_same_secret_in_many_commits_is_one_finding_with_places(self):
        first = self.commit_file("a/one.py", f"t = '{self.secret}'\n")
        commits = [first]
        for i in range(2, 8):
            commits.append(self.commit_file(f"a/f{i}.py", f"# file {i}\nt = '{self.secret}'\n"))
        # The same blob again at another path later: a place, not a new finding.
        commits.append(self.commit_file("copy/one.py", f"t = '{self.secret}'\n"))
        _, found = self.sweep()
        f = self.assertOneFinding(found, first, "a/one.py")
        self.assertEqual(f["places"], 7, f)
        others = f["other_places"]
        self.assertEqual([p["commit"] for p in others], commits[1:])
        self.assertEqual(others[-1]["path"], "copy/one.py")
        self.assertEqual(others[0]["line"], 2)
        r = self.keyward("--all-history", "--no-color")
        self.assertEqual(r.rc, 1)
        self.assertIn("also in 7 other places", r.out)
        self.assertIn("1 finding", r.err)
        self.assertNoSecret(r.all, self.secret)

    def test_introducing_commit_is_the_earliest(self):
        self.git("checkout", "-q", "-b", "side")
        early = self.commit_file("x.py", f"v = '{self.secret}'\n")
        self.git("checkout", "-q", "main")
        self.commit_file("other.txt", "x\n")
        self.git("merge", "-q", "--no-edit", "side")
        _, found = self.sweep()
        self.assertOneFinding(found, early, "x.py")
        self.assertEqual(found[0]["places"], 0)

    def test_allowlisted_paths_are_not_reported(self):
        self.commit_file(".keyward.toml", '[allowlist]\npaths = ["fixtures/"]\n')
        self.commit_file("fixtures/t.py", f"v = '{self.secret}'\n")
        r, found = self.sweep()
        self.assertEqual(found, [], r.all)
        # The same blob at a path the allowlist does not cover is reported, at that path.
        c = self.commit_file("src/t.py", f"v = '{self.secret}'\n")
        _, found = self.sweep()
        self.assertOneFinding(found, c, "src/t.py")


class RobustnessTest(HistoryCase):
    def test_summary_line_and_exit_codes(self):
        r = self.keyward("--all-history")
        self.assertEqual(r.rc, 0, r.all)
        self.assertRegex(r.err, r"scanned \d+ blobs?, [\d.]+ MiB in [\d.]+ s: no findings")
        r = self.keyward("--all-history", "--quiet")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(r.all, "")

    def test_jobs(self):
        for i in range(40):
            self.write(f"f{i}.txt", f"file {i}\n" * (i + 1))
        self.write("deep/k.py", f"k = '{self.secret}'\n")
        self.git("add", "-A")
        self.git("commit", "-qm", "many")
        for j in ("1", "2", "7"):
            r = self.keyward("--all-history", "-j", j, "--format", "json")
            self.assertEqual(r.rc, 1, r.all)
            self.assertEqual(len(r.json()["findings"]), 1)
            self.assertEqual(r.json()["stats"]["blobs"], 42)

    def test_shallow_clone(self):
        self.commit_file("old.py", f"k = '{self.secret}'\n")
        self.git("rm", "-q", "old.py")
        self.git("commit", "-qm", "rm")
        self.commit_file("new.txt", "new\n")
        clone = os.path.join(self.tmp, "shallow")
        self.git("clone", "-q", "--depth", "1", "file://" + self.repo, clone, cwd=self.tmp)
        r = self.keyward("--all-history", "-v", cwd=clone)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("shallow", r.all)
        self.git("fetch", "-q", "--depth", "3", cwd=clone)
        r = self.keyward("--all-history", "--format", "json", cwd=clone)
        self.assertEqual(r.rc, 1, r.all)

    def test_partial_clone_never_fetches(self):
        self.git("config", "uploadpack.allowFilter", "true")
        c = self.commit_file("leak.py", f"k = '{self.secret}'\n")
        self.commit_file("leak.py", "k = None\n")
        clone = os.path.join(self.tmp, "partial")
        self.git("clone", "-q", "--filter=blob:none", "file://" + self.repo, clone, cwd=self.tmp)
        shutil.rmtree(self.repo)  # a fetch would now fail loudly
        r = self.keyward("--all-history", "-v", cwd=clone)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("missing from the object database", r.all)
        self.assertIsNotNone(c)

    def test_gitlink_and_non_utf8_path(self):
        sha = self.head()
        name = b"caf\xe9.py"
        with open(os.path.join(self.repo.encode(), name), "w") as f:
            f.write(f"k = '{self.secret}'\n")
        self.git("add", "-A")
        self.git("update-index", "--add", "--cacheinfo", f"160000,{sha},vendored")
        self.git("commit", "-qm", "gitlink and latin-1 name")
        r = self.keyward("--all-history", "-v")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("gitlink", r.all)
        self.assertNoSecret(r.all, self.secret)

    def test_many_refs(self):
        c = self.commit_file("k.py", f"k = '{self.secret}'\n")
        lines = "".join(f"create refs/heads/b{i} {c}\n" for i in range(3000))
        self.git("update-ref", "--stdin", input=lines)
        _, found = self.sweep()
        self.assertOneFinding(found, c, "k.py")


if __name__ == "__main__":
    unittest.main()
