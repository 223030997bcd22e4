#!/usr/bin/env bash
# Installs the Debian packages the test suite checks against, when they are missing:
#   docker-compose  - a real compose implementation, to validate docker-compose.yml
#   prometheus      - promtool (configs, alert rules, expositions) and the Prometheus the
#                     integration tests and the local runner start
# Uses sudo when not run as root. Safe to run again.
set -euo pipefail
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ "${#missing[@]}" -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (the tests validate deployment files with them)." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
