#!/usr/bin/env bash
# Installs Agora with its development tools in .venv and runs the whole test suite.
# The tests start (and stop) their own broker, database and services; the Debian packages they
# check deployment files with are installed when missing (scripts/system-deps.sh).
# Extra arguments go to pytest (e.g. tests/unit, -k routing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
scripts/system-deps.sh
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  # pytest's "no tests collected": fine for a filtered run that matched nothing,
  # a failure for the full suite (which must never be empty).
  if [ "$#" -gt 0 ]; then
    echo "No test matched the selection: $*" >&2
    exit 0
  fi
  echo "The test suite collected no tests." >&2
  exit 1
fi
exit "$status"
