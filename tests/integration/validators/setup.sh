#!/bin/sh
# Installs the test-only schema validators (pinned in package.json next to this script)
# from the npm registry into DIR, unless they are there already. tests/run.sh calls it
# before the tests, so no test downloads anything.
#   tests/integration/validators/setup.sh DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: setup.sh DIR}
mkdir -p "$dir"
if [ ! -d "$dir/node_modules/@microsoft/jest-sarif" ] || ! cmp -s "$here/package.json" "$dir/package.json"; then
  command -v npm >/dev/null || { echo "validators: npm is required (./install.sh --deps-only --test-deps)" >&2; exit 2; }
  cp "$here/package.json" "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
fi
cp "$here"/*.js "$dir/"
