#!/usr/bin/env bash
# Builds build/hostkeyresellermod-<version>.zip: the WHMCS tree with the
# component in the addon's bin/ folder and the host in bin/<arch>/, ready to
# extract over a WHMCS root. The version is the Cargo workspace version, written
# into whmcs.json here (the addon's _config has it from the component), with the
# module's name and display name from facts.json, where they are written once.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(bash scripts/version.sh)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r php/. "$stage/"
addon="$stage/modules/addons/hostkeyresellermod"
bin="$addon/bin"
# The component and the FFI header serve every processor; the host is per
# processor, in the folder named as php_uname('m') names it (RuntimeOptions::MACHINES).
mkdir -p "$bin/x86_64"
cp build/bin/hostkey_guest.wasm build/bin/hostkey_host.h "$bin/"
# The component precompiled for the architecture's baseline processor (the
# host's engine targets it, engine.rs) with its release digest: a server whose
# bin/ is read-only still pays no compile (docs/decisions.md, "Compile cache").
cp build/bin/hostkey_guest.*.cwasm build/bin/hostkey_guest.*.cwasm.sha256 "$bin/"
chmod 644 "$bin"/hostkey_guest.*.cwasm "$bin"/hostkey_guest.*.cwasm.sha256
cp build/bin/libhostkey_host.so build/bin/hostkey-host "$bin/x86_64/"
strip "$bin/x86_64/libhostkey_host.so" "$bin/x86_64/hostkey-host"
chmod 755 "$bin/x86_64/hostkey-host"
# Their release digests: PHP checks a copy against them before it runs one,
# when an upload dropped the exec bit or the mount is noexec (NativeFiles.php).
(cd "$bin/x86_64" && for f in hostkey-host libhostkey_host.so; do sha256sum "$f" > "$f.sha256"; done)
chmod 644 "$bin/x86_64/"*.sha256
# The shipped host must accept the shipped .cwasm as it is.
verdict=$("$bin/x86_64/hostkey-host" precompile "$bin/hostkey_guest.wasm")
case $verdict in
    *"is a valid precompiled"*) ;;
    *) echo "the shipped .cwasm does not fit the shipped host: $verdict" >&2; exit 1 ;;
esac
# That check leaves a secret and a stamp beside the component (host/src/engine/stamp.rs):
# they belong to one server, never to the zip.
rm -f "$bin/cwasm.key" "$bin"/*.stamp
# The admin's papers stay in the addon folder, not in the WHMCS root.
mkdir -p "$addon/docs"
cp LICENSE CHANGELOG.md "$addon/"
cp docs/README-admin.md "$addon/README.md"
cp docs/install.md docs/admin-guide.md "$addon/docs/"
for json in "$addon/whmcs.json" "$stage/modules/servers/hostkeyresellermod/whmcs.json"; do
    python3 - "$json" "$version" "$addon/facts.json" <<'PY'
import json, sys
path, version, facts = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path) as f:
    meta = json.load(f)
with open(facts) as f:
    module = json.load(f)["module"]
meta = {"schema": meta.pop("schema"), "type": meta.pop("type"), "name": module["name"], **meta}
meta["description"] = {"name": module["display_name"], **meta["description"]}
meta["version"] = version
with open(path, "w") as f:
    json.dump(meta, f, indent=4)
    f.write("\n")
PY
done
zip="build/hostkeyresellermod-$version.zip"
rm -f build/hostkeyresellermod-*.zip
(cd "$stage" && zip -qr "$OLDPWD/$zip" .)
echo "$zip"
