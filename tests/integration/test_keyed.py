"""Keyed secrets (issue 13): values recognised by the name they are assigned to, in every
syntax people write, and the hashes, ids and public values next to a provider word that
are not secrets. Files are built at run time; every value is random.

The catalogue's context rules are data (`context` + `secret`), expanded by the loader; the
old copy-pasted name fragment must not come back into patterns/.
"""
import glob
import os
import string
import unittest

from kwtest import RULES, RepoTestCase, fake_token

HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
DJANGO = string.ascii_lowercase + string.digits + "!@#^&*(-_=+)"

# The fragment every context rule used to repeat, with an unbounded name tail.
OLD_FRAGMENT = r'''[\w.\-(]*(?:\\?["'\]]){0,3}\s{0,3}(?:=|:|=>|:=|\(|,)'''


def cohere(seed):
    return fake_token("", 40, ALNUM, seed=seed)


def hexv(n, seed):
    return fake_token("", n, HEX, seed=seed)


# (file name, content, rule that must report it, secret). One value per file.
def missed_cases():
    c = [cohere(i) for i in range(10)]
    m = fake_token("", 32, ALNUM, seed=50)
    k = hexv(32, 51)
    dj = fake_token("", 50, DJANGO, seed=52)
    return [
        ("web/cohere.js", f"const cohereApiKey = process.env.CO_API_KEY || '{c[0]}';\n", "cohere-api-key", c[0]),
        ("web/cohere2.ts", f"const key = process.env.COHERE_API_KEY ?? \"{c[1]}\";\n", "cohere-api-key", c[1]),
        ("py/cohere.py", f"key = os.getenv(\"COHERE_API_KEY\") or \"{c[2]}\"\n", "cohere-api-key", c[2]),
        ("py/cohere_get.py", f"key = os.environ.get(\"COHERE_API_KEY\", \"{c[3]}\")\n", "cohere-api-key", c[3]),
        ("src/kaggle.ts", f"export const KAGGLE_KEY: string = \"{k}\";\n", "kaggle-key", k),
        ("conf/settings.xml", f"<settings>\n  <cohereApiKey>{c[4]}</cohereApiKey>\n</settings>\n",
         "cohere-api-key", c[4]),
        ("conf/App.config", f"<appSettings>\n  <add key=\"MistralApiKey\" value=\"{m}\"/>\n</appSettings>\n",
         "mistral-api-key", m),
        ("web/django.js", f"secretKey = process.env.DJANGO_SECRET_KEY || '{dj}'\n", "django-secret-key", dj),
        ("Dockerfile", f"FROM python:3.12\nENV COHERE_API_KEY {c[5]}\n", "cohere-api-key", c[5]),
        ("run.sh", f"python chat.py --cohere-api-key {c[6]}\n", "cohere-api-key", c[6]),
        ("call.sh", f"curl https://api.cohere.com/v2/chat -H \"Authorization: Bearer {c[7]}\"\n",
         "cohere-api-key", c[7]),
        ("src/main.rs", f"const COHERE_KEY: &'static str = \"{c[8]}\";\n", "cohere-api-key", c[8]),
        ("compose.yml", f"services:\n  app:\n    environment:\n      - COHERE_API_KEY={c[9]}\n",
         "cohere-api-key", c[9]),
    ]


