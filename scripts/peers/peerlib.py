"""What the Python peers share: their arguments, the zone list, the check every answer gets, the report, and
the measures of their own CPU time and memory.

A peer fans one batch of zone names out to a worldtimeapi-compatible API (GET {base}/timezone/{zone}):
WARMUP warm-up batches (--warmup, default 1), then up to RUNS timed batches, one after the other (fewer, but
at least --min-runs, when they pass --budget seconds), then, with --clients C, a throughput window: C
clients, each running batch after batch until --duration seconds have passed, the window closing when the
last of them has finished the batch it was in. Each line of stdout is one JSON object:

    {"type": "batch", "contender": "seed_threads", "zones": 100, "run": 1, "warmup": false, "elapsed_ms": 871.2, "ok": 100, "failed": 0, "not_upstream": 0}
    {"type": "latency", "contender": "seed_threads", "zones": 100, "runs": 7, "wall_s": 6.1, "cpu_s": 5.2, "rss_mib": 41.0}
    {"type": "throughput", "contender": "seed_threads", "zones": 100, "clients": 16, "wall_s": 10.4, "batches": 160, "ok": 16000, "failed": 0, "not_upstream": 0, "cpu_s": 19.5, "rss_mib": 62.3, "p50_ms": 990.1}

Warm-up batches say "warmup": true and are numbered up to 0 (-1 and 0 for two); timed ones count from 1.
An answer counts as ok when it is HTTP 200 with a JSON object holding the 15 keys of the time object;
anything else (another status, a body that is not one, a refused or reset connection) counts as failed,
and a batch's first few distinct reasons go to stderr.

cpu_s is the user + system CPU time of a process tree (Meter) over the window: the process itself and its
descendants, those that ended included (their time is in their parent's cutime/cstime once reaped);
rss_mib the tree's peak resident memory over the window: the root's peak (VmHWM, reset at the window's
start through /proc/PID/clear_refs) plus the largest sum of its descendants' PSS sampled every 100 ms (a
forked worker's pages shared with its parent count once, split between them), an upper bound since the two
peaks need not coincide. For a peer the tree is its own process (and for
seed_processes the pools' worker processes); timefan_strategy.py measures the service's instead.
"""

import argparse
import json
import math
import os
import sys
import threading
import time

# The 15 keys of worldtimeapi.org's time object, all of which timefan always writes.
TIME_KEYS = frozenset((
    "utc_offset", "timezone", "day_of_week", "day_of_year", "datetime", "utc_datetime", "unixtime",
    "raw_offset", "week_number", "dst", "abbreviation", "dst_offset", "dst_from", "dst_until", "client_ip"))

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Failure:
    """One lookup that did not answer a time object; picklable, so worker processes can return it.

    kind is "failed", or "not_upstream" for a timefan item answered 200 but not from the upstream."""

    def __init__(self, zone, reason, kind="failed"):
        self.zone = zone
        self.reason = reason
        self.kind = kind

    def __repr__(self):
        return "{}: {}".format(self.zone, self.reason)


class Results(list):
    """A batch's answers; extra holds keys added to the batch's line (timefan's service_ms)."""

    def __init__(self, items, **extra):
        super().__init__(items)
        self.extra = extra


def time_object(status, body):
    """The time object in an answer, or a ValueError saying why the answer is not one."""
    if status != 200:
        raise ValueError("HTTP {}: {}".format(status, body[:120]))
    answer = json.loads(body)
    if not isinstance(answer, dict) or not TIME_KEYS <= answer.keys():
        raise ValueError("not a time object: {}".format(str(answer)[:120]))
    return answer


# Measures of a process tree from /proc ------------------------------------------------------------------

def _read(path):
    try:
        with open(path, encoding="ascii", errors="replace") as source:
            return source.read()
    except OSError:  # the process has gone
        return ""


