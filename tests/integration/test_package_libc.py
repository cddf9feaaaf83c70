"""The .deb's C library dependency covers what the binary needs to start (issue 14's link
changes). Linked with packed relative relocations (-z pack-relative-relocs, DT_RELR), the
binary needs the version GLIBC_ABI_DT_RELR (glibc 2.36): a version without any symbol, which
dpkg-shlibdeps does not count, so the Depends it computes alone name only the newest symbol's
glibc (2.35 on Debian 12). On a glibc 2.35 system (Ubuntu 22.04) apt would then install a
keyward that cannot start ("version `GLIBC_ABI_DT_RELR' not found"): every commit fails.

The package is built from the already-built tree (cpack), as in test_package.py.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kwtest import KEYWARD, RepoTestCase

BUILD = os.path.dirname(KEYWARD)


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


class DebLibcDependsTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "readelf"):
            if not shutil.which(tool):
                raise AssertionError(f"{tool} is missing (./install.sh --deps-only --test-deps installs it)")
        cls.pkgdir = tempfile.mkdtemp(prefix="keyward-deb-libc-")
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
        depends = self.run_cmd(["dpkg-deb", "-f", self.deb, "Depends"], cwd=self.tmp, check=True).out.strip()
        floors = [m.group(1) for m in re.finditer(r"libc6 \(>= ([^)]+)\)", depends)]
        self.assertTrue(floors, f"Depends names no libc6 version: {depends!r}")
        # Every libc6 clause must hold, so the highest floor is what apt enforces.
        self.assertGreaterEqual(version_key(max(floors, key=version_key)), version_key(required),
                                f"the binary needs {name} (glibc {required}) but the package Depends "
                                f"{depends!r}: apt would install a keyward that cannot start")


if __name__ == "__main__":
    unittest.main()
