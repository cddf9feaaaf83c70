"""A history sweep long enough that the walk runs ahead of the blob scan (issue 14). On 1, 2
and 3 threads the findings are the same (a secret in the first, a middle and the last blob, and a
configuration rule's token beside them), and a missing or corrupt blob placed early, in the
middle and late still makes the sweep exit 2, naming every one of them. (The queue bound
itself, past which the walk's own thread scans too, is 65,536 jobs per worker, beyond this
repository; scan_driver_test.cc drives the driver past it.)
"""
import os
import random
import string
import subprocess
import unittest

from kwtest import RepoTestCase, fake_hf_token, fake_token

N_BLOBS = 30000
N_COMMITS = 3
SECRETS = (0, N_BLOBS // 2, N_BLOBS - 1)
ACME = (7, N_BLOBS // 3, N_BLOBS - 3)
BROKEN = (100, N_BLOBS // 2 + 1, N_BLOBS - 10)
CONFIG = """
[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''acme_live_([a-z0-9]{32})'''
entropy = 2.0
keywords = ["acme_live_"]
"""


def acme_token(seed):
    return fake_token("acme_live_", 32, string.ascii_lowercase + string.digits, seed=seed)


def path_of(i):
    return f"d{i % 97}/f{i}.txt"


class HistoryBoundedQueueTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.repo)
        self.git("init", "-q", "-b", "main", self.repo, cwd=self.tmp)
        rng = random.Random(1)
        filler = "".join(rng.choice(string.ascii_letters) for _ in range(1500))
        out, per, t = [], N_BLOBS // N_COMMITS, 1700000000
        for c in range(N_COMMITS):
            out.append(f"commit refs/heads/main\ncommitter T <t@e.invalid> {t + c} +0000\ndata 3\nc{c}\n")
            for i in range(c * per, (c + 1) * per):
                body = f"file {i}\n{filler[i % 97:]}\n"
                if i in SECRETS:
                    body += f"token = {fake_hf_token(seed=i)}\n"
                if i in ACME:
                    body += f"acme = {acme_token(i)}\n"
                data = body.encode()
                out.append(f"M 100644 inline {path_of(i)}\ndata {len(data)}\n{body}")
            out.append("\n")
        subprocess.run(["git", "-C", self.repo, "fast-import", "--quiet"], input="".join(out).encode(),
                       check=True, env=self.env)
        self.config = os.path.join(self.tmp, "acme.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG)

    def sweep(self, jobs):
        r = self.keyward("--all-history", "-j", str(jobs), "--no-progress", "--config", self.config,
                         "--format", "json")
        return r, sorted((f["path"], f["rule"]) for f in r.json()["findings"]) if r.out.strip() else None

    def test_same_findings_on_one_two_and_three_threads(self):
        want = sorted([(path_of(i), "huggingface-user-token") for i in SECRETS] +
                      [(path_of(i), "acme-api-key") for i in ACME])
        for jobs in (1, 2, 3):
            r, found = self.sweep(jobs)
            self.assertEqual(r.rc, 1, f"-j {jobs}: {r.err}")
            self.assertEqual(found, want, f"-j {jobs}")
            for i in SECRETS:
                self.assertNoSecret(r.all, fake_hf_token(seed=i))

    def break_blobs(self, corrupt):
        """Repacks without the BROKEN blobs; corrupt: puts an unreadable loose object in their place."""
        victims = [self.git("rev-parse", f"main:{path_of(i)}").out.strip() for i in BROKEN]
        every = self.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").out.split()
        keep = "".join(o + "\n" for o in every if o not in victims)
        pack_dir = os.path.join(self.repo, ".git", "objects", "pack")
        old = [os.path.join(pack_dir, f) for f in os.listdir(pack_dir)]
        self.run_cmd(["git", "pack-objects", "-q", os.path.join(pack_dir, "pack")], input=keep, check=True)
        for f in old:
            os.remove(f)
        if corrupt:
            for v in victims:
                d = os.path.join(self.repo, ".git", "objects", v[:2])
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, v[2:]), "wb") as f:
                    f.write(b"not a zlib stream")
        return victims

    def check_broken(self, corrupt):
        victims = self.break_blobs(corrupt)
        for jobs in (1, 2, 3):
            r, found = self.sweep(jobs)
            self.assertEqual(r.rc, 2, f"-j {jobs}: {r.err}")
            for v in victims:
                self.assertIn(v, r.err, f"-j {jobs}")
            self.assertEqual(len(found), len(SECRETS) + len(ACME), f"-j {jobs}: the other blobs are still scanned")

    def test_missing_blobs_early_middle_late_exit_2(self):
        self.check_broken(corrupt=False)

    def test_corrupt_blobs_early_middle_late_exit_2(self):
        self.check_broken(corrupt=True)


if __name__ == "__main__":
    unittest.main()