def descendants(root):
    """The pids of root's descendants alive now (children of any of their threads), depth first."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        try:
            tasks = os.listdir("/proc/{}/task".format(pid))
        except OSError:
            continue
        for task in tasks:
            for child in _read("/proc/{}/task/{}/children".format(pid, task)).split():
                found.append(int(child))
                pending.append(int(child))
    return found


def cpu_seconds(pid):
    """pid's user + system CPU time, with that of its reaped children (utime, stime, cutime, cstime)."""
    stat = _read("/proc/{}/stat".format(pid))
    if not stat:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return sum(int(tick) for tick in fields[11:15]) / CLOCK_TICKS


def tree_cpu_seconds(root):
    return cpu_seconds(root) + sum(cpu_seconds(pid) for pid in descendants(root))


def status_kib(pid, key, source="status"):
    for line in _read("/proc/{}/{}".format(pid, source)).splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def pss_kib(pid):
    """pid's proportional set size: its private pages, and its share of those it shares (with the parent
    it was forked from, say); its VmRSS where smaps_rollup cannot be read."""
    return status_kib(pid, "Pss", "smaps_rollup") or status_kib(pid, "VmRSS")


class Meter:
    """CPU time and peak resident memory of the process tree under root, over a window (see the module)."""

    def __init__(self, root):
        self.root = root
        self.reset = True

    def __enter__(self):
        for pid in [self.root] + descendants(self.root):
            try:
                with open("/proc/{}/clear_refs".format(pid), "w", encoding="ascii") as clear:
                    clear.write("5")  # resets VmHWM to the current VmRSS (Linux 4.0 and later)
            except OSError:
                self.reset = self.reset and pid != self.root
        self.peak_descendants_kib = 0
        self.peak_sampled_kib = 0
        self.stopped = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.start_cpu = tree_cpu_seconds(self.root)
        self.start = time.perf_counter()
        self.sampler.start()
        return self

    def _sample(self):
        while True:
            others = sum(pss_kib(pid) for pid in descendants(self.root))
            self.peak_descendants_kib = max(self.peak_descendants_kib, others)
            self.peak_sampled_kib = max(self.peak_sampled_kib, status_kib(self.root, "VmRSS") + others)
            if self.stopped.wait(0.1):
                return

    def __exit__(self, *exc):
        self.wall_s = time.perf_counter() - self.start
        self.stopped.set()
        self.sampler.join()
        self.cpu_s = tree_cpu_seconds(self.root) - self.start_cpu
        peak_kib = status_kib(self.root, "VmHWM") + self.peak_descendants_kib
        self.rss_mib = max(peak_kib, self.peak_sampled_kib) / 1024
        return False

    def figures(self):
        figures = {"wall_s": round(self.wall_s, 3), "cpu_s": round(self.cpu_s, 3), "rss_mib": round(self.rss_mib, 1)}
        if not self.reset:
            figures["rss_since_start"] = True  # VmHWM could not be reset: the root's peak since it started
        return figures


# Arguments and the report ---------------------------------------------------------------------------------

def add_arguments(parser):
    parser.add_argument("zones", help="a file of zone names, one a line")
    parser.add_argument("runs", nargs="?", type=int, default=7, help="timed batches after the warm-up (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up batches before them (default 1)")
    parser.add_argument("--budget", type=float, default=0,
                        help="start no more timed batches once this many seconds have passed since the first, "
                             "when --min-runs have run (default 0: no budget)")
    parser.add_argument("--min-runs", type=int, default=3, help="timed batches run whatever the budget (default 3)")
    parser.add_argument("--clients", type=int, default=0,
                        help="then a throughput window with this many concurrent clients (default 0: none)")
    parser.add_argument("--duration", type=float, default=10, help="the throughput window's length in seconds "
                        "(each client starts batches until then; default 10)")


def read_zones(parser, path):
    with open(path, encoding="utf-8") as names:
        zones = [name.strip() for name in names if name.strip()]
    if not zones:
        parser.error("no zone names in the file")
    return zones


