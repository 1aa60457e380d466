"""Checks one install of tests/dist/unpacked.sh from what it left behind:
the entry points' answers and the host's own per-call counters.

    python3 check_unpacked.py <shipped|tampered> <work> <whmcs root> <temp dir> <php user>
"""

import json
import pathlib
import pwd
import re
import stat
import sys

ADDON = "modules/addons/hostkeyresellermod"


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def compiles_paid(lines):
    """Per call, the compiles it paid: the rise of the process's counter."""
    seen = {}
    paid = []
    for line in lines:
        before = seen.get(line["pid"], 0)
        paid.append(line["compiles"] - before)
        seen[line["pid"]] = line["compiles"]
    return paid


def main():
    name, work, whmcs, tmp, user = sys.argv[1:6]
    work, whmcs = pathlib.Path(work), pathlib.Path(whmcs)
    uid = pwd.getpwnam(user).pw_uid

    activate = json.loads((work / f"{name}-activate.json").read_text())
    check(activate.get("status") == "success", f"activation: {activate}")
    connection = json.loads((work / f"{name}-test-connection.json").read_text())
    check(connection.get("success") is True, f"TestConnection: {connection}")
    cron = (work / f"{name}-cron.out").read_text().splitlines()
    check(bool(cron) and re.match(r"^Done in \d+ ms: .*\(\d+ created, .* rows written\)$", cron[-1]),
          f"cron.php: {cron}")
    findings = json.loads((work / f"{name}-system-check.json").read_text())

    lines = [json.loads(l) for l in (work / f"{name}-status.log").read_text().splitlines()]
    calls = [l["call"] for l in lines]
    for wanted in ("addon.activate", "provisioning.test-connection", "cron.sync"):
        check(any(c and c.startswith(wanted.split(".")[0]) for c in calls), f"no {wanted} among {calls}")
    check(len({l["pid"] for l in lines}) >= 3, f"expected separate processes: {lines}")
    paid = compiles_paid(lines)
    bin_dir = whmcs / ADDON / "bin"
    private = whmcs / "templates_c" / f"hostkeyresellermod-{uid}"

    if name == "shipped":
        check(paid == [0] * len(lines), f"a call compiled although the zip ships a .cwasm: {lines}")
        check(all(l["loaded_from_cache"] for l in lines), f"{lines}")
        check(all(pathlib.Path(l["cache_file"]).parent == bin_dir for l in lines),
              f"not the shipped .cwasm: {lines}")
    else:
        check(paid[0] == 1 and sum(paid) == 1, f"the first call compiles, no later one: {paid} {lines}")
        check(any("does not match its digest" in r for r in lines[0]["refused"]),
              f"the flipped .cwasm was not refused: {lines[0]}")
        check(lines[0]["cache_error"] is None, f"{lines[0]}")
        later = [l for l, p in zip(lines, paid) if l["pid"] != lines[0]["pid"]]
        check(later and all(l["loaded_from_cache"] for l in later), f"{later}")
        check(all(pathlib.Path(l["cache_file"]).parent == private for l in lines), f"{lines}")
        info = private.stat()
        check(info.st_uid == uid and stat.S_IMODE(info.st_mode) == 0o700,
              f"{private}: uid {info.st_uid}, mode {oct(info.st_mode)}")
        key = (private / "cwasm.key").stat()
        check(stat.S_IMODE(key.st_mode) == 0o600 and key.st_uid == uid, f"cwasm.key mode {oct(key.st_mode)}")
        check(len(list(private.glob("hostkey_guest.*.cwasm.hmac"))) == 1, f"no sealed .cwasm in {private}")
        check(f"{private}" in findings.get("Compile cache", ""), f"System check: {findings}")
    check(findings.get("Compile cache", "").find("warm") >= 0, f"System check: {findings}")
    check(re.match(r"^\d+\.\d+ \(the engine needs 2\.17 or newer\)$", findings.get("glibc", "")),
          f"System check glibc: {findings}")
    check(" reachable (" in findings.get("HOSTKEY API", ""), f"System check API: {findings}")
    print(f"{name}: {len(lines)} calls in {len({l['pid'] for l in lines})} processes, "
          f"compiles paid per call {paid}; System check: Compile cache = {findings.get('Compile cache')}")


if __name__ == "__main__":
    main()
