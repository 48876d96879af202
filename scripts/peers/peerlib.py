"""What the Python peers share: their arguments, the zone list, the check every answer gets, and the report.

A peer fans one batch of zone names out to a worldtimeapi-compatible API (GET {base}/timezone/{zone}) once
per run: WARMUP warm-up runs (--warmup, default 1), then RUNS measured runs. Each run prints one JSON line
on stdout:

    {"contender": "seed_threads", "zones": 100, "run": 1, "warmup": false, "elapsed_ms": 871.2, "ok": 100, "failed": 0}

Warm-up runs say "warmup": true and are numbered up to 0 (-1 and 0 for two); measured runs count from 1.
An answer counts as ok when it is HTTP 200 with a JSON object holding the 15 keys of the time object;
anything else (another status, a body that is not one, a refused or reset connection) counts as failed,
and a run's first few distinct reasons go to stderr.
"""

import argparse
import json
import sys
import time

# The 15 keys of worldtimeapi.org's time object, all of which timefan always writes.
TIME_KEYS = frozenset((
    "utc_offset", "timezone", "day_of_week", "day_of_year", "datetime", "utc_datetime", "unixtime",
    "raw_offset", "week_number", "dst", "abbreviation", "dst_offset", "dst_from", "dst_until", "client_ip"))


class Failure:
    """One lookup that did not answer a time object; picklable, so worker processes can return it."""

    def __init__(self, zone, reason):
        self.zone = zone
        self.reason = reason

    def __repr__(self):
        return "{}: {}".format(self.zone, self.reason)


def time_object(status, body):
    """The time object in an answer, or a ValueError saying why the answer is not one."""
    if status != 200:
        raise ValueError("HTTP {}: {}".format(status, body[:120]))
    answer = json.loads(body)
    if not isinstance(answer, dict) or not TIME_KEYS <= answer.keys():
        raise ValueError("not a time object: {}".format(str(answer)[:120]))
    return answer


def arguments(description, configure=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("base", help="the API's base URL, e.g. http://127.0.0.1:18481/api")
    parser.add_argument("zones", help="a file of zone names, one a line")
    parser.add_argument("runs", nargs="?", type=int, default=7, help="measured runs after the warm-up (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs before them (default 1)")
    if configure:
        configure(parser)
    args = parser.parse_args()
    args.base = args.base.rstrip("/")
    with open(args.zones, encoding="utf-8") as names:
        args.zones = [name.strip() for name in names if name.strip()]
    if not args.zones:
        parser.error("no zone names in the file")
    return args


def run(contender, args, batch):
    """Runs batch(zones) args.warmup times to warm up, then args.runs times, and reports each run."""
    for run_number in range(1 - args.warmup, args.runs + 1):
        start = time.perf_counter()
        results = batch(args.zones)
        elapsed_ms = (time.perf_counter() - start) * 1000
        failures = [result for result in results if isinstance(result, Failure)]
        print(json.dumps({"contender": contender, "zones": len(args.zones), "run": run_number,
                          "warmup": run_number <= 0, "elapsed_ms": round(elapsed_ms, 1),
                          "ok": len(results) - len(failures), "failed": len(failures)}), flush=True)
        if failures:
            examples = {}
            for failure in failures:
                examples.setdefault(failure.reason, failure)
            print("{} run {}: {} of {} failed, e.g. {}".format(
                contender, run_number, len(failures), len(results),
                "; ".join(map(repr, list(examples.values())[:3]))), file=sys.stderr)
