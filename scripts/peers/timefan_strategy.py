#!/usr/bin/python3
"""Not a peer: times one of timefan's own strategies the way the peers time themselves (peerlib).

Each batch POSTs the whole batch, a JSON array of the zone names, to {service}/{strategy}/time?source=upstream
over a kept-alive connection (standard library only, http.client, one connection per client thread) and
is timed from sending the request to the last byte of the answer. The lines are the peers' (see
peerlib.py), a batch's with one more key, "service_ms", the batch result's own elapsed_ms (the fan-out
inside the service, without HTTP and JSON). An item counts as ok when its status is 200, its source is
"upstream" and it holds a time object; an item answered 200 but from elsewhere (source "fallback": the
service could not reach its upstream and the local tz database answered) counts as "not_upstream". An
answer other than 200 (503 when the service sheds the batch) counts every item of the batch as failed.
With --clients, the throughput window's clients are threads, each with its own connection.

CPU time and memory are the service's, not this program's: --pid names the service's process, and the
figures are those of its tree (the service and its worker JVMs; peerlib.Meter). Without --pid they are
this program's own.

    /usr/bin/python3 scripts/peers/timefan_strategy.py http://127.0.0.1:18483 threads zones.txt 7 --pid 1234
"""

import argparse
import http.client
import json
import threading
import urllib.parse

import peerlib


class Client:
    """POSTs batches to one strategy, over one kept-alive connection per thread."""

    def __init__(self, service, strategy):
        url = urllib.parse.urlsplit(service)
        self.host, self.port = url.hostname, url.port or 80
        self.path = "{}/{}/time?source=upstream".format(url.path.rstrip("/"), strategy)
        self.local = threading.local()

    def post(self, body):
        for attempt in (1, 2):  # once more on a fresh connection if the kept-alive one was closed
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                connection.request("POST", self.path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def batch(self, zones):
        body = json.dumps(zones).encode()
        try:
            status, answer = self.post(body)
        except (http.client.HTTPException, OSError) as error:
            return peerlib.Results([peerlib.Failure(zone, "{}: {}".format(type(error).__name__, error))
                                    for zone in zones])
        if status != 200:
            detail = answer.decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("detail", detail)
            except (ValueError, AttributeError):
                pass
            reason = "HTTP {}: {}".format(status, str(detail)[:200])
            return peerlib.Results([peerlib.Failure(zone, reason) for zone in zones])
        result = json.loads(answer)
        items = result["results"]
        results = [item_result(item) for item in items]
        if len(items) != len(zones):
            results += [peerlib.Failure("?", "{} items for {} zones".format(len(items), len(zones)))] * max(
                0, len(zones) - len(items))
        return peerlib.Results(results, service_ms=result.get("elapsed_ms"))


def item_result(item):
    zone = item.get("zone") or "?"
    if item.get("status") != 200:
        return peerlib.Failure(zone, "item status {}: {}".format(item.get("status"), item.get("error")))
    if item.get("source") != "upstream":
        return peerlib.Failure(zone, "source {}: {}".format(item.get("source"), item.get("error")), kind="not_upstream")
    if not (isinstance(item.get("time"), dict) and peerlib.TIME_KEYS <= item["time"].keys()):
        return peerlib.Failure(zone, "not a time object: " + json.dumps(item)[:300])
    return item["time"]["datetime"]


def main():
    parser = argparse.ArgumentParser(description="Times POST /{strategy}/time?source=upstream.")
    parser.add_argument("service", help="the timefan's base URL, e.g. http://127.0.0.1:18483")
    parser.add_argument("strategy", help="threads, virtual, processes or reactive")
    peerlib.add_arguments(parser)
    parser.add_argument("--pid", type=int, help="the service's pid: its process tree's CPU time and memory are measured")
    args = parser.parse_args()
    args.zones = peerlib.read_zones(parser, args.zones)
    client = Client(args.service, args.strategy)
    peerlib.run(args.strategy, args, client.batch, root=args.pid)


if __name__ == "__main__":
    main()
