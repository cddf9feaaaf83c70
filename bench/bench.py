#!/usr/bin/env python3
"""keyward benchmarks against git's own floors (see docs/benchmarks.md).

Builds keyward and (deterministically) a large repository under bench/.work unless told
otherwise, then times each mode several times and prints medians, ratios and peak memory,
and writes the same as JSON. Python 3 standard library only; runs offline.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
DEVNULL = subprocess.DEVNULL

WORDS = ("alpha beta gamma delta model layer tensor config loader batch epoch train eval "
         "weights shard token vocab embed attention head dropout optimizer scheduler metric "
         "dataset split cache device cuda float dtype shape norm residual block encoder "
         "decoder logits sample seed path file value index range return import from def class "
         "self none true false if else for while with yield lambda print error result").split()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def clean_env(extra=None):
    """The caller's environment without GIT_* variables that would redirect git."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
                "NO_COLOR": "1"})
    if extra:
        env.update(extra)
    return env


def git(repo, *args, env=None, **kw):
    return subprocess.run(["git", "-C", repo, *args], check=True, env=env or clean_env(), **kw)


def fake_token(rng):
    """A Hugging Face-shaped fake token, assembled at run time: no such literal lives in the
    repository, so keyward's own history sweep stays clean."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body, prev = [], ""
    while len(body) < 34:
        c = rng.choice(letters)
        if c != prev:
            body.append(c)
            prev = c
    return "h" + "f" + "_" + "".join(body)


# ---------------------------------------------------------------------------------------
# The synthetic repository

class Generator:
    def __init__(self, files, commits, seed=20240601):
        self.rng = random.Random(seed)
        self.nfiles = files
        self.ncommits = commits
        r = self.rng
        self.pool = []
        for _ in range(4000):
            n = r.randint(2, 9)
            self.pool.append("    " * r.randint(0, 3) + " ".join(r.choice(WORDS) for _ in range(n)))

    def text(self, lines):
        return ("\n".join(self.rng.choices(self.pool, k=lines)) + "\n").encode()

    def layout(self):
        """~19% as many directories as files, up to 9 deep, ~5 files per directory."""
        r = self.rng
        ndirs = max(1, self.nfiles * 19 // 100)
        dirs, frontier = [""], [""]
        while len(dirs) < ndirs:
            parent = frontier[r.randrange(len(frontier))]
            if parent.count("/") >= 8:
                continue
            name = "%s_%d" % (r.choice(WORDS), r.randrange(100))
            d = parent + name + "/"
            if d in self._dirset:
                continue
            self._dirset.add(d)
            dirs.append(d)
            frontier.append(d)
        files = set()
        exts = [".py", ".py", ".py", ".json", ".md", ".txt", ".yaml", ".cfg"]
        while len(files) < self.nfiles:
            d = dirs[r.randrange(len(dirs))]
            files.add("%s%s_%d%s" % (d, r.choice(WORDS), r.randrange(1000), r.choice(exts)))
        return sorted(files)

    def stream(self, out):
        """A git fast-import stream: one large initial commit, then many small ones on main
        and a few branches, with a handful of planted fake tokens (some deleted later)."""
        r = self.rng
        self._dirset = set()
        files = self.layout()
        self.files = files
        when = [1700000000]
        mark = [0]

        def data(b):
            out.write(b"data %d\n" % len(b))
            out.write(b)
            out.write(b"\n")

        def commit(branch, msg, changes, parent=None):
            when[0] += 97
            mark[0] += 1
            out.write(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark[0]))
            out.write(b"committer bench <bench@example.invalid> %d +0000\n" % when[0])
            data(msg.encode())
            if parent:
                out.write(b"from %s\n" % parent.encode())
            for path, content in changes:
                if content is None:
                    out.write(b"D %s\n" % path.encode())
                else:
                    out.write(b"M 100644 inline %s\n" % path.encode())
                    data(content)

        commit("main", "initial import", [(p, self.text(r.randint(4, 40))) for p in files])
        live = list(files)
        planted = 0
        branches = ["feature-%d" % i for i in range(3)]
        for i in range(1, self.ncommits):
            changes = []
            for _ in range(r.randint(1, 4)):
                changes.append((live[r.randrange(len(live))], self.text(r.randint(4, 40))))
            if i % 50 == 0:
                p = "added/batch_%d/notes_%d.md" % (i // 500, i)
                live.append(p)
                changes.append((p, self.text(10)))
            if i % 700 == 350:  # a leak, removed a few commits later
                p = "configs/leak_%d.env" % i
                changes.append((p, ("HF_TOKEN=%s\n" % fake_token(r)).encode()))
                planted += 1
            if i % 700 == 360:
                changes.append(("configs/leak_%d.env" % (i - 10), None))
            commit("main", "change %d" % i, changes)
            main_tip = mark[0]
            if i in (self.ncommits // 4, self.ncommits // 2, 3 * self.ncommits // 4):
                b = branches.pop(0)
                out.write(b"reset refs/heads/%s\nfrom :%d\n\n" % (b.encode(), main_tip))
                for j in range(40):
                    ch = [(live[r.randrange(len(live))], self.text(r.randint(4, 30)))]
                    if j == 20:
                        ch.append(("experiments/%s.py" % b, ("token = '%s'\n" % fake_token(r)).encode()))
                        planted += 1
                    commit(b, "%s work %d" % (b, j), ch)
        out.write(b"reset refs/tags/v1.0\nfrom :%d\n\n" % main_tip)
        self.planted = planted


class WideGenerator(Generator):
    """The wide-tree history case: the same 100,000-file layout, but every commit rewrites
    `per_commit` files scattered over the whole tree, so each commit brings hundreds of new
    trees (every directory on the path to a changed file) and the history holds about a
    million objects: the walk, not the blob bytes, is what this case measures."""

    def __init__(self, files, commits, per_commit, seed=20240602):
        super().__init__(files, commits, seed)
        self.per_commit = per_commit

    def stream(self, out):
        r = self.rng
        self._dirset = set()
        files = self.layout()
        self.files = files
        when = 1700000000
        planted = 0

        def data(b):
            out.write(b"data %d\n" % len(b))
            out.write(b)
            out.write(b"\n")

        for i in range(self.ncommits):
            when += 97
            out.write(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
            out.write(b"committer bench <bench@example.invalid> %d +0000\n" % when)
            data(b"change %d" % i)
            changed = files if i == 0 else r.sample(files, min(self.per_commit, len(files)))
            for p in changed:
                out.write(b"M 100644 inline %s\n" % p.encode())
                data(self.text(r.randint(4, 40)))
            if i % 100 == 50:  # a leak, removed a few commits later
                out.write(b"M 100644 inline configs/leak_%d.env\n" % i)
                data(("HF_TOKEN=%s\n" % fake_token(r)).encode())
                planted += 1
            if i % 100 == 55:
                out.write(b"D configs/leak_%d.env\n" % (i - 5))
        out.write(b"reset refs/tags/v1.0\nfrom :%d\n\n" % self.ncommits)
        self.planted = planted


def build_repo(path, files, commits, per_commit=0):
    marker = os.path.join(path, ".git", "keyward-bench-ready")
    if os.path.exists(marker):
        return
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    t0 = time.time()
    log(f"bench: generating {files} files / {commits} commits in {path} (once; cached)")
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "gc.auto", "0")
    gen = WideGenerator(files, commits, per_commit) if per_commit else Generator(files, commits)
    p = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet"], stdin=subprocess.PIPE,
                         env=clean_env())
    gen.stream(p.stdin)
    p.stdin.close()
    if p.wait() != 0:
        raise SystemExit("bench: git fast-import failed")
    if not per_commit:
        # fast-import already stores each tree as a delta of its previous version; a full
        # repack of a million objects would cost minutes on two cores for little change.
        git(path, "repack", "-a", "-d", "-q")
    git(path, "reset", "-q", "--hard", "main")
    with open(marker, "w") as f:
        f.write("ok\n")
    log(f"bench: repository ready in {time.time() - t0:.0f} s")


def build_tiny_repo(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    git(path, "init", "-q", "-b", "main")
    for i in range(10):
        with open(os.path.join(path, "f%d.txt" % i), "w") as f:
            f.write("hello %d\n" % i)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "c1")
    with open(os.path.join(path, "f0.txt"), "a") as f:
        f.write("a small change\n")
    git(path, "add", "f0.txt")


def build_keyward(work):
    build = os.path.join(work, "build")
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    log("bench: building keyward (Release) in " + build)
    subprocess.run(["cmake", "-S", SRC, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release",
                    "-DBUILD_TESTING=OFF", "-DKEYWARD_WERROR=OFF"], check=True, stdout=DEVNULL)
    subprocess.run(["cmake", "--build", build, "--target", "keyward", "-j", str(os.cpu_count() or 2)],
                   check=True, stdout=DEVNULL)
    return os.path.join(build, "keyward")


# ---------------------------------------------------------------------------------------
# Measuring

TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd, cwd, env, shell=False, out=None):
    """Wall time, exit status, peak RSS (KiB), CPU seconds and stderr of one run. The RSS
    comes from GNU time when installed: a child spawned straight from this (large) Python
    process is charged for the parent's pages it shares until exec. With `out` (a list),
    the run's stdout is appended to it."""
    if shell:
        cmd = ["/bin/sh", "-c", cmd]
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss, \
            tempfile.TemporaryFile() as stdout:
        argv = [TIME, "-q", "-f", "%M", "-o", rss.name, *cmd] if TIME else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout if out is not None else DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)  # rusage includes the reaped descendants
        elapsed = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        if out is not None:
            stdout.seek(0)
            out.append(stdout.read().decode(errors="replace"))
        maxrss = None
        if TIME:
            try:
                maxrss = int(rss.read().split()[-1])
            except (ValueError, IndexError):
                pass
        return elapsed, p.returncode, maxrss, ru.ru_utime + ru.ru_stime, err.read().decode(errors="replace")


