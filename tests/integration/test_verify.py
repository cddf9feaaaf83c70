"""--verify and `keyward revoke` against local fakes of the providers' endpoints: an HTTPS
server on 127.0.0.1 with a certificate made at test time, reached through the test-only
KEYWARD_TEST_VERIFY_BASE_URL / KEYWARD_TEST_CA_BUNDLE. No test touches the network."""
import base64
import binascii
import hashlib
import hmac
import http.server
import json
import os
import shutil
import socket
import ssl
import string
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import zlib

from kwtest import KEYWARD, RepoTestCase, fake_hf_token, fake_token

LIVE_USER = "alice-test"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def github_pat(seed):
    """A classic GitHub token whose last 6 characters are the base62 CRC32 of its body."""
    body = fake_token("", 30, string.ascii_letters + string.digits, seed=seed)
    v, tail = zlib.crc32(body.encode()), []
    for _ in range(6):
        tail.append(B62[v % 62])
        v //= 62
    return "gh" + "p_" + body + "".join(reversed(tail))


class FakeProviders:
    """Hugging Face's whoami-v2 and credentials/revoke, and AWS STS, answering per token:
    behaviour[token] is live / invalid / ratelimit / slow / malformed."""

    def __init__(self, tmp):
        self.behaviour = {}
        self.aws_secrets = {}  # access key id -> secret key, to check SigV4 signatures
        self.requests = []
        self.lock = threading.Lock()
        self.cert = os.path.join(tmp, "cert.pem")
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                        self.cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body=b"", ctype="application/json", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with fake.lock:
                    fake.requests.append({"method": self.command, "path": self.path,
                                          "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                if self.path == "/api/whoami-v2":
                    token = (self.headers.get("Authorization") or "").replace("Bearer ", "", 1)
                    b = fake.behaviour.get(token, "invalid")
                    if b == "live":
                        return self.reply(200, json.dumps({"type": "user", "name": LIVE_USER, "auth": {
                            "type": "access_token", "accessToken": {"displayName": "t", "role": "write"}}}).encode())
                    if b == "ratelimit":
                        return self.reply(429, b'{"error": "rate limited"}')
                    if b == "slow":
                        time.sleep(8)
                        return self.reply(200, b'{"name": "late"}')
                    if b == "malformed":
                        return self.reply(200, b"<html>not json", "text/html")
                    return self.reply(401, b'{"error": "Invalid credentials in Authorization header"}')
                if self.path == "/user":
                    token = (self.headers.get("Authorization") or "").replace("token ", "", 1)
                    if fake.behaviour.get(token) == "live":
                        return self.reply(200, b'{"login": "octo-test", "id": 1}',
                                          headers=[("X-OAuth-Scopes", "repo, read:org")])
                    return self.reply(401, b'{"message": "Bad credentials"}')
                if self.path == "/api/credentials/revoke":
                    return self.reply(202, b'{"message": "Revocation requested"}')
                if self.path == "/" and self.command == "POST":
                    ok = fake.check_sigv4(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                          body)
                    if ok:
                        return self.reply(200, b"<GetCallerIdentityResponse><GetCallerIdentityResult>"
                                               b"<Account>123456789012</Account></GetCallerIdentityResult>"
                                               b"</GetCallerIdentityResponse>", "text/xml")
                    return self.reply(403, b"<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error>"
                                           b"</ErrorResponse>", "text/xml")
                return self.reply(404, b"{}")

            do_GET = do_POST = handle_any

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, key)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def check_sigv4(self, method, path, headers, body):
        auth = headers.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return False
        fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        key_id, date, region, service, _ = fields["Credential"].split("/")
        secret = self.aws_secrets.get(key_id)
        if secret is None:
            return False
        signed = fields["SignedHeaders"].split(";")
        canonical = "\n".join([method, path, "", "".join(f"{h}:{headers[h].strip()}\n" for h in signed),
                               ";".join(signed), hashlib.sha256(body).hexdigest()])
        scope = f"{date}/{region}/{service}/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", headers["x-amz-date"], scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        k = ("AWS4" + secret).encode()
        for part in (date, region, service, "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        return hmac.compare_digest(hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest(), fields["Signature"])

    def paths(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def encodings(secret):
    """The secret as it could leak: raw and in common encodings."""
    b = secret.encode()
    return [secret, base64.b64encode(b).decode(), base64.urlsafe_b64encode(b).decode().rstrip("="),
            binascii.hexlify(b).decode(), urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1]]


class VerifyTestCase(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.fake = FakeProviders(self.tmp)
        self.addCleanup(self.fake.stop)
        self.env.update({"KEYWARD_TEST_VERIFY_BASE_URL": f"https://127.0.0.1:{self.fake.port}",
                         "KEYWARD_TEST_CA_BUNDLE": self.fake.cert, "NO_PROXY": "127.0.0.1"})
        for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            self.env.pop(k, None)
        os.makedirs(self.repo, exist_ok=True)

    def token(self, seed, behaviour):
        t = fake_hf_token(1000 + seed)
        self.fake.behaviour[t] = behaviour
        return t

    def verify_json(self, *paths, extra=()):
        r = self.keyward("--verify", "--format", "json", *extra, *paths)
        self.assertIn(r.rc, (0, 1), r.all)
        return r, {f["secret"]: f for f in r.json()["findings"]}

    def assertNoLeak(self, text, secret):
        for form in encodings(secret):
            self.assertNotIn(form, text, "the secret (or an encoding of it) leaked")


class VerifyResults(VerifyTestCase):
    def test_live_invalid_rate_limited_and_malformed_in_one_run(self):
        live, invalid, limited, malformed = (self.token(1, "live"), self.token(2, "invalid"),
                                             self.token(3, "ratelimit"), self.token(4, "malformed"))
        self.write("a.env", "".join(f"HF_TOKEN_{i}={t}\n" for i, t in enumerate([limited, live, invalid, malformed])))
        r = self.keyward("--verify", "--format", "json", "a.env")
        self.assertEqual(r.rc, 1, r.all)
        found = {f["line"]: f for f in r.json()["findings"]}
        self.assertEqual(found[1]["verification"], "unknown")
        self.assertEqual(found[1]["verification_reason"], "rate limited")
        # The rate limit on the first did not stop the others.
        self.assertEqual(found[2]["verification"], "live")
        self.assertEqual(found[2]["verification_identity"], {"user": LIVE_USER, "role": "write"})
        self.assertEqual(found[3]["verification"], "invalid")
        self.assertEqual(found[4]["verification"], "unknown")
        self.assertIn("malformed", found[4]["verification_reason"])
        self.assertEqual(len(self.fake.paths("/api/whoami-v2")), 4)
        # Each request carried its own token to the documented path, and was sent once.
        sent = sorted(q["headers"]["authorization"] for q in self.fake.paths("/api/whoami-v2"))
        self.assertEqual(sent, sorted(f"Bearer {t}" for t in [limited, live, invalid, malformed]))
        self.assertIn("WARNING: KEYWARD_TEST_VERIFY_BASE_URL is set", r.err)

    def test_text_and_sarif_show_the_verdict(self):
        live = self.token(5, "live")
        self.write("a.env", f"HF_TOKEN={live}\n")
        r = self.keyward("--verify", "--color", "never", "a.env")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn(f"verified: live (user {LIVE_USER}, role write)", r.out)
        r = self.keyward("--verify", "--format", "sarif", "a.env")
        props = json.loads(r.out)["runs"][0]["results"][0]["properties"]
        self.assertEqual(props["verification"], "live")
        self.assertEqual(props["verificationIdentity"], {"user": LIVE_USER, "role": "write"})

    def test_without_verify_nothing_is_sent(self):
        self.write("a.env", f"HF_TOKEN={self.token(6, 'live')}\n")
        r = self.keyward("--format", "json", "a.env")
        self.assertEqual(r.rc, 1, r.all)
        self.assertNotIn("verification", r.out)
        self.assertEqual(self.fake.requests, [])

    def test_slow_provider_is_unknown_within_the_timeout(self):
        slow, live = self.token(7, "slow"), self.token(8, "live")
        self.write(".keyward.toml", "[verify]\ntimeout = 1\n")
        self.write("a.env", f"A={slow}\nB={live}\n")
        t0 = time.monotonic()
        r, found = self.verify_json("a.env")
        elapsed = time.monotonic() - t0
        self.assertEqual(found[r.json()["findings"][0]["secret"]]["verification"], "unknown")
        first = r.json()["findings"][0]
        self.assertEqual(first["verification"], "unknown")
        self.assertIn("timed out", first["verification_reason"])
        self.assertEqual(r.json()["findings"][1]["verification"], "live")
        # The server sleeps 8 s; keyward gives up after its 1 s (a generous margin for a busy machine).
        self.assertLess(elapsed, 6.0, r.all)
        self.assertEqual(r.err.count("got no answer"), 1, r.err)

    def test_100_findings_of_10_distinct_secrets_make_10_requests(self):
        tokens = [self.token(20 + i, "live") for i in range(10)]
        for f in range(10):
            self.write(f"f{f}.env", "".join(f"T{i}={t}\n" for i, t in enumerate(tokens)))
        r = self.keyward("--verify", "--format", "json", ".")
        self.assertEqual(r.rc, 1, r.all)
        findings = r.json()["findings"]
        self.assertEqual(len(findings), 100)
        self.assertTrue(all(f["verification"] == "live" for f in findings))
        self.assertEqual(len(self.fake.requests), 10)

    def test_github_login_and_scopes(self):
        live, dead = github_pat(1), github_pat(2)
        self.fake.behaviour[live] = "live"
        self.write("ci.env", f"GITHUB_TOKEN={live}\nOLD_TOKEN={dead}\n")
        r, found = self.verify_json("ci.env")
        first, second = r.json()["findings"]
        self.assertEqual(first["verification"], "live", r.all)
        self.assertEqual(first["verification_identity"], {"login": "octo-test", "scopes": "repo, read:org"})
        self.assertEqual(second["verification"], "invalid")
        self.assertEqual(sorted(q["headers"]["authorization"] for q in self.fake.paths("/user")),
                         sorted([f"token {live}", f"token {dead}"]))

    def test_aws_pair_is_signed_and_the_secret_key_never_sent(self):
        key_id = "AKIA" + fake_token("", 16, alphabet=string.ascii_uppercase + "234567", seed=5)
        secret = fake_token("", 40, alphabet=string.ascii_letters + string.digits + "+/", seed=6)
        self.fake.aws_secrets[key_id] = secret
        self.write("creds.csv", f"{key_id},{secret}\n")
        r = self.keyward("--verify", "--format", "json", "creds.csv")
        pair = [f for f in r.json()["findings"] if f["rule"] == "aws-credential-pair"]
        self.assertEqual(len(pair), 1, r.all)
        self.assertEqual(pair[0]["verification"], "live", r.all)
        self.assertEqual(pair[0]["verification_identity"], {"account": "123456789012"})
        (req,) = self.fake.paths("/")
        self.assertEqual(req["body"], b"Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual(req["headers"]["host"], "sts.amazonaws.com")
        everything = json.dumps(req["headers"]) + req["body"].decode()
        self.assertNoLeak(everything, secret)
        # A wrong secret (the same key id) is invalid: the fake checks the signature.
        other = fake_token("", 40, alphabet=string.ascii_letters + string.digits + "+/", seed=7)
        self.write("creds.csv", f"{key_id},{other}\n")
        r = self.keyward("--verify", "--format", "json", "creds.csv")
        pair = [f for f in r.json()["findings"] if f["rule"] == "aws-credential-pair"]
        self.assertEqual(pair[0]["verification"], "invalid", r.all)

    def test_the_secret_never_appears_in_any_output_or_report(self):
        tokens = [self.token(40, "live"), self.token(41, "invalid"), self.token(42, "ratelimit")]
        self.write("a.env", "".join(f"T{i}={t}\n" for i, t in enumerate(tokens)))
        outputs = []
        for fmt in ("text", "json", "sarif", "gitlab"):
            report = os.path.join(self.tmp, f"report.{fmt}")
            r = self.keyward("--verify", "--format", fmt, "-v", "a.env")
            outputs += [r.out, r.err]
            r = self.keyward("--verify", "--format", fmt, "-o", report, "a.env")
            outputs += [r.out, r.err]
            with open(report) as f:
                outputs.append(f.read())
        r = self.keyward("revoke", "--yes", "a.env")
        outputs += [r.out, r.err]
        for t in tokens:
            for o in outputs:
                self.assertNoLeak(o, t)

    def test_unreachable_address_is_unknown_and_said_once(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        tokens = [self.token(50 + i, "live") for i in range(3)]
        self.write("a.env", "".join(f"T{i}={t}\n" for i, t in enumerate(tokens)))
        t0 = time.monotonic()
        r = self.keyward("--verify", "--format", "json", "a.env",
                         env={"KEYWARD_TEST_VERIFY_BASE_URL": f"https://127.0.0.1:{port}"})
        self.assertLess(time.monotonic() - t0, 30, "must never hang")
        self.assertEqual(r.rc, 1, r.all)
        self.assertTrue(all(f["verification"] == "unknown" for f in r.json()["findings"]))
        self.assertEqual(r.err.count("got no answer"), 1, r.err)
        self.assertIn("cannot connect", r.err)

    def test_a_repository_config_cannot_add_verification_requests(self):
        # An extra rule in .keyward.toml with its own [rules.verify]: never sent.
        self.write(".keyward.toml", '[[rules]]\nid = "team-token"\ndescription = "team token"\n'
                                    "regex = '''(tt_[a-z]{20})'''\n"
                                    '[rules.verify]\nurl = "https://127.0.0.1/api/whoami-v2"\n')
        self.write("a.env", "X=tt_" + fake_token("", 20, alphabet=string.ascii_lowercase, seed=3) + "\n")
        r = self.keyward("--verify", "--format", "json", "a.env")
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(r.json()["findings"][0]["verification"], "unknown")
        self.assertEqual(self.fake.requests, [])


class ConnectProxy:
    """An HTTP CONNECT proxy on 127.0.0.1 that counts the tunnels it opens."""

    def __init__(self):
        self.tunnels = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.tunnel, args=(client,), daemon=True).start()

    def tunnel(self, client):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return client.close()
            head += chunk
        target = head.split(b" ")[1].decode()
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join()
        client.close()
        upstream.close()

    def stop(self):
        self.sock.close()


class Network(VerifyTestCase):
    def test_https_proxy_is_honoured(self):
        proxy = ConnectProxy()
        self.addCleanup(proxy.stop)
        token = self.token(80, "live")
        self.write("a.env", f"HF_TOKEN={token}\n")
        r = self.keyward("--verify", "--format", "json", "a.env",
                         env={"HTTPS_PROXY": f"http://127.0.0.1:{proxy.port}", "NO_PROXY": None})
        self.assertEqual(r.json()["findings"][0]["verification"], "live", r.all)
        self.assertEqual(proxy.tunnels, [f"127.0.0.1:{self.fake.port}"])

    def test_without_libcurl_says_so_once_and_reports_unknown(self):
        # A libcurl.so.4 that cannot be loaded comes first on the library path.
        libdir = os.path.join(self.tmp, "lib")
        os.makedirs(libdir)
        with open(os.path.join(libdir, "libcurl.so.4"), "w") as f:
            f.write("not a library\n")
        self.write("a.env", "".join(f"T{i}={self.token(90 + i, 'live')}\n" for i in range(3)))
        r = self.keyward("--verify", "--format", "json", "a.env", env={"LD_LIBRARY_PATH": libdir})
        self.assertEqual(r.rc, 1, r.all)
        self.assertEqual(r.err.count("verification is not available"), 1, r.err)
        self.assertTrue(all(f["verification"] == "unknown" for f in r.json()["findings"]))
        self.assertEqual(self.fake.requests, [])


class Revoke(VerifyTestCase):
    def revoke_on_a_terminal(self, answer, *args):
        """keyward revoke with a terminal as standard input, the answer already typed."""
        import pty
        master, slave = pty.openpty()
        try:
            os.write(master, answer.encode())
            e = dict(self.env)
            p = subprocess.run([KEYWARD, "revoke", *args], cwd=self.repo, stdin=slave, env=e,
                               capture_output=True, text=True, timeout=120)
        finally:
            os.close(slave)
            os.close(master)
        return p

    def test_revoke_asks_on_a_terminal(self):
        token = self.token(62, "live")
        self.write("a.env", f"HF_TOKEN={token}\n")
        p = self.revoke_on_a_terminal("n\n", "a.env")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("[y/N]", p.stderr)
        self.assertIn("nothing was revoked", p.stderr)
        self.assertEqual(self.fake.requests, [])
        p = self.revoke_on_a_terminal("y\n", "a.env")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(len(self.fake.paths("/api/credentials/revoke")), 1)

    def test_revoke_yes_sends_exactly_the_documented_request(self):
        token = self.token(60, "live")
        self.write("notebook.env", f"HF_TOKEN={token}\nAGAIN={token}\n")
        r = self.keyward("revoke", "--yes", "notebook.env")
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(len(self.fake.requests), 1)
        (req,) = self.fake.requests
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/api/credentials/revoke")
        self.assertEqual(req["headers"]["content-type"], "application/json")
        self.assertNotIn("authorization", req["headers"])
        self.assertEqual(json.loads(req["body"]), {"credentials": [token]})
        self.assertIn("revocation requested", r.out)
        self.assertIn(token[:5] + "\u2026", r.out)  # listed masked
        self.assertNoLeak(r.all, token)

    def test_revoke_without_a_terminal_or_yes_sends_nothing(self):
        self.write("a.env", f"HF_TOKEN={self.token(61, 'live')}\n")
        r = self.keyward("revoke", "a.env", input="y\n")
        self.assertEqual(r.rc, 2, r.all)
        self.assertIn("--yes", r.err)
        self.assertEqual(self.fake.requests, [])

    def test_other_providers_get_their_revocation_advice(self):
        key = "glpat-" + fake_token("", 20, alphabet=string.ascii_letters + string.digits, seed=8)
        self.write("a.env", f"GITLAB_TOKEN={key}\n")
        r = self.keyward("revoke", "--yes", "a.env")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("keyward cannot revoke these", r.out)
        self.assertIn("gitlab", r.out.lower())
        self.assertEqual(self.fake.requests, [])


class Hooks(VerifyTestCase):
    def test_hooks_make_no_request(self):
        self.init_repo()
        self.assertEqual(self.keyward("install", "--pre-push").rc, 0)
        token = self.token(70, "live")
        # A [verify] section without in_hooks: the hooks still never verify.
        self.write(".keyward.toml", "[verify]\ntimeout = 2\n")
        self.write("app.env", f"HF_TOKEN={token}\n")
        self.git("add", "-A")
        r = self.commit("add token")
        self.assertBlocked(r)
        self.assertEqual(self.fake.requests, [])
        # The hook command itself, with --verify: ignored, with a note.
        r = self.keyward("--hook", "pre-commit", "--verify")
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("--verify is ignored in hook mode", r.err)
        self.assertEqual(self.fake.requests, [])
        # A real push through the pre-push hook.
        self.git("commit", "-q", "--no-verify", "-m", "add token")
        remote = os.path.join(self.tmp, "remote.git")
        self.run_cmd(["git", "init", "-q", "--bare", remote], cwd=self.tmp, check=True)
        self.git("remote", "add", "origin", remote)
        r = self.git("push", "origin", "main", check=False)
        self.assertNotEqual(r.rc, 0, r.all)
        self.assertEqual(self.fake.requests, [])

    def test_a_hook_never_loads_libcurl(self):
        # Not linked (ldd) and not loaded at run time (the dynamic loader's own trace).
        ldd = subprocess.run(["ldd", KEYWARD], capture_output=True, text=True)
        self.assertNotIn("libcurl", ldd.stdout)
        self.init_repo()
        self.write("app.env", f"HF_TOKEN={self.token(72, 'live')}\n")
        self.git("add", "-A")
        r = self.keyward("--hook", "pre-commit", env={"LD_DEBUG": "libs"})
        self.assertEqual(r.rc, 1, r.out)
        self.assertNotIn("libcurl", r.err)
        r = self.keyward("--verify", "--format", "json", "app.env", env={"LD_DEBUG": "libs"})
        self.assertIn("libcurl", r.err)  # the same trace does show it when asked for

    def test_pre_receive_never_verifies(self):
        bare = os.path.join(self.tmp, "server.git")
        self.run_cmd(["git", "init", "-q", "--bare", bare], cwd=self.tmp, check=True)
        with open(os.path.join(bare, "keyward.toml"), "w") as f:
            f.write("[verify]\nin_hooks = true\n")
        r = self.keyward("--hook", "pre-receive", "--verify", cwd=bare, input="")
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("--verify is ignored in the pre-receive hook", r.err)
        self.assertEqual(self.fake.requests, [])

    def test_in_hooks_true_verifies_in_the_pre_commit_hook(self):
        self.init_repo()
        token = self.token(71, "live")
        self.write(".keyward.toml", "[verify]\nin_hooks = true\n")
        self.write("app.env", f"HF_TOKEN={token}\n")
        self.git("add", "-A")
        r = self.commit("add token")
        self.assertBlocked(r)
        self.assertEqual(len(self.fake.paths("/api/whoami-v2")), 1)
        self.assertIn("verified: live", r.all)


if __name__ == "__main__":
    unittest.main()
