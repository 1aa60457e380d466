"""Writes the "Status sync at scale" section of docs/benchmarks.md from
bench/scale.sh's results, replacing that section (or appending it) and leaving
every other section as it is.

    python3 bench/report_scale.py <scale.json> <benchmarks.md>
"""
import json
import re
import sys

HEADING = "## Status sync at scale (issue 25)"


def section(results):
    lines = [HEADING, "",
             "`bash bench/scale.sh` (in `make bench`): a private MariaDB and the fake HOSTKEY API, N",
             "services linked to N servers, every API call answered after the delay below, and WHMCS's",
             "cron as it runs it: the daily job (catalogue sync + a status slice), then a five-minute",
             "`AfterCronJob` slice per run, until every server has been read. The call limit is the",
             "runtime's default (30 s); each slice spends at most 70% of it. The page is the addon",
             "page's module time (bridge, component, rendering; FFI; median of 5), with the",
             "needs-attention list and the server-status list paginated (50 rows a page).", "",
             "| Services | API delay | Cron runs until all read | Longest run | API calls per server "
             "| `eq/show` | `auth/login` | Longest sync log line | Page: view | Page: a later page |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c, p = r["cron"], r["page"]
        runs = len(c["runs"]) if c["all_read"] else f"not all in {len(c['runs'])}"
        lines.append(
            f"| {c['services']:,} | {c['delay_ms']} ms | {runs} | {c['longest_run_s']:.1f} s "
            f"| {c['calls_per_server']:.3f} | {c['eq_show']:,} | {c['auth_login']} "
            f"| {c['longest_log_line_bytes']:,} B | {p['view_ms_median']:.0f} ms "
            f"| {p['paged_view_ms_median']:.0f} ms |")
    five = [max(x["seconds"] for x in r["cron"]["runs"][1:]) for r in results if len(r["cron"]["runs"]) > 1]
    lines += ["",
              "Every server is read once per round (one `eq/show`), with one session per slice. The",
              "longest run is the daily one: the catalogue sync, its slice and the five-minute slice",
              "of the same cron run (hence one more session)."]
    if five:
        lines.append(f"The longest five-minute run took {max(five):.1f} s.")
    lines += ["A day has 288 five-minute runs, so a round ends well inside it. \"A later page\" posts",
              "the page view for page 40 of the status list and page 2 of the orders waiting (a page",
              "past the end shows the last one).", ""]
    return "\n".join(lines)


def main():
    results = json.load(open(sys.argv[1]))
    path = sys.argv[2]
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    new = section(results)
    pattern = re.compile(re.escape(HEADING) + r".*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: new + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    open(path, "w").write(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
