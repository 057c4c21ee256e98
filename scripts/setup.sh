#!/usr/bin/env bash
# Installs the Debian packages runbook builds and tests against. Skips apt when all are present.
set -euo pipefail
packages=(libcmark-dev cmark libssh2-1-dev libssl-dev libmimalloc-dev openssh-server openssh-client shellcheck nginx-light python3 sqlite3 curl sudo chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected Swift 6.x)" >&2; exit 1; }
