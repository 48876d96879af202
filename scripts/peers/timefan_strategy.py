#!/usr/bin/python3
"""Not a peer: times one of timefan's own strategies the way the peers time themselves.

Each run POSTs the whole batch, a JSON array of the zone names, to {service}/{strategy}/time?source=upstream
(standard library only, a new connection per run) and times it from sending the request to the last byte
of the answer. Warm-up runs (--warmup, default 1) are numbered up to 0 and say "warmup": true. Each run
prints the peers' JSON line (scripts/peers/peerlib.py) with two more keys: "not_upstream", the items that
answered 200 but not from the upstream (source "fallback": the service could not reach its upstream and
the local tz database answered), and "service_ms", the batch result's own elapsed_ms (the fan-out inside
the service, without HTTP and JSON). An item counts as ok when its status is 200, its source is
"upstream" and it holds a time object.

If the service answers anything but 200 (a jar older than the upstream source answers 400, "source
'upstream' is not available in this version") it says so on stderr and exits 3: never a silent row.

    /usr/bin/python3 scripts/peers/timefan_strategy.py http://127.0.0.1:18483 threads zones.txt 7
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

import peerlib


def post(url, body):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")
        try:
            detail = json.loads(detail).get("detail", detail)
        except ValueError:
            pass
        print("timefan_strategy: POST {} answered {}: {}".format(url, error.code, detail), file=sys.stderr)
        sys.exit(3)
    return (time.perf_counter() - start) * 1000, json.loads(answer)


def main():
    parser = argparse.ArgumentParser(description="Times POST /{strategy}/time?source=upstream.")
    parser.add_argument("service", help="the timefan's base URL, e.g. http://127.0.0.1:18483")
    parser.add_argument("strategy", help="threads, virtual, processes or reactive")
    parser.add_argument("zones", help="a file of zone names, one a line")
    parser.add_argument("runs", nargs="?", type=int, default=7, help="measured runs after the warm-up (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs before them (default 1)")
    args = parser.parse_args()
    with open(args.zones, encoding="utf-8") as names:
        zones = [name.strip() for name in names if name.strip()]
    url = "{}/{}/time?source=upstream".format(args.service.rstrip("/"), args.strategy)
    body = json.dumps(zones).encode()
    for run_number in range(1 - args.warmup, args.runs + 1):
        elapsed_ms, result = post(url, body)
        items = result["results"]
        failed = [item for item in items if item.get("status") != 200]
        not_upstream = [item for item in items if item.get("status") == 200 and item.get("source") != "upstream"]
        broken = [item for item in items if item.get("status") == 200 and item.get("source") == "upstream"
                  and not (isinstance(item.get("time"), dict) and peerlib.TIME_KEYS <= item["time"].keys())]
        print(json.dumps({"contender": args.strategy, "zones": len(zones), "run": run_number,
                          "warmup": run_number <= 0, "elapsed_ms": round(elapsed_ms, 1),
                          "ok": len(items) - len(failed) - len(not_upstream) - len(broken),
                          "failed": len(failed) + len(broken), "not_upstream": len(not_upstream),
                          "service_ms": result.get("elapsed_ms")}), flush=True)
        if len(items) != len(zones):
            print("{} run {}: {} items for {} zones".format(args.strategy, run_number, len(items), len(zones)),
                  file=sys.stderr)
        for label, examples in (("failed", failed + broken), ("not from the upstream", not_upstream)):
            if examples:
                print("{} run {}: {} items {}, e.g. {}".format(args.strategy, run_number, len(examples), label,
                      json.dumps(examples[0])[:300]), file=sys.stderr)


if __name__ == "__main__":
    main()
