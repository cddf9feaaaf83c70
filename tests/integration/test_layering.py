"""The layering of src/ is enforced by the build: a layer's sources are compiled with the
include paths of the layers it links and no others, so reaching into a layer above fails
to compile, and only git/, scan/ and cli/ may include libgit2 (a configure-time check).
These tests try both kinds of violation against the real build configuration."""
import json
import os
import shlex
import subprocess
import tempfile
import unittest

from kwtest import KEYWARD, SOURCE_DIR

BUILD = os.path.dirname(KEYWARD)
# Each layer and a header of a layer it must not see.
FORBIDDEN = [
    ("base", "rule_set.h"),
    ("rules", "config.h"),
    ("decode", "matcher.h"),
    ("policy", "scanner.h"),
    ("git", "decoders.h"),
    ("report", "engine.h"),
    ("scan", "text_reporter.h"),
    # Nothing a scan or a hook runs may reach the network layer, which sees only rules and base.
    ("rules", "verifier.h"),
    ("decode", "http_client.h"),
    ("policy", "check.h"),
    ("report", "verifier.h"),
    ("scan", "curl_library.h"),
    ("verify", "config.h"),
]
ALLOWED = {"policy": "rule_set.h", "scan": "git_handles.h", "report": "finding.h", "verify": "rule_set.h",
           "cli": "verifier.h"}


def compile_commands():
    with open(os.path.join(BUILD, "compile_commands.json")) as f:
        return json.load(f)


class LayeringTest(unittest.TestCase):
    def command_for(self, layer):
        for c in compile_commands():
            # A source of the layer's own library (keyward_<layer>), not one of a helper
            # target that lives in the same folder (the link-time stubs of cli/).
            if (f"/src/{layer}/" in c["file"] and f"keyward_{layer}.dir/" in c["command"]
                    and "_fuzz" not in c["file"]):
                return c
        self.fail(f"no compile command for a source of src/{layer}/ in {BUILD}/compile_commands.json")

    def try_compile(self, layer, header):
        c = self.command_for(layer)
        args = shlex.split(c["command"])
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "probe.cc")
            with open(src, "w") as f:
                f.write(f'#include "{header}"\nint probe() {{ return 0; }}\n')
            i = args.index("-c")
            args[i + 1] = src
            o = args.index("-o")
            args[o + 1] = os.path.join(tmp, "probe.o")
            args = [a for a in args if not a.startswith(("-MD", "-MT", "-MF"))]
            p = subprocess.run([a for a in args if a != "ccache"], cwd=c["directory"], capture_output=True,
                               text=True)
            return p

    def test_a_layer_cannot_include_a_layer_above(self):
        for layer, header in FORBIDDEN:
            with self.subTest(layer=layer, header=header):
                p = self.try_compile(layer, header)
                self.assertNotEqual(p.returncode, 0, f"src/{layer}/ could include {header}")
                self.assertIn(header, p.stderr)

    def test_a_layer_can_include_what_it_links(self):
        for layer, header in ALLOWED.items():
            with self.subTest(layer=layer, header=header):
                p = self.try_compile(layer, header)
                self.assertEqual(p.returncode, 0, p.stderr)

    def test_configure_refuses_libgit2_outside_the_git_layers(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A copy of the tree whose decode/ layer includes <git2.h>.
            subprocess.run(["cp", "-r", os.path.join(SOURCE_DIR, "src"), os.path.join(SOURCE_DIR, "CMakeLists.txt"),
                            os.path.join(SOURCE_DIR, "hook"), os.path.join(SOURCE_DIR, "docs"),
                            os.path.join(SOURCE_DIR, "patterns"), tmp], check=True)
            with open(os.path.join(tmp, "src", "decode", "probe.cc"), "w") as f:
                f.write("#include <git2.h>\n")
            p = subprocess.run(["cmake", "-S", tmp, "-B", os.path.join(tmp, "b"), "-DBUILD_TESTING=OFF"],
                               capture_output=True, text=True)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("must not use libgit2", p.stdout + p.stderr)


class EnvironmentTest(unittest.TestCase):
    """The environment is read once, in src/cli/environment.cc (and the cli's own
    commands), and passed down as options: no library below reads a variable behind its
    caller's back. Tests and fuzz harnesses are not the product and may read theirs."""

    def test_no_getenv_outside_the_cli(self):
        import re
        call = re.compile(r"\b(std::)?(secure_)?getenv\s*\(")
        offenders = []
        src = os.path.join(SOURCE_DIR, "src")
        for root, _, files in os.walk(src):
            for name in files:
                if not name.endswith((".cc", ".h")) or name.endswith(("_test.cc", "_fuzz.cc")):
                    continue
                path = os.path.join(root, name)
                if os.path.relpath(path, src).startswith("cli" + os.sep):
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        code = line.split("//", 1)[0]
                        if call.search(code):
                            offenders.append(f"{os.path.relpath(path, SOURCE_DIR)}:{n}: {line.strip()}")
        self.assertEqual(offenders, [], "getenv outside src/cli (read it in src/cli/environment.cc and pass it "
                                        "down as an option):\n" + "\n".join(offenders))


if __name__ == "__main__":
    unittest.main()
