#!/usr/bin/env bash
# Installs Agora in .venv and runs the whole pipeline on the embedded engines, with the demo.
# Extra arguments go to `agora up` (e.g. --config my-agency.yaml, --demo-rate 2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/agora up --demo "$@"
