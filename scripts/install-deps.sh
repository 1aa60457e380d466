#!/usr/bin/env bash
# Installs what `make test` and `make demo` need on Debian, and nothing that
# is already there. Safe to run again.
set -euo pipefail

packages=(php8.2-cli php8.2-mysql php8.2-sqlite3 php8.2-mbstring phpunit php-illuminate-database
          smarty3 mariadb-server mariadb-client php-codesniffer python3 python3-venv zip binutils
          chromium python3-websocket libjs-bootstrap4 php8.2-fpm unzip)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node and npm run the second engine's tests (hosts/node); tested with Node 20, Debian bookworm ships 18.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
    missing+=(rustup)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup toolchain list 2>/dev/null | grep -q stable; then
    rustup default stable
fi
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
    rustup target add wasm32-wasip2
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

# The shipped host is linked by zig against glibc 2.17 (cargo-zigbuild), both
# from PyPI, pinned, in a venv of their own that the Makefile puts on PATH.
zig_tools="${HOSTKEYRESELLERMOD_TOOLS:-$HOME/.cache/hostkeyresellermod/zigbuild}"
zig_pins=(cargo-zigbuild==0.24.1 ziglang==0.14.1)
if [ "$(cat "$zig_tools/pins" 2>/dev/null)" != "${zig_pins[*]}" ]; then
    echo "installing into $zig_tools: ${zig_pins[*]}"
    rm -rf "$zig_tools"
    python3 -m venv "$zig_tools"
    "$zig_tools/bin/pip" install -q --disable-pip-version-check "${zig_pins[@]}"
    echo "${zig_pins[*]}" > "$zig_tools/pins"
fi
