"""Binary glue read as an assigned value, and query strings read as one value (the last
false alarms of the precision benchmark, docs/benchmarks.md "Precision"):

- bytecode: marshal writes each string constant as its type byte (`z`), a length byte and
  the text, so a prompt ending in `Password: ` runs into the next constant,
  `z+datamigration.projects.locations.operations` (gcloud's `update.cpython-312.pyc`);
- Go binaries store strings of one length end to end, so `PWD=` runs into Unicode script
  names (`PATHAhomChamKawiLisu...`, `OldItalicOldPermic...`; App Engine's go-app-stager);
- in a URL or form body `&` ends a value: `?oauth_token=T&foo=bar` is the token T
  (requests-oauthlib's docstring).

Every file is built here at run time: a real .pyc from py_compile, a Go-like ELF blob.
Real passwords and tokens in the same syntaxes are still reported.
"""
import os
import py_compile
import string
import sys

from kwtest import RepoTestCase, fake_token

ALNUM = string.ascii_letters + string.digits
PASSWORD_CHARS = ALNUM + "!#%*"

PROMPT_MODULE = '''def run(client, console_io, ref):
    password = console_io.PromptPassword("Please Enter Password: ")
    return client.Parse(ref, collection="datamigration.projects.locations.operations")
'''

# Go's string data: strings sorted by length, stored end to end, no separators.
GO_FOUR = ["PATH", "Ahom", "Cham", "Kawi", "Lisu", "Miao", "Modi", "Newa", "Thai", "Toto", "Type",
           "Body", "Spec", "File", "quit", "From", "icmp", "igmp", "ftps", "pop3", "smtp", "dial"]
GO_SCRIPTS = ["OldItalic", "OldPermic", "OldPersian", "OldSogdian", "OldTurkic", "OldUyghur",
              "Phoenician", "Samaritan", "Sundanese", "Tagbanwa", "Tifinagh", "Ugaritic"]


def go_blob(strings):
    """An ELF file with Go's build-info marker and the given glued string data between
    NUL-padded binary."""
    body = b"\x7fELF\x02\x01\x01" + bytes(9) + bytes(range(256)) * 4
    body += b"\xff Go buildinf:\x08\x02" + bytes(16)
    body += bytes(64) + strings + bytes(64) + bytes(range(255, -1, -1)) * 4
    return body


class BinaryGlueTest(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.init_repo()

    def scan(self, *paths):
        r = self.keyward("--format", "json", *paths)
        self.assertIn(r.rc, (0, 1), r.all)
        return r, r.json()["findings"]

    def compile_module(self, rel, source):
        self.write(rel, source)
        d, name = os.path.split(rel)
        pyc = os.path.join(d, "__pycache__", f"{name[:-3]}.{sys.implementation.cache_tag}.pyc")
        py_compile.compile(os.path.join(self.repo, rel), cfile=os.path.join(self.repo, pyc), doraise=True)
        with open(os.path.join(self.repo, pyc), "rb") as f:
            return pyc, f.read()

    def test_pyc_prompt_glued_to_a_collection_name_is_no_password(self):
        pyc, data = self.compile_module("surface/update.py", PROMPT_MODULE)
        # The shape the benchmark met: the prompt, then `z`, a length byte of 43 (`+`), the name.
        glued = b"Password: z+datamigration.projects.locations.operations"
        self.assertIn(glued, data, "marshal no longer glues the constants this way")
        r, fs = self.scan(pyc)
        self.assertEqual(fs, [], r.all)
        self.assertEqual(r.rc, 0)
        os.remove(os.path.join(self.repo, "surface/update.py"))
        self.git("add", "-f", pyc)
        self.assertEqual(self.commit("bytecode").rc, 0)

    def test_pyc_real_password_is_still_found(self):
        pw = fake_token("", 16, PASSWORD_CHARS, seed=1301)
        # One constant holds name and value (a `password = "..."` statement puts the name in
        # co_names, after the value, where no rule reads it as an assignment).
        pyc, data = self.compile_module("app/db.py", f'DSN = "host=db user=svc password={pw} dbname=app"\n')
        self.assertIn(pw.encode(), data)
        os.remove(os.path.join(self.repo, "app/db.py"))
        r, fs = self.scan(pyc)
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([f["rule"] for f in fs], ["generic-password-assignment"])
        self.assertNoSecret(r.all, pw)

    def test_go_binary_glued_script_names_are_no_password(self):
        four = b"GOOS.gox" + b"PWD=" + "".join(GO_FOUR).encode() + b" \r\t\n"
        nine = b"password: " + "".join(GO_SCRIPTS).encode() + b"\x00"
        self.write("bin/go-app-stager", go_blob(four + bytes(32) + nine), mode="wb")
        r, fs = self.scan("bin")
        self.assertEqual(fs, [], r.all)
        self.assertEqual(r.rc, 0)

    def test_go_binary_real_password_is_still_found(self):
        pw = fake_token("", 20, PASSWORD_CHARS, seed=1302)
        self.write("bin/tool", go_blob(b"GOOS.goxPWD=" + pw.encode() + b" \r\t\n"), mode="wb")
        r, fs = self.scan("bin")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual([f["rule"] for f in fs], ["generic-password-assignment"])
        self.assertNoSecret(r.all, pw)

    def test_ampersand_ends_a_query_value(self):
        tok = fake_token("", 24, ALNUM, seed=1303)
        sec = fake_token("", 24, ALNUM, seed=1304)
        cs = fake_token("", 32, ALNUM, seed=1305)
        self.write("auth.py",
                   "        >>> oauth_session.authorization_url(authorization_url, foo='bar')\n"
                   "        'https://api.twitter.com/oauth/authorize?oauth_token=sdf0o9823sjdfsdf&foo=bar'\n"
                   f"url = 'https://api.acme.io/oauth/authorize?oauth_token={tok}&foo=bar'\n"
                   f"redirect = 'https://app.acme.io/cb#access_token={sec}&token_type=bearer&expires_in=3600'\n"
                   f"form = 'grant_type=refresh_token&client_secret={cs}&scope=read'\n")
        r, fs = self.scan("auth.py")
        self.assertEqual(r.rc, 1, r.all)
        got = {f["line"]: f for f in fs}
        # The docstring's keyboard run is no token once `&foo=bar` is not taken into it.
        self.assertEqual(sorted(got), [3, 4, 5], r.all)
        for line, value in ((3, tok), (4, sec), (5, cs)):
            f = got[line]
            self.assertEqual(f["rule"], "generic-secret-assignment")
            self.assertEqual(f["end_column"] - f["column"], len(value), f)
            self.assertTrue(f["secret"].endswith(value[-2:]), f)
            self.assertNoSecret(r.all, value)
