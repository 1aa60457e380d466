#!/usr/bin/env bash
# Builds build/hostkeyresellermod.zip: the WHMCS tree with the host and the
# component in the addon's bin/ folder, ready to extract over a WHMCS root.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r php/. "$stage/"
bin="$stage/modules/addons/hostkeyresellermod/bin"
mkdir -p "$bin"
cp build/bin/hostkey_guest.wasm build/bin/libhostkey_host.so build/bin/hostkey-host build/bin/hostkey_host.h "$bin/"
strip "$bin/libhostkey_host.so" "$bin/hostkey-host" 2>/dev/null || true
rm -f build/hostkeyresellermod.zip
(cd "$stage" && zip -qr "$OLDPWD/build/hostkeyresellermod.zip" .)
echo "build/hostkeyresellermod.zip"
