#!/usr/bin/env bash
# Installs, where missing, the Debian packages that the tests need beyond npm:
#   chromium        the status board's browser test (test/features/board) drives it headless
#   fonts-noto-cjk  Chinese glyphs for the week chart and for Chromium's screenshots
# Run as root (CI does); a package already installed is left alone, so a second run costs nothing.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]}; run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing ${missing[*]} with apt-get …"
# Only what the tests use (no recommended extras: chromium's sandbox package, fonts beyond CJK),
# quietly; apt's own output is shown only when it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
install_missing() { apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; }
# Fresh containers ship without package lists: update only when the install cannot find them.
if ! install_missing && ! { apt-get update -qq >>"$log" 2>&1 && install_missing; }; then
  cat "$log" >&2
  echo "could not install ${missing[*]}; run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
