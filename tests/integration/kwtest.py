"""Shared helpers for keyward's integration tests: real repositories in temporary
directories, real git, the real keyward binary and the real hook.

Token-shaped strings are built at run time (fake_token), never stored as literals.
"""
import json
import os
import random
import shutil
import string
import subprocess
import tempfile
import unittest

KEYWARD = os.environ.get("KEYWARD_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "keyward")
KEYWARD = os.path.abspath(KEYWARD)
SOURCE_DIR = os.path.abspath(os.environ.get("KEYWARD_SOURCE_DIR") or
                             os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = os.environ.get("KEYWARD_RULES") or os.path.join(SOURCE_DIR, "patterns")
SHARED_CACHE = os.environ.get("KEYWARD_CACHE_DIR") or os.path.join(
    tempfile.gettempdir(), f"keyward-test-cache-{os.getuid()}")


def fake_token(prefix, n, alphabet=string.ascii_letters, seed=None):
    """A random token that the placeholder filter will not mistake for an example value."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        c = rng.choice(alphabet)
        if out and out[-1] == c:
            continue
        out.append(c)
    return prefix + "".join(out)


def fake_hf_token(seed=None):
    return fake_token("hf_", 34, seed=seed)


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def all(self):
        return self.out + self.err

    def json(self):
        return json.loads(self.out)


class RepoTestCase(unittest.TestCase):
    """Each test gets a fresh directory with its own HOME, cache and git identity."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="keyward-it-")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("GIT_") or k in ("KEYWARD_SKIP", "NO_COLOR"):
                del self.env[k]
        self.env.update({
            "HOME": self.home,
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            # One pattern cache for the whole suite: compiling ~500 rules takes seconds, and
            # cache files are written atomically, so concurrent tests can share it. A test
            # about the cache itself sets its own.
            "KEYWARD_CACHE_DIR": SHARED_CACHE,
            "KEYWARD_RULES": RULES,
            "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.invalid",
            "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C.UTF-8",
        })
        self.repo = os.path.join(self.tmp, "repo")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- processes -------------------------------------------------------------------
    def run_cmd(self, args, cwd=None, input=None, env=None, check=False):
        e = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)  # None removes a variable
            else:
                e[k] = v
        p = subprocess.run(args, cwd=cwd or self.repo, input=input, env=e,
                           capture_output=True, text=True, errors="replace", timeout=600)
        if check and p.returncode != 0:
            raise AssertionError(f"{args} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return Result(p)

    def git(self, *args, check=True, **kw):
        return self.run_cmd(["git", *args], check=check, **kw)

    def keyward(self, *args, **kw):
        return self.run_cmd([KEYWARD, *args], **kw)

    # --- repositories ----------------------------------------------------------------
    def init_repo(self, path=None, hook=True):
        path = path or self.repo
        os.makedirs(path, exist_ok=True)
        self.run_cmd(["git", "init", "-q", "-b", "main", path], cwd=self.tmp, check=True)
        if hook:
            r = self.keyward("install", cwd=path)
            self.assertEqual(r.rc, 0, r.all)
        return path

    def write(self, rel, content, mode="w"):
        p = os.path.join(self.repo, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as f:
            f.write(content)
        return p

    def commit(self, message="change", *extra):
        return self.git("commit", "-m", message, *extra, check=False)

    def assertBlocked(self, r):
        self.assertNotEqual(r.rc, 0, f"commit should be blocked:\n{r.all}")

    def assertNoSecret(self, text, secret):
        self.assertNotIn(secret, text, "the raw secret leaked into output")
