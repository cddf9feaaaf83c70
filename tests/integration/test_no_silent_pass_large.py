"""The no-silent-pass test's large blobs and exhausted budgets (issue 11, "Done when").

The corpus (about 210 MB: tokens at the start, middle and very last bytes of 5 and 40 MB
files; escaped JSON, base64 lines and UTF-16 past the decoded-view budget; 4.3 million
Hyperscan hits before a token) goes through each mode of test_no_silent_pass.py once, and
is judged the same way: each case is reported, or the run exits 2 naming the file.
"""
import unittest

import test_no_silent_pass as nsp


class NoSilentPassLargeAndBudgets(nsp.NoSilentPassBase):
    def test_large_blobs_and_exhausted_budgets_in_every_mode(self):
        corpus = nsp.large_corpus(self.repo)
        # Each mode once, judged on the real hooks' reports.
        self.run_all_modes(corpus, direct_json=False, fresh_branch=False)


if __name__ == "__main__":
    unittest.main()
