"""`keyward PATH` scans many files on every core; the report must not depend on it."""
import os
import unittest

from kwtest import RepoTestCase, fake_hf_token


class ParallelDiskScan(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "models")
        self.tokens = {}
        for i in range(120):
            d = os.path.join(self.root, f"part{i % 7}")
            os.makedirs(d, exist_ok=True)
            body = "".join(f"weight_{k} = {k * i}\n" for k in range(50))
            if i % 40 == 3:
                tok = fake_hf_token(500 + i)
                self.tokens[f"models/part{i % 7}/f{i}.py"] = tok
                body += f'HF_TOKEN = "{tok}"\n'
            with open(os.path.join(d, f"f{i}.py"), "w") as f:
                f.write(body)
        # A large file goes through the mapped path, a tiny and an empty one through reads.
        with open(os.path.join(self.root, "big.txt"), "w") as f:
            f.write("x = 1\n" * 300000 + f"token: {fake_hf_token(900)}\n")
        self.tokens["models/big.txt"] = None
        open(os.path.join(self.root, "empty.txt"), "w").close()

    def scan(self, *jobs):
        r = self.keyward("--format", "json", *jobs, "models", cwd=self.tmp)
        self.assertEqual(r.rc, 1, r.all)
        return r.json()

    def test_same_report_on_one_and_many_threads(self):
        one, many = self.scan("-j", "1"), self.scan("-j", "4")
        self.assertEqual(one["findings"], many["findings"])
        self.assertEqual(one["stats"]["blobs"], many["stats"]["blobs"])
        self.assertEqual(one["stats"]["bytes"], many["stats"]["bytes"])
        self.assertEqual(one["stats"]["blobs"], 122)
        paths = [f["path"] for f in many["findings"]]
        self.assertEqual(sorted(paths), sorted(self.tokens))
        big = [f for f in many["findings"] if f["path"] == "models/big.txt"][0]
        self.assertEqual(big["line"], 300001)


if __name__ == "__main__":
    unittest.main()