# (file name, content) that must give no finding at all.
def quiet_cases():
    h40 = [hexv(40, 100 + i) for i in range(4)]
    h32 = [hexv(32, 200 + i) for i in range(8)]
    u = "6cc2fea4-c1e7-4385-a75d-418dd8642af4"
    return [
        ("train.py", f"wandb.config.git_commit = \"{h40[0]}\"\n"),
        ("ci.env", f"WANDB_ARTIFACT_COMMIT={h40[1]}\n"),
        ("data.env", f"KAGGLE_DATASET_MD5={h32[0]}\n"),
        ("data.py", f"kaggle_competition_file_hash = \"{h32[1]}\"\n"),
        ("dvc.env", f"DAGSHUB_COMMIT={h40[2]}\n"),
        ("app.py", f"heroku_app_uuid = \"{u}\"\n"),
        ("log.py", f"datadog_trace_id = \"{h32[2]}\"\n"),
        ("img.py", f"linode_image_checksum = \"{h40[3]}\"\n"),
        ("idx.env", f"PINECONE_INDEX_HOST_ID={h32[3]}\n"),
        ("az.env", f"AZURE_OPENAI_DEPLOYMENT_ID={h32[4]}\n"),
        ("stt.py", f"assemblyai_transcript_id = \"{h32[5]}\"\n"),
        ("dg.py", f"deepgram_request_id = \"{u}\"\n"),
        ("pod.py", f"runpod_pod_id = \"{h32[6]}\"\n"),
        ("tg.py", f"together_model_checksum = \"{hexv(64, 300)}\"\n"),
        ("model.py", "secret = \"TheBloke/Llama-2-7B-Chat-GGUF\"\n"),
        ("search.env", f"ALGOLIA_SEARCH_API_KEY={h32[7]}\n"),
        ("modal.py", f"label = \"as-{fake_token('', 22, ALNUM, seed=400)}\"\n"
                     f"name = \"ak-{fake_token('', 22, ALNUM, seed=401)}\"\n"),
        ("oauth.go", "return fmt.Errorf(\"oauth2: cannot fetch token: %v\", err)\n"),
    ]


class KeyedRulesTest(RepoTestCase):
    def scan(self, *paths):
        r = self.keyward("--format", "json", *paths, cwd=self.repo)
        self.assertIn(r.rc, (0, 1), r.all)
        return r.json()["findings"]

    def setUp(self):
        super().setUp()
        os.makedirs(self.repo, exist_ok=True)

    def test_no_rule_file_repeats_the_old_context_fragment(self):
        files = glob.glob(os.path.join(RULES, "**", "*.toml"), recursive=True)
        self.assertTrue(files)
        for f in files:
            with open(f) as fh:
                self.assertNotIn(OLD_FRAGMENT, fh.read(), f"{f} still spells out a context rule's name regex")

    def test_missed_syntaxes_are_found(self):
        cases = missed_cases()
        for name, content, _, _ in cases:
            self.write(name, content)
        found = {(f["path"].removeprefix("./"), f["rule"]) for f in self.scan(".")}
        for name, _, rule, _ in cases:
            self.assertIn((name, rule), found, f"{name}: {rule} not reported")

    def test_missed_syntaxes_block_a_commit_and_never_show_the_value(self):
        self.init_repo()
        name, content, rule, secret = missed_cases()[0]
        self.write(name, content)
        self.git("add", name)
        r = self.commit()
        self.assertBlocked(r)
        self.assertIn(rule, r.all)
        self.assertNoSecret(r.all, secret)

    def test_hashes_ids_and_public_values_are_quiet(self):
        for name, content in quiet_cases():
            self.write(name, content)
        findings = self.scan(".")
        self.assertEqual([], [(f["path"], f["rule"]) for f in findings])

    def test_modal_tokens_need_a_modal_name(self):
        s = "as-" + fake_token("", 22, ALNUM, seed=500)
        i = "ak-" + fake_token("", 22, ALNUM, seed=501)
        self.write("set.sh", f"modal token set --token-id {i} --token-secret {s}\n")
        rules = sorted(f["rule"] for f in self.scan("set.sh"))
        self.assertEqual(["modal-token-id", "modal-token-secret"], rules)

    def test_ngrok_and_django_keys(self):
        t = "2" + fake_token("", 26, ALNUM, seed=600) + "_4" + fake_token("", 20, ALNUM, seed=601)
        self.write("ngrok.yml", f"version: 2\nauthtoken: {t}\n")
        self.write("setup.sh", f"ngrok config add-authtoken {t}\n")
        d = "django-insecure-" + fake_token("", 50, DJANGO, seed=602)
        p = fake_token("", 50, DJANGO, seed=603)
        self.write("settings.py", f"SECRET_KEY = '{d}'\n")
        self.write("prod.py", f"SECRET_KEY = '{p}'\n")
        found = {(f["path"].removeprefix("./"), f["rule"]) for f in self.scan(".")}
        for want in [("ngrok.yml", "ngrok-authtoken"), ("setup.sh", "ngrok-authtoken"),
                     ("settings.py", "django-secret-key"), ("prod.py", "django-secret-key")]:
            self.assertIn(want, found)


if __name__ == "__main__":
    unittest.main()
