"""The word filter: `hf_` + 34 letters that spell an identifier made of words (code
generators, tests) is not a token, on disk and through a real commit; tokens with random
letters, built at run time, are all still reported."""
import random
import string

from kwtest import RepoTestCase, fake_hf_token

PIECES = ["Pretrained", "Cache", "Causal", "Default", "Vision", "Tokenizer", "Fast", "Config",
          "Model", "Layer", "Norm", "Attention", "Mask", "Image", "Processor", "Feature", "Output",
          "Encoder", "Decoder", "Embedding", "Loader", "Dataset", "Sampler", "Trainer", "State"]


def identifier(rng):
    """A 34-letter identifier made of the pieces (the last one cut to fit, as generators do)."""
    out = ""
    while len(out) < 34:
        out += rng.choice(PIECES)
    return "hf_" + out[:34]


class WordFilterTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def test_identifiers_made_of_words_are_not_reported(self):
        rng = random.Random(13)
        names = sorted({identifier(rng) for _ in range(40)})
        names.append("hf_" + "".join(p.lower() for p in ["pretrained", "cache", "causal", "default", "vision"]))
        self.write("gen/names.py", "".join(f'CLASS_{i} = "{n}"\n' for i, n in enumerate(names)))
        r = self.keyward("--format", "json", "gen")
        self.assertEqual(r.rc, 0, r.all[-2000:])
        self.git("add", "gen/names.py")
        self.assertEqual(self.commit("generated names").rc, 0)

    def test_random_tokens_are_all_still_reported(self):
        tokens = [fake_hf_token(seed=5000 + i) for i in range(300)]
        rng = random.Random(99)
        for style in (string.ascii_lowercase, string.ascii_uppercase):
            tokens += ["hf_" + "".join(rng.choice(style) for _ in range(34)) for _ in range(100)]
        self.write("tokens.txt", "".join(f"token = {t}\n" for t in tokens))
        r = self.keyward("--format", "json", "tokens.txt")
        self.assertEqual(r.rc, 1)
        lines = {f["line"] for f in r.json()["findings"] if f["rule"] == "huggingface-user-token"}
        self.assertEqual(len(lines), len(tokens), "a random token was taken for words")
        self.git("add", "tokens.txt")
        self.assertBlocked(self.commit("tokens"))
