#!/usr/bin/env bash
# Debian packages the test suite needs; idempotent, quick when all are present.
#   chromium            the real browser of the browser test (driven by Playwright)
#   fonts-noto-core     glyphs for Azerbaijani and Cyrillic labels in screenshots
#   virtuoso-opensource-7-bin   a second, independent SPARQL engine for the remote-store tests
set -euo pipefail
want=(chromium fonts-noto-core fonts-dejavu-core virtuoso-opensource-7-bin)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-system-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
