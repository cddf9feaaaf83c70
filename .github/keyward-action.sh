#!/usr/bin/env bash
# The steps of the keyward GitHub Action (action.yml at the repository root), kept in a script
# so they can be run and tested outside GitHub:
#   keyward-action.sh install   put keyward on PATH (the one there already, or build it)
#   keyward-action.sh scan      scan what the event brings, write SARIF; never fails itself:
#                               the exit status goes to $GITHUB_OUTPUT (exit-code) for the
#                               action's last step, so the SARIF is uploaded first
# Inputs come as environment variables (action.yml maps them):
#   KW_SCAN        auto (default): --range for pull requests and pushes, --all-history for
#                  anything else (schedule, workflow_dispatch); or range, or all-history
#   KW_RANGE       an explicit range for KW_SCAN=range (a..b, or one commit: its history)
#   KW_SARIF       where the SARIF report goes (default keyward.sarif)
#   KW_ARGS        more keyward options, split on spaces (e.g. "--config ci.toml --strict")
#   KW_INSTALL     auto (default: keyward on PATH, else build it), build, or path
#   KW_EVENT, KW_BASE, KW_HEAD, KW_BEFORE, KW_SHA: github.event_name, the pull request's
#                  base and head shas, github.event.before and github.sha
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"   # the action's checkout (the keyward source tree)
out="${GITHUB_OUTPUT:-/dev/null}"
zero=0000000000000000000000000000000000000000

log() { echo "keyward-action: $*" >&2; }

install() {
  local mode="${KW_INSTALL:-auto}"
  if [ "$mode" != build ] && command -v keyward >/dev/null 2>&1; then
    log "using $(command -v keyward) ($(keyward version))"
    return 0
  fi
  if [ "$mode" = path ]; then
    log "install: path, but no keyward on PATH"
    exit 2
  fi
  local prefix="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyward"
  log "building keyward into $prefix"
  "$here/install.sh" --no-demo --prefix "$prefix" --build-dir "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyward-build"
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$prefix/bin" >> "$GITHUB_PATH"; fi
}

# What to scan, as keyward arguments (one a line).
scan_args() {
  local mode="${KW_SCAN:-auto}" event="${KW_EVENT:-}"
  if [ "$mode" = auto ]; then
    case "$event" in
      pull_request|pull_request_target|push) mode=range ;;
      *) mode=all-history ;;
    esac
  fi
  case "$mode" in
    all-history) echo --all-history ;;
    range)
      local range="${KW_RANGE:-}"
      if [ -z "$range" ]; then
        case "$event" in
          pull_request|pull_request_target) range="${KW_BASE:?no pull request base sha}..${KW_HEAD:?no pull request head sha}" ;;
          push)
            if [ -n "${KW_BEFORE:-}" ] && [ "${KW_BEFORE}" != "$zero" ]; then
              range="${KW_BEFORE}..${KW_SHA:?no github.sha}"
            else
              range="${KW_SHA:?no github.sha}"   # a new branch: all of its history
            fi ;;
          *) log "scan: range needs a range input for a '$event' event"; return 2 ;;
        esac
      fi
      echo --range; echo "$range" ;;
    *) log "scan: '$mode' is not auto, range or all-history"; return 2 ;;
  esac
}

scan() {
  local sarif="${KW_SARIF:-keyward.sarif}" status=0 args
  # A shallow clone lacks the commits a range names: fetch them rather than fail.
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    log "the clone is shallow: fetching the whole history (set fetch-depth: 0 on actions/checkout to skip this)"
    git fetch --quiet --unshallow --no-tags || log "git fetch --unshallow failed; keyward reports what is missing"
  fi
  args="$(scan_args)" || { echo "exit-code=2" >> "$out"; return 0; }
  mkdir -p "$(dirname "$sarif")"
  local -a argv
  mapfile -t argv <<< "$args"
  # shellcheck disable=SC2206
  local -a extra=(${KW_ARGS:-})
  log "keyward ${argv[*]} ${extra[*]} --format sarif -o $sarif"
  keyward "${argv[@]}" "${extra[@]}" --format sarif -o "$sarif" || status=$?
  echo "exit-code=$status" >> "$out"
  echo "sarif-file=$sarif" >> "$out"
  case "$status" in
    0) log "no secrets found" ;;
    1) log "secrets found: the job fails after the SARIF upload" ;;
    *) log "keyward could not scan everything (exit $status): the job fails" ;;
  esac
}

case "${1:-}" in
  install) install ;;
  scan) scan ;;
  *) echo "usage: $0 install|scan" >&2; exit 2 ;;
esac