def spec(name, cmd, cwd, env, ok=(0, 1), setup=None, shell=False, phases=False):
    return {"name": name, "cmd": cmd, "cwd": cwd, "env": env, "ok": ok, "setup": setup, "shell": shell,
            "phases": phases}


PHASES = re.compile(r"phases: commits ([0-9.]+) s, trees ([0-9.]+) s and blobs ([0-9.]+) s \(overlapped\), "
                    r"attribution ([0-9.]+) s")


def parse_phases(text):
    """The phase times `keyward --all-history --verbose` reports, or None."""
    m = PHASES.search(text)
    if not m:
        return None
    return dict(zip(("commits", "trees", "blobs", "attribution"), map(float, m.groups())))


def measure_all(specs, reps, warmup=1):
    """Runs the commands round-robin (one run of each per round), so that load from the rest
    of the machine hits subject and floor alike; returns medians of wall and CPU time and the
    peak RSS of each. A command that fails is reported as n/a and dropped from later rounds."""
    acc = {s["name"]: {"times": [], "cpu": [], "rss": [], "phases": [], "error": None} for s in specs}
    for i in range(warmup + reps):
        for s in specs:
            a = acc[s["name"]]
            if a["error"]:
                continue
            if s["setup"]:
                s["setup"]()
            out = [] if s.get("phases") else None
            t, rc, maxrss, cpu, err = run_once(s["cmd"], s["cwd"], s["env"], s["shell"], out)
            if rc not in s["ok"]:
                first = (err.strip().splitlines() or ["exit status %d" % rc])[0]
                log(f"bench: {s['name']}: n/a ({first})")
                a["error"] = f"feature missing: {first[:160]}"
                continue
            if i >= warmup:
                a["times"].append(t)
                a["cpu"].append(cpu)
                if maxrss is not None:
                    a["rss"].append(maxrss)
                if out:
                    ph = parse_phases(out[0])
                    if ph:
                        a["phases"].append(ph)
            a["exit"] = rc
    out = []
    for s in specs:
        a = acc[s["name"]]
        if a["error"]:
            out.append({"name": s["name"], "error": a["error"]})
            continue
        r = {"name": s["name"], "median_s": statistics.median(a["times"]), "min_s": min(a["times"]),
             "cpu_median_s": statistics.median(a["cpu"]), "runs_s": a["times"], "exit": a["exit"]}
        if a["rss"]:
            r["peak_rss_kib"] = max(a["rss"])
        if a["phases"]:
            r["phases_median_s"] = {k: statistics.median(p[k] for p in a["phases"]) for k in a["phases"][0]}
        out.append(r)
    return out


