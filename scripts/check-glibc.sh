#!/usr/bin/env bash
# Fails when a shipped ELF needs a newer glibc than the floor; prints the newest
# GLIBC_ version each one requires (objdump -T).
#   bash scripts/check-glibc.sh <folder> [floor, default 2.17]
set -euo pipefail
dir=$1
floor=${2:-2.17}
status=0
count=0
while IFS= read -r -d '' file; do
    [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    count=$((count + 1))
    newest=$(objdump -T "$file" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
    newest=${newest:-none}
    if [ "$newest" != none ] && [ "$(printf '%s\n%s\n' "$floor" "$newest" | sort -V | tail -n 1)" != "$floor" ]; then
        echo "FAIL: ${file#"$dir"/} needs GLIBC_$newest, above the floor $floor"
        status=1
    else
        echo "ok: ${file#"$dir"/} needs GLIBC_$newest at most (floor $floor)"
    fi
done < <(find "$dir" -type f -print0 | sort -z)
if [ "$count" -eq 0 ]; then
    echo "FAIL: no ELF file under $dir"
    status=1
fi
exit $status
