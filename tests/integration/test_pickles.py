"""Python pickles and the zip torch.save writes: protocol 0 glues a 'V' opcode before each
string and protocols 2 and 3 a BINPUT 'q' after it, so a token's word boundary fails in
the raw bytes; keyward reads the strings out of the pickle. Files are built at run time
with Python's own pickle and zipfile modules, scanned on disk and committed through the
installed pre-commit hook."""
import io
import os
import pickle
import zipfile

from kwtest import RepoTestCase, fake_hf_token


def torch_like_zip(obj, method=zipfile.ZIP_STORED, name="archive"):
    """The layout torch.save writes: <name>/data.pkl (protocol 2), byteorder, tensor data, version."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr(f"{name}/data.pkl", pickle.dumps(obj, protocol=2))
        z.writestr(f"{name}/byteorder", "little")
        z.writestr(f"{name}/data/0", bytes(range(256)) * 16)
        z.writestr(f"{name}/version", "3\n")
    return buf.getvalue()


class PickleTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def files(self):
        """(path, bytes, token) for every form; each holds its own token."""
        out = []
        seed = 700
        for proto in (0, 1, 2, 3, 4, 5):
            seed += 1
            t = fake_hf_token(seed=seed)
            state = {"model_name": "bert-base", "hub_token": t, "learning_rate": 3e-5, "tags": ["a", "b"]}
            out.append((f"runs/state.p{proto}.pkl", pickle.dumps(state, protocol=proto), t))
        seed += 1
        t = fake_hf_token(seed=seed)
        # training_args.bin: torch.save of a TrainingArguments-like object's state.
        out.append(("out/training_args.bin", torch_like_zip({"output_dir": "out", "hub_token": t}, name="training_args"), t))
        seed += 1
        t = fake_hf_token(seed=seed)
        out.append(("out/model.pt", torch_like_zip({"state_dict": {}, "hub_token": t}), t))
        seed += 1
        t = fake_hf_token(seed=seed)
        out.append(("out/deflated.pt", torch_like_zip({"hub_token": t}, zipfile.ZIP_DEFLATED), t))
        return out

    def test_disk_scan_finds_every_token_at_its_file(self):
        forms = self.files()
        for rel, data, _ in forms:
            self.write(rel, data, mode="wb")
        r = self.keyward("--format", "json", ".")
        self.assertEqual(r.rc, 1, r.all)
        found = {(f["path"].removeprefix("./"), f["rule"]) for f in r.json()["findings"]}
        for rel, _, t in forms:
            with self.subTest(rel):
                self.assertIn((rel, "huggingface-user-token"), found, r.all[-3000:])
        for _, _, t in forms:
            self.assertNoSecret(r.all, t)

    def test_git_commit_is_refused_for_each_form(self):
        self.write("README.md", "base\n")
        self.git("add", "README.md")
        self.assertEqual(self.commit("base").rc, 0)
        for rel, data, t in self.files():
            with self.subTest(rel):
                self.write(rel, data, mode="wb")
                self.git("add", rel)
                r = self.commit("add state")
                self.assertBlocked(r)
                self.assertIn(rel, r.all)
                self.assertIn("huggingface-user-token", r.all)
                self.assertNoSecret(r.all, t)
                self.git("rm", "-q", "--cached", rel)
                os.remove(os.path.join(self.repo, rel))

    def test_pickle_cut_short_or_with_raw_bytes_inside_is_still_read(self):
        # joblib writes numpy arrays' bytes in the middle of its pickle; a download can be cut.
        t, u = fake_hf_token(seed=790), fake_hf_token(seed=791)
        data = pickle.dumps({"hub_token": t, "notes": "x" * 200}, protocol=2)
        self.write("cut.pkl", data[:-20], mode="wb")
        inner = pickle.dumps({"hub_token": u}, protocol=4)
        self.write("model.joblib", inner[:12] + bytes(range(256)) + inner[12:], mode="wb")
        r = self.keyward("--format", "json", "cut.pkl", "model.joblib")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual({f["path"] for f in r.json()["findings"]}, {"cut.pkl", "model.joblib"}, r.all)
        self.assertNoSecret(r.all, t)

    def test_clean_pickles_pass(self):
        self.write("clean.pkl", pickle.dumps({"model_name": "bert-base", "epochs": 3, "tags": ["x"]}, protocol=2),
                   mode="wb")
        self.write("clean.pt", torch_like_zip({"state_dict": {"w": [0.1, 0.2]}}), mode="wb")
        self.write("notes.txt", "(see the README) for the details.", mode="w")
        r = self.keyward("--format", "json", "clean.pkl", "clean.pt", "notes.txt")
        self.assertEqual(r.rc, 0, r.all)


if __name__ == "__main__":
    import unittest
    unittest.main()