def measure(name, cmd, cwd, env, reps, ok=(0, 1), warmup=1, setup=None, shell=False):
    return measure_all([spec(name, cmd, cwd, env, ok, setup, shell)], reps, warmup)[0]


class Bench:
    def __init__(self, args, keyward, repo, work):
        self.args, self.kw, self.repo, self.work = args, keyward, repo, work
        self.cache = os.path.join(work, "cache-warm")
        self.env = clean_env({"KEYWARD_RULES": args.rules, "KEYWARD_CACHE_DIR": self.cache})
        self.rows = []

    def row(self, mode, subject, floor, note=""):
        r = {"mode": mode, "keyward": subject, "floor": floor, "note": note}
        if "median_s" in subject and floor and "median_s" in floor:
            r["ratio"] = subject["median_s"] / floor["median_s"]
        self.rows.append(r)
        return r

    def restore(self):
        if not os.path.isdir(self.repo):
            return
        bare = git(self.repo, "rev-parse", "--is-bare-repository", capture_output=True).stdout.strip()
        if bare == b"true":  # a mirror measured with --repo: nothing to reset
            return
        git(self.repo, "reset", "-q", "--hard", "HEAD")
        git(self.repo, "clean", "-q", "-fd")

    def tracked_sample(self, n, seed):
        out = git(self.repo, "ls-files", "-z", capture_output=True).stdout.split(b"\0")
        paths = [p.decode() for p in out if p]
        rng = random.Random(seed)
        deep = [p for p in paths if p.count("/") >= 3] or paths
        return rng.sample(deep, min(n, len(deep)))

    def small_change(self):
        reps = self.args.reps
        self.restore()
        rng = random.Random(7)
        for p in self.tracked_sample(4, 1):
            with open(os.path.join(self.repo, p), "a") as f:
                f.write("\n".join(rng.choice(WORDS) for _ in range(5)) + "\n")
            git(self.repo, "add", p)
        diff = ["git", "diff", "--cached", "--name-only"]
        floor, kw = measure_all([spec("git diff --cached --name-only", diff, self.repo, self.env),
                                 spec("keyward", [self.kw], self.repo, self.env)], reps)
        ref = measure("keyward (KEYWARD_INDEX=libgit2)", [self.kw], self.repo,
                      dict(self.env, KEYWARD_INDEX="libgit2"), max(3, reps // 2))
        self.row("1. small change (4 files), after git add", kw, floor)
        self.row("1. same, libgit2 reference index path", ref, floor)
        # `git commit` refreshes the cached tree before running the hook: the real hook state.
        git(self.repo, "write-tree", stdout=DEVNULL)
        floor2, kw2 = measure_all([spec("git diff --cached --name-only", diff, self.repo, self.env),
                                   spec("keyward", [self.kw], self.repo, self.env)], reps)
        self.row("1. small change, cached tree refreshed (as inside git commit)", kw2, floor2)
        self.restore()

    def large_change(self):
        reps = max(3, self.args.reps // 2)
        self.restore()
        gen = Generator(1, 1, seed=99)
        rng = gen.rng
        paths = self.tracked_sample(1000, 2)
        paths += ["bench_new/part_%d/file_%d.py" % (i % 40, i) for i in range(1000)]
        total = 0
        for i, p in enumerate(paths):
            full = os.path.join(self.repo, p)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            body = gen.text(700)  # ~25 KB
            if i == 1500:
                body += ("HF_TOKEN = '%s'\n" % fake_token(rng)).encode()
            total += len(body)
            with open(full, "wb") as f:
                f.write(body)
        git(self.repo, "add", "-A")
        floor, kw = measure_all([
            spec("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"], self.repo, self.env),
            spec("keyward", [self.kw], self.repo, self.env)], reps)
        if "median_s" in kw:
            kw["mib_per_s"] = total / 1048576 / kw["median_s"]
        self.row("2. large change (2000 files, %.0f MiB)" % (total / 1048576), kw, floor)
        self.restore()

    def start_costs(self):
        reps = self.args.reps
        tiny = os.path.join(self.work, "tiny")
        build_tiny_repo(tiny)
        floor, warm, start, true = measure_all([
            spec("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"], tiny, self.env),
            spec("keyward (warm cache)", [self.kw], tiny, self.env),
            spec("keyward --version", [self.kw, "--version"], tiny, self.env, ok=(0,)),
            spec("/bin/true", ["/bin/true"], tiny, self.env, ok=(0,))], reps)
        cold_dir = os.path.join(self.work, "cache-cold")

        def empty_cache():
            shutil.rmtree(cold_dir, ignore_errors=True)
        cold = measure("keyward (empty cache)", [self.kw], tiny, dict(self.env, KEYWARD_CACHE_DIR=cold_dir),
                       max(3, reps // 2), setup=empty_cache, warmup=0)
        # A rule change: the cache holds the previous rule set's database, not this one's.
        rules = os.path.join(self.work, "rules-changed")
        counter = [0]

        def change_rule():
            shutil.rmtree(rules, ignore_errors=True)
            shutil.copytree(self.args.rules, rules)
            counter[0] += 1
            n = counter[0]
            with open(os.path.join(rules, "zz-bench.toml"), "w") as f:
                f.write('provider = "bench"\n\n[[rules]]\nid = "bench-marker-%d"\n'
                        'description = "benchmark rule %d"\nregex = \'\'\'(benchmark_marker_%d_[a-z]{12})\'\'\'\n'
                        'examples.positive = ["benchmark_marker_%d_qwertzuiopas"]\n'
                        'examples.negative = ["benchmark_marker_%d"]\n' % (n, n, n, n, n))
        changed = measure("keyward (first run after a rule change)", [self.kw], tiny,
                          dict(self.env, KEYWARD_RULES=rules), max(3, reps // 2), setup=change_rule,
                          warmup=0)
        self.row("3. tiny repo, warm cache", warm, floor)
        self.row("3. tiny repo, empty cache (cold)", cold, warm, "ratio against warm")
        self.row("3. tiny repo, first run after a rule change", changed, warm, "ratio against warm")
        self.row("3. process start: keyward --version", start, true, "ratio against /bin/true")

    def config_change(self):
        """Warm start, part two: a .keyward.toml rule change in the tiny repository (a new
        regex each run). The default rules' database stays cached; only the configuration's
        own one-rule database is compiled. Against the warm run and git's floor."""
        reps = max(3, self.args.reps // 2)
        tiny = os.path.join(self.work, "tiny")
        build_tiny_repo(tiny)
        counter = [0]

        def change_config():
            counter[0] += 1
            q = "'" * 3
            with open(os.path.join(tiny, ".keyward.toml"), "w") as f:
                f.write('[[rules]]\nid = "bench-config"\ndescription = "benchmark"\n'
                        'regex = %s(bench_cfg_%d_[a-z]{12})%s\n' % (q, counter[0], q))
            git(tiny, "add", ".keyward.toml")
        floor, warm = measure_all([
            spec("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"], tiny, self.env),
            spec("keyward (warm cache)", [self.kw], tiny, self.env)], reps)
        changed = measure("keyward (first run after a .keyward.toml rule change)", [self.kw], tiny, self.env,
                          reps, setup=change_config, warmup=0)
        self.row("7. tiny repo, first run after a .keyward.toml rule change", changed, warm,
                 "ratio against warm; target <= 300 ms")
        self.row("7. tiny repo, warm (same run)", warm, floor)

    def disk(self):
        reps = max(3, self.args.reps // 2)
        self.restore()
        q = self.repo.replace("'", "'\\''")
        cat = "find '%s' -path '%s/.git' -prune -o -type f -print0 | xargs -0 cat >/dev/null" % (q, q)
        floor, kw = measure_all([spec("cat of every file", cat, self.repo, self.env, ok=(0,), shell=True),
                                 spec("keyward PATH", [self.kw, self.repo], self.work, self.env)], reps)
        self.row("4. files on disk: keyward PATH (worktree)", kw, floor)

    def history(self, repo=None, label="5. history"):
        """--all-history against git's floors in the same run: reading every object
        (cat-file, ordered and in pack order) and walking every tree (rev-list --objects).
        The tree walk and blob scan phases (from --verbose) are shown against the floor
        each corresponds to: trees against rev-list, the whole sweep against cat-file."""
        repo = repo or self.repo
        reps = self.args.heavy_reps or max(3, self.args.reps // 2)
        if repo == self.repo:
            self.restore()
        sizes = git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)",
                    capture_output=True).stdout.split(b"\n")
        blob_bytes = sum(int(l.split()[1]) for l in sizes if l.startswith(b"blob "))
        objects = sum(1 for l in sizes if l)
        specs = [
            # --missing=allow-any: a partial clone's absent objects are not fetched (and a
            # complete repository has none).
            spec("git rev-list --objects --all", ["git", "rev-list", "--objects", "--all", "--missing=allow-any"],
                 repo, self.env),
            spec("git cat-file --batch-all-objects --batch",
                 ["git", "cat-file", "--batch-all-objects", "--batch"], repo, self.env),
            spec("git cat-file --batch-all-objects --batch --unordered",
                 ["git", "cat-file", "--batch-all-objects", "--batch", "--unordered"], repo, self.env),
            spec("keyward --all-history", [self.kw, "--all-history", "--verbose"], repo, self.env, phases=True)]
        if self.args.compare:
            specs.append(spec("keyward --all-history (compared binary)", [self.args.compare, "--all-history",
                                                                        "--verbose"], repo, self.env, phases=True))
        res = measure_all(specs, reps)
        revlist, ordered, unordered, kws = res[0], res[1], res[2], res[3:]
        note = "%d objects, %.0f MiB of blobs" % (objects, blob_bytes / 1048576)
        for kw, who in zip(kws, ("", " [compared]")):
            if "median_s" in kw:
                kw["mib_per_s"] = blob_bytes / 1048576 / kw["median_s"]
            self.row("%s%s: --all-history vs cat-file --unordered" % (label, who), kw, unordered, note)
            self.row("%s%s: --all-history vs cat-file (ordered)" % (label, who), kw, ordered)
            ph = kw.get("phases_median_s")
            if ph:
                trees = {"name": "tree-walk phase", "median_s": ph["trees"]}
                blobs = {"name": "blob-scan phase", "median_s": ph["blobs"]}
                attrib = {"name": "attribution phase", "median_s": ph["attribution"]}
                self.row("%s%s: tree-walk phase vs rev-list --objects" % (label, who), trees, revlist,
                         "overlapped with the blob scan")
                self.row("%s%s: blob-scan phase vs cat-file --unordered" % (label, who), blobs, unordered,
                         "walk and scan together")
                self.row("%s%s: attribution phase vs rev-list --objects" % (label, who), attrib, revlist,
                         "only blobs with findings")

    def wide_history(self):
        """The wide-tree case: 100,000 files, every commit rewriting files all over the tree,
        about a million objects (generated once with git fast-import, cached)."""
        a = self.args
        repo = os.path.join(self.work, "repo-wide-%d-%d-%d" % (a.wide_files, a.wide_commits, a.wide_per_commit))
        build_repo(repo, a.wide_files, a.wide_commits, a.wide_per_commit)
        self.history(repo, "7. wide-tree history")

    def pre_receive(self):
        """The server side: keyward --hook pre-receive in a bare copy of the repository, run
        as git runs it (the pushed objects present, no ref naming them yet), against git's
        own connectivity walk over the same objects (rev-list --objects NEW --not --all)."""
        reps = self.args.reps
        server = os.path.join(self.work, "server-%s.git" % os.path.basename(self.repo))
        if os.path.exists(server):
            shutil.rmtree(server)
        git(self.work, "clone", "-q", "--bare", self.repo, server)
        q = lambda s: s.replace("'", "'\\''")
        out = lambda *a: git(server, *a, capture_output=True).stdout.decode().strip()
        main = out("rev-parse", "main")
        # 6a: one new commit on main changing one file.
        idx = os.path.join(self.work, "bench-pre-receive.index")
        ienv = clean_env({"GIT_INDEX_FILE": idx})
        git(server, "read-tree", "main", env=ienv)
        path = self.tracked_sample(1, 6)[0]
        blob = subprocess.run(["git", "-C", server, "hash-object", "-w", "--stdin"], input=b"changed = 1\n",
                              capture_output=True, check=True, env=clean_env()).stdout.decode().strip()
        git(server, "update-index", "--cacheinfo", "100644,%s,%s" % (blob, path), env=ienv)
        tree = git(server, "write-tree", env=ienv, capture_output=True).stdout.decode().strip()
        new = subprocess.run(["git", "-C", server, "commit-tree", tree, "-p", main, "-m", "one change"],
                             capture_output=True, check=True, env=clean_env()).stdout.decode().strip()
        os.remove(idx)
        stdin = os.path.join(self.work, "pre-receive-one.txt")
        with open(stdin, "w") as f:
            f.write("%s %s refs/heads/main\n" % (main, new))
        floor, kw = measure_all([
            spec("git rev-list --objects NEW --not --all", ["git", "rev-list", "--objects", new, "--not", "--all"],
                 server, self.env),
            spec("keyward --hook pre-receive", "'%s' --hook pre-receive < '%s'" % (q(self.kw), q(stdin)),
                 server, self.env, ok=(0,), shell=True)], reps)
        self.row("6a. pre-receive: one commit pushed to main", kw, floor, "%d-file tree" % self.args.files)
        # 6b: a new branch whose commits are half of main's history, new to the server.
        count = int(out("rev-list", "--count", "--first-parent", "main"))
        k = max(1, count // 2)
        base = out("rev-parse", "main~%d" % k)
        for ref in out("for-each-ref", "--format=%(refname)").splitlines():
            git(server, "update-ref", "-d", ref)
        git(server, "update-ref", "refs/heads/main", base)
        n = int(out("rev-list", "--count", main, "--not", "--all"))
        stdin = os.path.join(self.work, "pre-receive-branch.txt")
        with open(stdin, "w") as f:
            f.write("%s %s refs/heads/new-branch\n" % ("0" * 40, main))
        floor, kw = measure_all([
            spec("git rev-list --objects TIP --not --all", ["git", "rev-list", "--objects", main, "--not", "--all"],
                 server, self.env),
            spec("keyward --hook pre-receive", "'%s' --hook pre-receive < '%s'" % (q(self.kw), q(stdin)),
                 server, self.env, ok=(0, 1), shell=True)], max(3, reps // 2))
        self.row("6b. pre-receive: new branch with %d new commits" % n, kw, floor,
                 "exit 1 expected: the generated history plants fake tokens")
        shutil.rmtree(server)


def fmt_time(m):
    return "%.1f ms" % (m["median_s"] * 1000) if m and "median_s" in m else "n/a"


def fmt_rss(m):
    return "%.0f MiB" % (m["peak_rss_kib"] / 1024) if m and "peak_rss_kib" in m else ""


def print_table(rows):
    head = ("mode", "keyward", "floor", "ratio", "CPU ratio", "peak RSS", "floor command")
    lines = []
    for r in rows:
        k, f = r["keyward"], r["floor"]
        ratio = "%.2fx" % r["ratio"] if "ratio" in r else ("n/a (%s)" % k["error"][:70] if "error" in k else "")
        extra = " (%.0f MiB/s)" % k["mib_per_s"] if "mib_per_s" in k else ""
        cpu = ""
        if f and "cpu_median_s" in k and "cpu_median_s" in f and f["cpu_median_s"] > 0:
            cpu = "%.2fx" % (k["cpu_median_s"] / f["cpu_median_s"])
        lines.append((r["mode"], fmt_time(k) + extra, fmt_time(f), ratio, cpu, fmt_rss(k),
                      f.get("name", "") if f else ""))
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(l, widths)) for l in lines]
    print("\n".join(out))


# ---------------------------------------------------------------------------------------
# Precision: findings in large bodies of text nobody here wrote

def go_binaries(dirs):
    """Executables built by Go (they carry Go's build-info marker), one per program (kubectl, not
    also kubectl.1.27 ...)."""
    out, seen = [], set()
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if name.split(".")[0] in seen or not os.path.isfile(p) or os.path.islink(p) or not os.access(p, os.X_OK):
                continue
            try:
                with open(p, "rb") as f:
                    if f.read(4) != b"\x7fELF":
                        continue
                    go, tail = False, b""
                    for chunk in iter(lambda: f.read(1 << 22), b""):
                        if b"\xff Go buildinf:" in tail + chunk:
                            go = True
                            break
                        tail = chunk[-16:]
            except OSError:
                continue
            if go:
                seen.add(name.split(".")[0])
                out.append(p)
    return out


def precision_bodies(args):
    """(label, [paths]) of every default body present, plus --repo and --precision-path."""
    home = os.path.expanduser("~")
    bodies = [
        ("Debian documentation (/usr/share/doc)", ["/usr/share/doc"]),
        ("system Python packages (dist-packages)", ["/usr/lib/python3/dist-packages"]),
        ("Python standard library (/usr/lib/python3.11)", ["/usr/lib/python3.11"]),
        ("Node packages", ["/usr/lib/node_modules", "/usr/local/lib/node_modules", "/usr/share/javascript",
                           os.path.join(home, ".npm")]),
        ("Go module trees", ["/usr/share/gocode", "/usr/lib/go", os.path.join(home, "go", "pkg", "mod")]),
        ("Go binaries", go_binaries(["/usr/local/bin", "/usr/lib/google-cloud-sdk/bin"])),
        # Its Python (lib/, gsutil, bq, App Engine); the emulators' jars hold zip members larger
        # than the decoding budget, which keyward rightly refuses to pass as scanned.
        ("Google Cloud SDK (Python)", ["/usr/lib/google-cloud-sdk/lib", "/usr/lib/google-cloud-sdk/platform/gsutil",
                                       "/usr/lib/google-cloud-sdk/platform/bq",
                                       "/usr/lib/google-cloud-sdk/platform/google_appengine"]),
    ]
    if args.repo:
        bodies.append(("repository " + os.path.basename(os.path.abspath(args.repo)), [os.path.abspath(args.repo)]))
    for p in args.precision_path or []:
        bodies.append((p, [os.path.abspath(p)]))
    return [(label, [p for p in paths if os.path.exists(p)]) for label, paths in bodies]


def precision(args, kw):
    """Scans each body with `keyward --format json PATH...` (never changing anything) and
    prints the findings per rule and each finding (secrets masked, as keyward prints them)."""
    env = clean_env({"KEYWARD_RULES": args.rules,
                     "KEYWARD_CACHE_DIR": os.path.join(os.path.abspath(args.work), "cache-precision")})
    rows, per_rule, listing, failed = [], {}, [], []
    for label, paths in precision_bodies(args):
        if not paths:
            rows.append((label, "absent", "", "", ""))
            continue
        t0 = time.perf_counter()
        p = subprocess.run([kw, "--format", "json", "--quiet", *paths], env=env, capture_output=True, cwd="/")
        secs = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            err = p.stderr.decode(errors="replace").strip().splitlines()
            failed.append((label, p.returncode, err[-3:]))
        try:
            report = json.loads(p.stdout or b"{}")
        except ValueError:
            report = {}
        findings = report.get("findings", [])
        stats = report.get("stats", {})
        rows.append((label, str(len(findings)), str(stats.get("blobs", "")),
                     "%.0f" % (stats.get("bytes", 0) / 1048576), "%.1f" % secs))
        for f in findings:
            per_rule[f["rule"]] = per_rule.get(f["rule"], 0) + 1
            listing.append((f["rule"], "%s:%s" % (f["path"], f.get("line", "")), f.get("secret", ""),
                            f.get("decoded", "")))
    head = ("body", "findings", "files", "MiB", "seconds")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print("\nfindings per rule (total %d):" % len(listing))
    for rule, n in sorted(per_rule.items(), key=lambda x: (-x[1], x[0])):
        print("  %5d  %s" % (n, rule))
    print("\nevery finding (secret masked):")
    for rule, where, secret, decoded in sorted(listing):
        print("  %s  %s  %s%s" % (rule, where, secret, "  (%s)" % decoded if decoded else ""))
    for label, rc, err in failed:
        print("\nbench: %s: keyward exited %d: %s" % (label, rc, " / ".join(err)), file=sys.stderr)
    out = args.json or os.path.join(os.path.abspath(args.work), "precision.json")
    with open(out, "w") as f:
        json.dump({"version": 1, "keyward": kw, "bodies": rows, "per_rule": per_rule,
                   "findings": [dict(zip(("rule", "where", "secret", "decoded"), x)) for x in listing]}, f, indent=1)
    log(f"bench: precision results in {out}")
    return 2 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", help="an existing clone to measure instead of the generated repository "
                                   "(its worktree is reset with git reset --hard and git clean -fd!); with "
                                   "--precision, a repository or folder to scan as well (read only)")
    ap.add_argument("--keyward", default=os.environ.get("KEYWARD_BIN"),
                    help="keyward binary (default: $KEYWARD_BIN, else build one under the work dir)")
    ap.add_argument("--rules", default=os.environ.get("KEYWARD_RULES", os.path.join(SRC, "patterns")))
    ap.add_argument("--work", default=os.path.join(HERE, ".work"))
    ap.add_argument("--files", type=int, default=100000)
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=7, help="repetitions of the fast modes (heavy ones use half)")
    ap.add_argument("--modes", default="1,2,3,4,5,6,7",
                    help="comma-separated subset of 1-8 (6: pre-receive, 7: config change, 8: wide-tree history, opt-in: it generates a 100,000-file repository)")
    ap.add_argument("--heavy-reps", type=int, help="repetitions of the history modes (default: half of --reps, "
                                                   "at least 3)")
    ap.add_argument("--wide-files", type=int, default=100000)
    ap.add_argument("--wide-commits", type=int, default=300)
    ap.add_argument("--wide-per-commit", type=int, default=1000, help="files each wide-tree commit rewrites")
    ap.add_argument("--compare", help="a second keyward binary (say, the previous release) measured in the "
                                      "same rounds of the history modes")
    ap.add_argument("--json", help="where to write results (default: WORK/results.json)")
    ap.add_argument("--precision", action="store_true",
                    help="instead of timing: scan large bodies of text nobody here wrote (Debian's docs, the "
                         "system Python's packages, Node and Go trees present, --repo when given, read only) "
                         "and print every finding, per rule")
    ap.add_argument("--precision-path", action="append", metavar="PATH",
                    help="with --precision: one more file or directory to scan (repeatable)")
    args = ap.parse_args()
    if args.precision:
        os.makedirs(os.path.abspath(args.work), exist_ok=True)
        args.rules = os.path.abspath(args.rules)
        kw = os.path.abspath(args.keyward) if args.keyward else build_keyward(os.path.abspath(args.work))
        sys.exit(precision(args, kw))

    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    args.rules = os.path.abspath(args.rules)
    kw = os.path.abspath(args.keyward) if args.keyward else build_keyward(work)
    modes = set(args.modes.split(","))
    if args.repo:
        repo = os.path.abspath(args.repo)
    else:
        repo = os.path.join(work, "repo-%d-%d" % (args.files, args.commits))
        if modes - {"8"}:  # the wide-tree case has its own repository
            build_repo(repo, args.files, args.commits)
    b = Bench(args, kw, repo, work)
    t0 = time.time()
    for key, fn in (("1", b.small_change), ("2", b.large_change), ("3", b.start_costs),
                    ("4", b.disk), ("5", b.history), ("6", b.pre_receive), ("7", b.config_change),
                    ("8", b.wide_history)):
        if key in modes:
            log(f"bench: mode {key} ...")
            fn()
    b.restore()
    print_table(b.rows)
    result = {"version": 1, "repo": repo, "keyward": kw,
              "host": {"cpus": os.cpu_count(), "platform": sys.platform},
              "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
              "seconds": time.time() - t0, "rows": b.rows}
    out = args.json or os.path.join(work, "results.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    log(f"bench: results in {out}")


if __name__ == "__main__":
    main()
