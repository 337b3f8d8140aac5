#!/usr/bin/env bash
# The system packages Baton's sessions need, on Debian or Ubuntu: git (every project is a
# repository), Chromium (sessions verify UI work in a browser), bubblewrap and socat (the OS
# sandbox sessions run their shell commands in). Installs only what is missing, so it is quick
# to run again. The container image (deploy/Dockerfile) and CI (.ci/run) both run this script:
# CI proves on every change that these install steps work.
#
#   bash scripts/install-system-deps.sh            # install what is missing
#   bash scripts/install-system-deps.sh --check    # list what is missing, exit 1 if anything is
set -euo pipefail

# command → Debian package
PACKAGES=(
  "git:git"
  "chromium:chromium"
  "bwrap:bubblewrap"
  "socat:socat"
)

missing=()
for entry in "${PACKAGES[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
done

if [ "${1:-}" = "--check" ]; then
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "missing: ${missing[*]}"
    exit 1
  fi
  echo "all present: git, chromium, bubblewrap, socat"
  exit 0
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "installing ${missing[*]} needs root: run this script with sudo" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ca-certificates
