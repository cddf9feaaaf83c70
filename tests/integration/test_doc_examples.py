"""The configuration examples in the docs must load as written: a user copies them."""
import os
import re
import unittest

from kwtest import SOURCE_DIR, RepoTestCase


def toml_blocks(path):
    with open(path) as f:
        text = f.read()
    return re.findall(r"```toml\n(.*?)```", text, flags=re.S)


class DocConfigExamples(RepoTestCase):
    def test_every_config_example_loads(self):
        checked = 0
        for doc in ("docs/configuration.md", "docs/rules.md", "docs/user-guide.md", "docs/server.md", "README.md"):
            path = os.path.join(SOURCE_DIR, doc)
            if not os.path.exists(path):
                continue
            for i, block in enumerate(toml_blocks(path)):
                # A .keyward.toml has config sections; a rule file starts with `provider`.
                if not re.search(r"^\[(allowlist|rules_config|rule\.|checkpoints|server|verify)", block, flags=re.M):
                    continue
                cfg = os.path.join(self.tmp, f"example-{checked}.toml")
                with open(cfg, "w") as f:
                    f.write(block)
                r = self.keyward("rules", "--config", cfg, cwd=self.tmp)
                self.assertEqual(r.rc, 0, f"{doc} example {i + 1} does not load:\n{r.all}")
                checked += 1
        self.assertGreaterEqual(checked, 2)


if __name__ == "__main__":
    unittest.main()
