"""Published documentation examples (patterns/documented-examples.txt: jwt.io, RFC 6749,
AWS's EXAMPLE keys, Stripe's documentation keys, ...) are never reported, written the way
tutorials write them; a value one character off each is still found. The values are read
from the data file at run time: no literal is repeated here."""
import os

from kwtest import RULES, RepoTestCase


def example_values():
    values, section = [], None
    with open(os.path.join(RULES, "documented-examples.txt")) as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif line and not line.startswith("#") and section == "[values]":
                values.append(line)
    return values


def contexts(v):
    """Lines that put v where rules look: an assignment, a bearer header, a key name."""
    return [f'token = "{v}"', f"Authorization: Bearer {v}", f"client_secret: {v}",
            f"aws_secret_access_key = {v}", f"aws_access_key_id = {v}", f"stripe.api_key = '{v}'"]


def near_miss(v):
    """v with its last letter or digit changed."""
    s = list(v)
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if c.isalnum() and c not in "zZ9":
            s[i] = chr(ord(c) + 1)
            return "".join(s)
    return v + "x"


class DocumentedExamplesTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()
        self.values = example_values()
        self.assertGreater(len(self.values), 20)

    def test_a_file_holding_every_example_scans_clean_and_commits(self):
        body = "".join(line + "\n" for v in self.values for line in contexts(v))
        self.write("docs/tutorial.md", body)
        r = self.keyward("--format", "json", "docs")
        self.assertEqual(r.rc, 0, r.all[-3000:])
        self.git("add", "docs/tutorial.md")
        self.assertEqual(self.commit("tutorial").rc, 0)

    def test_each_example_alone_scans_clean(self):
        for i, v in enumerate(self.values):
            with self.subTest(i=i, length=len(v)):
                self.write(f"one/{i}.txt", "".join(line + "\n" for line in contexts(v)))
        r = self.keyward("--format", "json", "one")
        self.assertEqual(r.rc, 0, r.all[-3000:])

    def test_near_misses_are_still_reported(self):
        # Every example some rule would report, one character off: still reported. Values
        # marked EXAMPLE stay examples however edited (the marking says so), and some
        # examples are too short or plain for any rule.
        misses = [near_miss(v) for v in self.values if "EXAMPLE" not in v]
        for i, v in enumerate(misses):
            self.write(f"miss/{i}.txt", "".join(line + "\n" for line in contexts(v)))
        r = self.keyward("--format", "json", "miss")
        self.assertEqual(r.rc, 1, r.all[-3000:])
        found = {f["path"].split("/")[-1] for f in r.json()["findings"]}
        # Each kind some rule finds: JWTs, Stripe keys, RFC 6749/7636/7617/5849 values, Mailgun, Google.
        wanted = [i for i, v in enumerate(misses)
                  if v.startswith(("eyJ", "sk_test_", "key-", "1/", "7Fjf", "Splx", "tGzv", "czZC", "dBjf",
                                   "E9Me", "QWxh", "wOJI"))]
        self.assertGreaterEqual(len(wanted), 10)
        for i in wanted:
            with self.subTest(i=i):
                self.assertIn(f"{i}.txt", found)

    def test_example_domain_credentials(self):
        self.write("a.md", "git clone https://deploy:Zq8Lw3Rt7Yp2Nm5K@git.example.com/team/repo.git\n"
                           "DATABASE_URL=postgres://app:Zq8Lw3Rt7Yp2Nm5K@db.example.org:5432/app\n")
        self.write("b.md", "git clone https://deploy:Zq8Lw3Rt7Yp2Nm5K@git.corp-internal.io/team/repo.git\n")
        r = self.keyward("--format", "json", "a.md", "b.md")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual({f["path"] for f in r.json()["findings"]}, {"b.md"}, r.all)
