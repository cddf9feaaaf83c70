#!/usr/bin/env bash
# keyward set-up: installs the Debian packages it needs (when missing), builds, installs the
# binary and its rules, then shows the main job: a commit carrying a secret is blocked.
#
#   ./install.sh                 everything, then the demo
#   ./install.sh --hook DIR      also install the pre-commit hook into the repository at DIR
#   ./install.sh --deps-only     only the packages (add --test-deps for the test suite's)
#   ./install.sh --prefix DIR    install under DIR (default /usr/local as root, else ~/.local)
#   ./install.sh --no-demo       skip the demo
#   ./install.sh --uninstall     remove what install.sh installed (same --prefix); hooks stay:
#                                run `keyward uninstall` in a repository first to remove them
#   ./install.sh --install-only --build-dir DIR   install a tree already built (no packages, no build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix=""
deps_only=0
test_deps=0
demo=1
hook_repo=""
uninstall=0
install_only=0
build_dir="$here/build-install"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --deps-only) deps_only=1; shift ;;
    --test-deps) test_deps=1; shift ;;
    --no-demo) demo=0; shift ;;
    --hook) hook_repo="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    --install-only) install_only=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see ./install.sh --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$prefix" ]; then
  if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi
# What was installed, one path a line relative to the prefix: what --uninstall removes.
manifest_rel=share/keyward/install-manifest.txt

# --- uninstall ----------------------------------------------------------------------------
if [ "$uninstall" = 1 ]; then
  manifest="$prefix/$manifest_rel"
  if [ ! -f "$manifest" ]; then
    echo "install.sh: nothing to uninstall under $prefix (no $manifest_rel; another --prefix?)" >&2
    exit 2
  fi
  removed=0
  while IFS= read -r rel; do
    case "$rel" in ''|/*|*..*) continue ;; esac   # only plain paths inside the prefix
    if [ -e "$prefix/$rel" ] || [ -L "$prefix/$rel" ]; then rm -f "$prefix/$rel"; removed=$((removed + 1)); fi
    # Folders left empty go too, up to (not including) the prefix.
    d=$(dirname "$rel")
    while [ "$d" != . ] && rmdir "$prefix/$d" 2>/dev/null; do d=$(dirname "$d"); done
  done < "$manifest"
  rm -f "$manifest"
  d=$(dirname "$manifest_rel")
  while [ "$d" != . ] && rmdir "$prefix/$d" 2>/dev/null; do d=$(dirname "$d"); done
  echo "install.sh: removed $removed files of keyward from $prefix"
  echo "install.sh: hooks in repositories stay (keyward uninstall removes them); the rule cache is in ${XDG_CACHE_HOME:-$HOME/.cache}/keyward"
  exit 0
fi

# Installs the built tree under $prefix and writes the manifest. Staged first (DESTDIR), so
# the manifest lists exactly what this install put there.
install_built_tree() {
  local stage
  stage="$(mktemp -d)"
  DESTDIR="$stage" cmake --install "$build_dir" --prefix "$prefix" >/dev/null
  mkdir -p "$prefix"
  cp -R -P "$stage$prefix/." "$prefix/"
  mkdir -p "$prefix/$(dirname "$manifest_rel")"
  (cd "$stage$prefix" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort) > "$prefix/$manifest_rel"
  rm -rf "$stage"
}
if [ "$install_only" = 1 ]; then
  install_built_tree
  echo "install.sh: installed $prefix/bin/keyward ($("$prefix/bin/keyward" version))"
  exit 0
fi

# --- packages -------------------------------------------------------------------------
# Hyperscan is x86-only; Vectorscan provides the same hs.h elsewhere.
case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
  amd64|x86_64|i386) hs_pkg=libhyperscan-dev ;;
  *) hs_pkg=libvectorscan-dev ;;
esac
# libcurl4: not linked, loaded at run time by --verify and `keyward revoke` only (the
# prototypes are declared in src/verify/curl_library.h, so no -dev package is needed).
packages="g++ cmake ninja-build pkg-config git libgit2-dev $hs_pkg libfmt-dev libre2-dev libtomlplusplus-dev zlib1g-dev libcurl4"
# The test suite also drives the real pre-commit tool, clang's fuzzer and sanitizer
# runtimes, node for the SARIF schema validator, dpkg-dev (dpkg-shlibdeps) for the .deb
# test, zsh to check the zsh completion, jq for the documented report merge, and openssl
# for test_verify.py's throwaway certificate.
test_packages="python3 catch2 pre-commit clang libclang-rt-14-dev npm time dpkg-dev zsh jq openssl"
[ "$test_deps" = 1 ] && packages="$packages $test_packages"

# Tools that may come from elsewhere (a NodeSource nodejs ships its own npm and conflicts
# with Debian's) count as present when their command is.
provided_by_command() {
  case "$1" in
    npm|cmake|git|python3|clang) command -v "$1" >/dev/null 2>&1 ;;
    g++) command -v g++ >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
missing=""
for p in $packages; do
  provided_by_command "$p" && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install.sh: installing Debian packages:$missing"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "install.sh: need root (or sudo) to install:$missing" >&2; exit 2; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing
fi
[ "$deps_only" = 1 ] && exit 0

# --- build and install -------------------------------------------------------------------
# Users need neither Catch2 nor Python: the tests are not built here.
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
ninja -C "$build_dir" keyward
install_built_tree
bin="$prefix/bin/keyward"
echo "install.sh: installed $bin ($("$bin" version)) with $("$bin" rules | tail -n 1)"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "install.sh: add $prefix/bin to PATH" ;; esac
# Compile the pattern database once now, so the first commit does not pay for it: into the
# installing user's cache, and (as root) into the system-wide cache every user reads.
"$bin" rules --compile
if [ "$(id -u)" = 0 ]; then "$bin" rules --compile --system || true; fi

if [ -n "$hook_repo" ]; then
  (cd "$hook_repo" && "$bin" install)
fi

# --- the main job, shown: a staged Hugging Face token blocks `git commit` -------------------
if [ "$demo" = 1 ]; then
  demo_dir="$(mktemp -d)"
  trap 'rm -rf "$demo_dir"' EXIT
  echo
  echo "install.sh: demo in $demo_dir: an AutoTrain checkpoint with a token is committed"
  (
    cd "$demo_dir"
    git init -q -b main demo && cd demo
    git config user.name demo && git config user.email demo@example.invalid
    "$bin" install >/dev/null
    mkdir -p .ipynb_checkpoints
    # A fresh random token-shaped value, built here so no token is stored anywhere.
    # (pipefail off here: head closing the pipe early is how this pipeline ends.)
    token="hf_$(set +o pipefail; LC_ALL=C tr -dc 'A-Za-z' </dev/urandom | head -c 34)"
    printf '{\n  "model": "bert-base-uncased",\n  "project_name": "demo",\n  "push_to_hub": true,\n  "username": "someone",\n  "epochs": 3,\n  "token": "%s"\n}\n' "$token" \
      > .ipynb_checkpoints/training_params-checkpoint.json
    git add -A
    if git commit -q -m "train" ; then
      echo "install.sh: the commit went through: keyward did NOT block it" >&2
      exit 1
    fi
    echo "install.sh: the commit was blocked, as it should be."
  )
fi
