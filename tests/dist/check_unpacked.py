"""Checks one install of tests/dist/unpacked.sh from what it left behind:
the entry points' answers and the host's own per-call counters.

    python3 check_unpacked.py <install> <work> <whmcs root> <temp dir> <php user>

Installs: shipped, tampered, execbit, nouname, basedir, noexec-copy, noexec-ffi (the calls work);
noprocopen, noexec (the engine cannot start: one sentence, and the System check).
"""

import html
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


def row(page, item):
    """The finding of one System check row on the rendered addon page."""
    found = re.search(r"<td>" + re.escape(item) + r"</td>\s*<td>(.*?)</td>", page, re.S)
    return html.unescape(found.group(1)) if found else None


def check_engine_cannot_start(name, work, whmcs, tmp, user):
    """proc_open off with FFI off, or every place noexec: one sentence, and the page still shows the check."""
    activate = json.loads((work / f"{name}-activate.json").read_text())
    check(activate.get("status") == "error", f"activation: {activate}")
    sentence = activate.get("description", "")
    page = json.loads((work / f"{name}-output.json").read_text())["html"]
    check("<h3 class=\"panel-title\">System check</h3>" in page, f"no System check on the page: {page[-2000:]}")
    findings = json.loads((work / f"{name}-system-check.json").read_text())
    bin_dir = whmcs / ADDON / "bin" / "x86_64"
    if name == "noprocopen":
        check(sentence.startswith("PHP's disable_functions blocks proc_open, which the helper-process transport "
                                  "needs, and FFI is off: remove proc_open from disable_functions in the php.ini "
                                  "WHMCS's PHP reads, or set ffi.enable=true there or in WHMCS's PHP-FPM pool"),
              sentence)
        proc_open = row(page, "proc_open") or ""
        check(proc_open.startswith("disabled by disable_functions; remove proc_open from disable_functions")
              and "ask the host" in proc_open, f"proc_open row: {proc_open!r}")
        check(row(page, "Transport") == "helper process: will fail, enable proc_open or FFI", page[-3000:])
        check(sentence in html.unescape(page), "the page does not say why the engine failed")
    else:
        mount = str(work / "noexec")
        check(sentence.startswith(f"The component host program {bin_dir}/hostkey-host cannot run: {bin_dir} is on "
                                  f"{mount}, mounted noexec, and no folder PHP's user can write allows running a "
                                  "copy ("), sentence)
        check(sentence.endswith(f"remount {mount} without noexec, or point $templates_compiledir in configuration.php "
                                "to a folder PHP's user can write on a file system that allows programs."), sentence)
        check(findings.get("Engine files") == sentence, f"System check: {findings}")
        check((row(page, "Mount") or "").startswith(f"{bin_dir} is on {mount} (tmpfs), mounted noexec; remount it"),
              f"Mount row: {row(page, 'Mount')!r}")
    print(f"{name}: the engine cannot start, and says: {sentence}")
    print(f"{name}: the addon page still shows the System check ({len(findings)} rows)")


def main():
    name, work, whmcs, tmp, user = sys.argv[1:6]
    work, whmcs = pathlib.Path(work), pathlib.Path(whmcs)
    uid = pwd.getpwnam(user).pw_uid
    if name in ("noprocopen", "noexec"):
        check_engine_cannot_start(name, work, whmcs, pathlib.Path(tmp), user)
        return

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

    launcher = bin_dir / "x86_64" / "hostkey-host"
    if name in ("execbit", "noexec-copy", "noexec-ffi"):
        place = private if name == "execbit" else pathlib.Path(tmp) / f"hostkeyresellermod-{uid}"
        copies = list(place.glob("engine-*/hostkey-host"))
        check(len(copies) == 1, f"no single copy in {place}: {copies}")
        copy = copies[0]
        check(copy.read_bytes() == launcher.read_bytes(), "the copy differs from the shipped launcher")
        info = copy.stat()
        check(info.st_uid == uid and stat.S_IMODE(info.st_mode) == 0o700, f"{copy}: {oct(info.st_mode)}")
        why = "it lost its exec bit" if name == "execbit" else "its mount is noexec"
        engine = findings.get("Engine files", "")
        if name == "noexec-ffi":
            check(engine == "libhostkey_host.so is on a noexec mount; calls load a copy checked against the release "
                  f"digest, {copy.parent}/libhostkey_host.so", f"System check: {engine!r}")
        else:
            check(engine == f"hostkey-host cannot run in {launcher.parent} ({why}); calls run from a copy checked "
                  f"against the release digest in {copy.parent}", f"System check: {engine!r}")
        if name != "execbit":
            mount = findings.get("Mount", "")
            check(mount == f"{launcher.parent} is on {work / 'noexec'} (tmpfs), mounted noexec; the engine runs "
                  f"from {copy.parent}", f"System check: {mount!r}")
        print(f"{name}: every call ran from {copy.parent}; System check: Engine files = {engine}")
    if name == "basedir":
        errors = work / f"{name}-php-errors.log"
        logged = errors.read_text() if errors.exists() else ""
        check(logged == "", f"PHP logged under open_basedir: {logged[:2000]}")
        print(f"{name}: the calls work under open_basedir, and PHP's error log stays empty")
    if name != "tampered":
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
