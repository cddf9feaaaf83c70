"""Packages people install (issue 16): the .deb that `cpack -G DEB` builds from the build
tree (its control fields, its file list, and the binary in it finding its rules wherever the
package is unpacked), and `cmake --install` to a prefix whose binary keeps working with the
build and source trees out of sight.

The .deb's C library dependency must cover what the binary needs to start (issue 14's link
changes). Linked with packed relative relocations (-z pack-relative-relocs, DT_RELR), the
binary needs the version GLIBC_ABI_DT_RELR (glibc 2.36): a version without any symbol, which
dpkg-shlibdeps does not count, so the Depends it computes alone name only the newest symbol's
glibc (2.35 on Debian 12). On a glibc 2.35 system (Ubuntu 22.04) apt would then install a
keyward that cannot start ("version `GLIBC_ABI_DT_RELR' not found"): every commit fails.

The .deb is built from the already-built tree (`cpack --config BUILD/CPackConfig.cmake`), so
nothing is compiled here; it is unpacked with `dpkg-deb -x`, so no root install is needed.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kwtest import KEYWARD, SOURCE_DIR, RepoTestCase, fake_hf_token

BUILD = os.path.dirname(KEYWARD)

EXPECTED = [
    "usr/bin/keyward",
    "usr/share/keyward/patterns/huggingface.toml",
    "usr/share/keyward/hook/pre-commit",
    "usr/share/keyward/hook/pre-push",
    "usr/share/man/man1/keyward.1",
    "usr/share/bash-completion/completions/keyward",
    "usr/share/zsh/vendor-completions/_keyward",
    "usr/share/doc/keyward/README.md",
    "usr/share/doc/keyward/user-guide.md",
]


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", v))


def libc_symbols_file():
    """dpkg's symbols file of libc6 (maps each glibc version name to the package version)."""
    info = "/var/lib/dpkg/info"
    for name in sorted(os.listdir(info)) if os.path.isdir(info) else []:
        if re.fullmatch(r"libc6(:[a-z0-9]+)?\.symbols", name):
            return os.path.join(info, name)
    return None


def needed_libc_versions(binary):
    """Version names the binary needs from libc.so.6 (readelf's .gnu.version_r)."""
    out = subprocess.run(["readelf", "-V", "-W", binary], capture_output=True, text=True, check=True).stdout
    names, in_libc = set(), False
    for line in out.splitlines():
        m = re.search(r"File: (\S+)", line)
        if m:
            in_libc = m.group(1) == "libc.so.6"
            continue
        m = re.search(r"Name: (\S+)", line)
        if m and in_libc:
            names.add(m.group(1))
    return names


def rule_count(out):
    m = re.search(r"(?m)^(\d+) rules$", out)
    return int(m.group(1)) if m else None


class DebPackageTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "readelf"):
            if not shutil.which(tool):
                raise AssertionError(f"{tool} is missing (./install.sh --deps-only --test-deps installs it)")
        cls.pkgdir = tempfile.mkdtemp(prefix="keyward-deb-")
        p = subprocess.run(["cpack", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", cls.pkgdir],
                           capture_output=True, text=True, cwd=cls.pkgdir, timeout=600)
        if p.returncode != 0:
            raise AssertionError(f"cpack failed:\n{p.stdout}\n{p.stderr}")
        debs = [f for f in os.listdir(cls.pkgdir) if f.endswith(".deb")]
        if len(debs) != 1:
            raise AssertionError(f"expected one .deb in {cls.pkgdir}, found {debs}")
        cls.deb = os.path.join(cls.pkgdir, debs[0])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.pkgdir, ignore_errors=True)

    def field(self, name):
        return self.run_cmd(["dpkg-deb", "-f", self.deb, name], cwd=self.tmp, check=True).out.strip()

    def test_control_fields(self):
        version = self.keyward("version", cwd=self.tmp).out.split()[-1]
        self.assertEqual(self.field("Package"), "keyward")
        self.assertEqual(self.field("Version"), version)
        self.assertRegex(os.path.basename(self.deb), rf"^keyward_{re.escape(version)}_[a-z0-9]+\.deb$")
        self.assertTrue(self.field("Maintainer"))
        # Computed by dpkg-shlibdeps from the binary: at least the C library, whatever is
        # linked statically.
        self.assertIn("libc6", self.field("Depends"))

    def test_depends_cover_every_glibc_version_the_binary_needs(self):
        symbols = libc_symbols_file()
        if not symbols:
            self.skipTest("no dpkg symbols file for libc6")
        # "GLIBC_ABI_DT_RELR@GLIBC_ABI_DT_RELR 2.36": the version name, then the package version.
        since = {}
        with open(symbols) as f:
            for line in f:
                m = re.match(r"\s+(\S+)@(\S+) (\S+)", line)
                if m and m.group(1) == m.group(2):
                    since[m.group(1)] = m.group(3)
        root = os.path.join(self.tmp, "unpacked")
        self.run_cmd(["dpkg-deb", "-x", self.deb, root], cwd=self.tmp, check=True)
        needed = needed_libc_versions(os.path.join(root, "usr/bin/keyward"))
        self.assertTrue(needed, "readelf lists no libc versions")
        known = {n: since[n] for n in needed if n in since}
        self.assertTrue(known, f"none of {sorted(needed)} is in {symbols}")
        name, required = max(known.items(), key=lambda kv: version_key(kv[1]))
        depends = self.field("Depends")
        floors = [m.group(1) for m in re.finditer(r"libc6 \(>= ([^)]+)\)", depends)]
        self.assertTrue(floors, f"Depends names no libc6 version: {depends!r}")
        # Every libc6 clause must hold, so the highest floor is what apt enforces.
        self.assertGreaterEqual(version_key(max(floors, key=version_key)), version_key(required),
                                f"the binary needs {name} (glibc {required}) but the package Depends "
                                f"{depends!r}: apt would install a keyward that cannot start")

    def test_file_list(self):
        listing = self.run_cmd(["dpkg-deb", "-c", self.deb], cwd=self.tmp, check=True).out
        files = {line.split()[-1].lstrip("./") for line in listing.splitlines() if line.strip()}
        for f in EXPECTED:
            self.assertIn(f, files, f"{f} is not in the package:\n{listing}")
        patterns = {f for f in files if f.startswith("usr/share/keyward/patterns/") and f.endswith(".toml")}
        shipped = {f for f in os.listdir(os.path.join(SOURCE_DIR, "patterns")) if f.endswith(".toml")}
        self.assertEqual({os.path.basename(f) for f in patterns}, shipped)
        self.assertRegex(listing, r"(?m)^-rwxr-xr-x .* \./usr/bin/keyward$")
        self.assertRegex(listing, r"(?m)^-rwxr-xr-x .* \./usr/share/keyward/hook/pre-commit$")

    def test_unpacked_binary_finds_its_rules_and_blocks_a_commit(self):
        root = os.path.join(self.tmp, "unpacked")
        self.run_cmd(["dpkg-deb", "-x", self.deb, root], cwd=self.tmp, check=True)
        binary = os.path.join(root, "usr", "bin", "keyward")
        # No KEYWARD_RULES and no KEYWARD_BIN: the binary alone, finding ../share/keyward/patterns.
        env = {"KEYWARD_RULES": None, "KEYWARD_BIN": None,
               "KEYWARD_CACHE_DIR": os.path.join(self.tmp, "deb-cache")}
        r = self.run_cmd([binary, "rules"], cwd=self.tmp, env=env)
        self.assertEqual(r.rc, 0, r.all)
        self.assertEqual(rule_count(r.out), rule_count(self.keyward("rules", cwd=self.tmp).out), r.out)
        self.init_repo(hook=False)
        r = self.run_cmd([binary, "install"], cwd=self.repo, env=env)
        self.assertEqual(r.rc, 0, r.all)
        token = fake_hf_token(seed=1601)
        self.write("train.py", f'HF_TOKEN = "{token}"\n')
        self.git("add", "train.py")
        r = self.git("commit", "-m", "leak", check=False, env=env)
        self.assertEqual(r.rc, 1, r.all)
        self.assertIn("huggingface", r.all)
        self.assertNoSecret(r.all, token)
        # The bash completion in the package is the one that loads.
        comp = os.path.join(root, "usr", "share", "bash-completion", "completions", "keyward")
        r = self.run_cmd(["bash", "-c", f'. "{comp}" && complete -p keyward'], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        self.assertIn("_keyward", r.out)


class InstalledPrefixTest(RepoTestCase):
    """`cmake --install BUILD --prefix PREFIX`, then the build and source trees gone: the
    installed binary still finds its rules and blocks a commit. The trees are hidden (an empty
    tmpfs mounted over each in a private mount namespace) rather than deleted, so the suite's
    own build stays usable for the tests running beside this one."""

    def test_install_then_hide_build_and_source_trees(self):
        if os.getuid() != 0 or not shutil.which("unshare"):
            self.skipTest("hiding the build tree needs root and unshare(1) (a private mount namespace); "
                          "test_install.RelocatableInstallTest still checks nothing of it is baked in")
        prefix = os.path.join(self.tmp, "prefix")
        r = self.run_cmd(["cmake", "--install", BUILD, "--prefix", prefix], cwd=self.tmp)
        self.assertEqual(r.rc, 0, r.all)
        for f in ("bin/keyward", "share/keyward/patterns/huggingface.toml", "share/man/man1/keyward.1",
                  "share/bash-completion/completions/keyward", "share/zsh/site-functions/_keyward",
                  "share/doc/keyward/README.md"):
            self.assertTrue(os.path.exists(os.path.join(prefix, f)), f)
        self.init_repo(hook=False)
        token = fake_hf_token(seed=1602)
        self.write("leak.py", f'TOKEN = "{token}"\n')
        self.git("add", "leak.py")
        binary = os.path.join(prefix, "bin", "keyward")
        # Deepest first: the build tree usually sits inside the source tree.
        hidden = sorted({os.path.realpath(BUILD), os.path.realpath(SOURCE_DIR)}, key=len, reverse=True)
        mounts = " && ".join(f"mount -t tmpfs keyward-gone '{d}'" for d in hidden)
        checks = " && ".join(f"[ ! -e '{d}/CMakeLists.txt' ] && [ ! -e '{d}/keyward' ]" for d in hidden)
        script = (f"mount --make-rprivate / && {mounts} && {checks} && "
                  f"'{binary}' rules | tail -n 1 && cd '{self.repo}' && '{binary}' install && "
                  f"exec git commit -q -m leak")
        env = {"KEYWARD_RULES": None, "KEYWARD_BIN": None,
               "KEYWARD_CACHE_DIR": os.path.join(self.tmp, "prefix-cache")}
        r = self.run_cmd(["unshare", "-m", "sh", "-c", script], cwd=self.tmp, env=env)
        if r.rc != 1 and "mount" in r.err and "ermission" in r.err:
            self.skipTest(f"no mount namespace here: {r.err.strip()}")
        self.assertEqual(r.rc, 1, r.all)
        self.assertRegex(r.out, r"(?m)^\d{3,} rules$")
        self.assertIn("huggingface", r.all)
        self.assertNoSecret(r.all, token)


if __name__ == "__main__":
    unittest.main()
