#!/usr/bin/python3
"""The seed's thread fan-out (shared/seed/parallelism-and-concurrency.md, "Thread"), as written there.

    with ThreadPoolExecutor() as pool:
        print(list(pool.map(get_time, ["Asia", "Asia"], ["Kolkata", "Dhaka"])))

Kept from the seed: its HTTP library, requests, called as it calls it (requests.get per lookup, no Session,
so a new connection per zone); json.loads(response.content)['datetime']; a ThreadPoolExecutor() with the
default max_workers, min(32, os.cpu_count() + 4) since Python 3.8 (6 on 2 cores); created per batch with
`with`, as the seed does, so each run includes starting and joining the threads; pool.map over two lists,
continents and cities. Changed: the base URL is an argument, not http://worldtimeapi.org/api; zones of
one segment (UTC, GB) or three (America/Argentina/Buenos_Aires) are split at the first '/', and a
one-segment zone gets no trailing '/'; and each answer is checked (200 and a time object) and a failure
is returned, not raised, so one bad answer counts as failed instead of ending the batch. With --clients C
(peerlib), the throughput window runs C Python threads in this process, each running the seed's batch (its
own ThreadPoolExecutor) after another.

HTTP library: requests, from Debian (apt-get install python3-requests: 2.28.1 on bookworm), so run this
with Debian's /usr/bin/python3, e.g.

    /usr/bin/python3 scripts/peers/seed_threads.py http://127.0.0.1:18481/api zones.txt 7
"""

import json
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import requests

import peerlib


def get_time(base, continent, city):
    zone = "{}/{}".format(continent, city) if city else continent
    try:
        response = requests.get("{}/timezone/{}".format(base, zone))
        return peerlib.time_object(response.status_code, response.content)['datetime']
    except Exception as error:  # every failure counts; none ends the batch
        return peerlib.Failure(zone, "{}: {}".format(type(error).__name__, error))


def continents_and_cities(zones):
    split = [zone.partition("/") for zone in zones]
    return [continent for continent, _, _ in split], [city for _, _, city in split]


def batch(base, zones):
    continents, cities = continents_and_cities(zones)
    with ThreadPoolExecutor() as pool:
        return list(pool.map(partial(get_time, base), continents, cities))


if __name__ == "__main__":
    args = peerlib.arguments("The seed's ThreadPoolExecutor fan-out with requests.")
    peerlib.run("seed_threads", args, partial(batch, args.base))
