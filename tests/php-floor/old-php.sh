#!/usr/bin/env bash
# Prints the command line of a PHP 7.4 interpreter, unpacked (not installed)
# from Debian 11's packages into build/old-php/ on first use.
#   bash tests/php-floor/old-php.sh   ->  env LD_LIBRARY_PATH=... php7.4 -n ...
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir="$root/build/old-php"
php="$dir/root/usr/bin/php7.4"
packages=(php7.4-cli php7.4-common php7.4-json libssl1.1 libffi7)

if [ ! -x "$php" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"/{lists/partial,cache/archives/partial,root}
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    cat > "$dir/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian bullseye main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bullseye-security main
SOURCES
    apt_options=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
                 -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
                 -o Dir::State::status=/dev/null -o APT::Architecture=amd64 -o APT::Sandbox::User=root)
    if ! apt-get "${apt_options[@]}" -qq update >"$dir/apt.log" 2>&1 \
        || ! (cd "$dir/cache" && apt-get "${apt_options[@]}" -qq download "${packages[@]}" >>"$dir/apt.log" 2>&1); then
        echo "Could not fetch PHP 7.4 from Debian 11's packages (see $dir/apt.log)." >&2
        exit 1
    fi
    for deb in "$dir"/cache/*.deb; do
        dpkg-deb -x "$deb" "$dir/root"
    done
    rm -rf "$dir/lists" "$dir/cache"
fi
ext=$(echo "$dir"/root/usr/lib/php/2*)
echo "env LD_LIBRARY_PATH=$dir/root/usr/lib/x86_64-linux-gnu $php -n -d extension_dir=$ext -d extension=json"
