#!/bin/sh
# One command, offline: builds keyward and a large synthetic repository under bench/.work
# (both cached), then runs every benchmark. Options: see `bench/run.sh --help`.
exec python3 "$(dirname "$0")/bench.py" "$@"
