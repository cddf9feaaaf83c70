"""Attribution after a sweep diffs only the commits from the first one whose tree the walk
met a secret's blob in: no earlier commit can hold it. A secret that first appears late in
a long history, leaves and comes back at another path, still gets every introduction,
and one that lives only in the first commit is still attributed to it."""
import unittest

from kwtest import RepoTestCase, fake_hf_token


class AttributionStartTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)

    def commit_all(self, message):
        self.git("add", "-A")
        self.git("commit", "-qm", message, "--no-verify")
        return self.git("rev-parse", "HEAD").out.strip()

    def sweep(self, *secrets):
        r = self.keyward("--all-history", "--format", "json")
        for s in secrets:
            self.assertNoSecret(r.all, s)
        self.assertEqual(r.rc, 1, r.all)
        return {f["path"]: (f["commit"], sorted((p["commit"], p["path"]) for p in f.get("other_places", [])))
                for f in r.json()["findings"]}

    def test_late_secret_keeps_every_introduction(self):
        early, late = fake_hf_token(seed=501), fake_hf_token(seed=502)
        self.write("first.py", f"t = '{early}'\n")
        c = [self.commit_all("c0")]
        self.git("rm", "-q", "first.py")
        for i in range(1, 12):
            self.write("notes/n%d.txt" % i, "note %d\n" % i)
            c.append(self.commit_all("c%d" % i))
        self.write("a/late.py", f"t = '{late}'\n")
        c.append(self.commit_all("add late"))         # c[12]
        self.git("rm", "-q", "a/late.py")
        c.append(self.commit_all("remove late"))      # c[13]
        self.write("b/again.py", f"t = '{late}'\n")
        c.append(self.commit_all("late again"))       # c[14]
        found = self.sweep(early, late)
        self.assertEqual(found["first.py"], (c[0], []))
        self.assertEqual(found["a/late.py"], (c[12], [(c[14], "b/again.py")]))


if __name__ == "__main__":
    unittest.main()