def arguments(description, configure=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("base", help="the API's base URL, e.g. http://127.0.0.1:18481/api")
    add_arguments(parser)
    if configure:
        configure(parser)
    args = parser.parse_args()
    args.base = args.base.rstrip("/")
    args.zones = read_zones(parser, args.zones)
    return args


def emit(record):
    print(json.dumps(record), flush=True)


def counts(results):
    failed = sum(1 for result in results if isinstance(result, Failure) and result.kind == "failed")
    not_upstream = sum(1 for result in results if isinstance(result, Failure) and result.kind == "not_upstream")
    return len(results) - failed - not_upstream, failed, not_upstream


def report_failures(contender, what, results):
    failures = [result for result in results if isinstance(result, Failure)]
    if failures:
        examples = {}
        for failure in failures:
            examples.setdefault(failure.reason, failure)
        print("{} {}: {} of {} not ok, e.g. {}".format(
            contender, what, len(failures), len(results),
            "; ".join(map(repr, list(examples.values())[:3]))), file=sys.stderr)


def timed(batch, zones):
    start = time.perf_counter()
    results = batch(zones)
    return (time.perf_counter() - start) * 1000, results


def percentile(values, fraction):
    """The nearest-rank percentile: the smallest value at least fraction of values are not above."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)] if ordered else None


def threaded_clients(batch, zones, clients, deadline):
    """clients threads, each running batch(zones) until the deadline; each client's (elapsed_ms, results)."""
    done = [[] for _ in range(clients)]

    def client(mine):
        while time.perf_counter() < deadline:
            mine.append(timed(batch, zones))

    threads = [threading.Thread(target=client, args=(mine,)) for mine in done]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def run(contender, args, batch, clients=threaded_clients, root=None):
    """Warm-up batches, timed batches, then the throughput window (see the module), measuring root's tree
    (this process by default)."""
    root = root or os.getpid()
    base = {"contender": contender, "zones": len(args.zones)}
    for run_number in range(1 - args.warmup, 1):
        elapsed_ms, results = timed(batch, args.zones)
        report_failures(contender, "warm-up {}".format(run_number), results)
        ok, failed, not_upstream = counts(results)
        emit(dict(type="batch", **base, run=run_number, warmup=True, elapsed_ms=round(elapsed_ms, 1), ok=ok,
                  failed=failed, not_upstream=not_upstream, **getattr(results, "extra", {})))
    runs = 0
    with Meter(root) as meter:
        first = time.perf_counter()
        while runs < args.runs and (runs < args.min_runs or not args.budget
                                    or time.perf_counter() - first < args.budget):
            runs += 1
            elapsed_ms, results = timed(batch, args.zones)
            report_failures(contender, "run {}".format(runs), results)
            ok, failed, not_upstream = counts(results)
            emit(dict(type="batch", **base, run=runs, warmup=False, elapsed_ms=round(elapsed_ms, 1), ok=ok,
                      failed=failed, not_upstream=not_upstream, **getattr(results, "extra", {})))
    emit(dict(type="latency", **base, runs=runs, **meter.figures()))
    if args.clients > 0:
        with Meter(root) as meter:
            done = clients(batch, args.zones, args.clients, time.perf_counter() + args.duration)
        batches = [one for mine in done for one in mine]
        totals = [0, 0, 0]
        for _, results in batches:
            totals = [total + count for total, count in zip(totals, counts(results))]
        with_failures = [(number, results) for number, (_, results) in enumerate(batches, 1)
                         if any(isinstance(result, Failure) for result in results)]
        for number, results in with_failures[:3]:
            report_failures(contender, "throughput batch {}".format(number), results)
        p50 = percentile([elapsed_ms for elapsed_ms, _ in batches], 0.5)
        emit(dict(type="throughput", **base, clients=args.clients, batches=len(batches), ok=totals[0],
                  failed=totals[1], not_upstream=totals[2], p50_ms=round(p50, 1) if p50 is not None else None,
                  **meter.figures()))
