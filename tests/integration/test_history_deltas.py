"""History sweeps over blobs stored as deltas in a pack (what `git repack` and `git gc`
make of every file with more than one version): the sweep resolves them from the mapped
pack itself. A secret that lives only in a delta's inserted bytes is found and attributed
to the commit that added it; a delta damaged on disk makes the sweep incomplete (exit 2,
naming the blob), never a clean pass. Real git, tokens built at run time."""
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token

RULE = "huggingface-user-token"


class DeltaBlobCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo(hook=False)
        self.secret = fake_hf_token(seed=1414)
        body = "".join("line %d of a config file that changes little\n" % i for i in range(200))
        self.commit_file("conf/app.cfg", body, "v1")
        # v2: the secret inserted in the middle; v3: the secret gone, more lines than it
        # had, so git's repack keeps v3 whole (the largest) and stores v2 as a delta of it.
        half = body.index("line 100 ")
        self.with_secret = self.commit_file("conf/app.cfg", body[:half] + "token = %s\n" % self.secret + body[half:],
                                            "v2")
        self.commit_file("conf/app.cfg", body + "".join("tail %d\n" % i for i in range(40)), "v3")
        # Stored blocks: a delta's inserted bytes sit in the pack as they are.
        self.git("-c", "pack.compression=0", "repack", "-adfq", "--depth=50", "--window=50")
        self.git("prune-packed")
        self.blob = self.git("rev-parse", "%s:conf/app.cfg" % self.with_secret).out.strip()
        packdir = os.path.join(self.repo, ".git", "objects", "pack")
        self.pack = [os.path.join(packdir, n) for n in os.listdir(packdir) if n.endswith(".pack")][0]
        verify = self.git("verify-pack", "-v", self.pack[:-5] + ".idx").out
        line = [l for l in verify.splitlines() if l.startswith(self.blob)][0]
        # "<id> blob <size> <size in pack> <offset> <depth> <base id>": stored as a delta.
        self.assertEqual(len(line.split()), 7, line)

    def commit_file(self, rel, content, message):
        self.write(rel, content)
        self.git("add", rel)
        self.git("commit", "-qm", message, "--no-verify")
        return self.git("rev-parse", "HEAD").out.strip()

    def test_a_secret_only_in_a_delta_is_found_and_attributed(self):
        for jobs in ("1", "3"):
            r = self.keyward("--all-history", "--format", "json", "-j", jobs)
            self.assertEqual(r.rc, 1, r.all)
            self.assertNotIn(self.secret, r.all)
            found = [(f["rule"], f["commit"], f["path"]) for f in r.json()["findings"]]
            self.assertEqual(found, [(RULE, self.with_secret, "conf/app.cfg")], r.all)

    def test_a_damaged_delta_makes_the_sweep_incomplete(self):
        os.chmod(self.pack, 0o644)
        with open(self.pack, "rb") as f:
            data = bytearray(f.read())
        at = data.find(self.secret.encode())
        self.assertGreater(at, 0)
        self.assertEqual(data.find(self.secret.encode(), at + 1), -1)  # only in the delta
        data[at + 5] ^= 0x01
        with open(self.pack, "wb") as f:
            f.write(bytes(data))
        for jobs in ("1", "3"):
            r = self.keyward("--all-history", "-j", jobs)
            self.assertEqual(r.rc, 2, r.all)
            self.assertIn(self.blob, r.err)
            self.assertNotIn("no findings", r.all)


if __name__ == "__main__":
    unittest.main()
