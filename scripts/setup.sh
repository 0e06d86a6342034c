#!/usr/bin/env bash
# Installs what a make target needs, and nothing that is already there.
#   scripts/setup.sh serve   the wasm32 target (rustup) and wasm-bindgen-cli at exactly the
#                            wasm-bindgen version in Cargo.lock (cargo install)
#   scripts/setup.sh check   the wasm32 target (clippy checks the wasm build too)
#   scripts/setup.sh [test]  all of the above, Chromium, ChromeDriver and Firefox ESR from Debian
#                            (apt-get), and the npm packages of package-lock.json (npm ci):
#                            playwright-core and puppeteer-core drive those browsers, axe-core
#                            checks accessibility
# Nothing here downloads a browser or a prebuilt binary from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
[ "$mode" = check ] && exit 0

[ -f Cargo.lock ] || cargo generate-lockfile
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want" --force
fi
[ "$mode" = serve ] && exit 0

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian's ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
fi
