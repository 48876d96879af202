#!/usr/bin/python3
"""The seed's process fan-out (shared/seed/parallelism-and-concurrency.md, "Process"), as written there.

    with ProcessPoolExecutor() as pool:
        print(list(pool.map(get_time, ["Asia", "Asia"], ["Kolkata", "Dhaka"])))

The seed reuses the get_time of its thread section; so does this, from seed_threads.py (requests, one
requests.get per lookup; see there for what changed). ProcessPoolExecutor() with the default max_workers,
os.cpu_count() (2 on 2 cores; Python 3.13 and later take os.process_cpu_count()); created per batch with
`with`, as the seed does, so each run includes starting (fork, Python 3.11's default on Linux) and joining
the worker processes; pool.map with its default chunksize of 1, one round trip through the pool's queues
per zone. Each worker returns the datetime string, or a Failure, as the seed's get_time returns a string.
With --clients C (peerlib), the throughput window runs C Python threads in this process, each running the
seed's batch (its own ProcessPoolExecutor, forked per batch) after another: 2 C worker processes at once.

HTTP library: requests, from Debian (apt-get install python3-requests), so run this with /usr/bin/python3:

    /usr/bin/python3 scripts/peers/seed_processes.py http://127.0.0.1:18481/api zones.txt 7
"""

from concurrent.futures import ProcessPoolExecutor
from functools import partial

import peerlib
from seed_threads import continents_and_cities, get_time


def batch(base, zones):
    continents, cities = continents_and_cities(zones)
    with ProcessPoolExecutor() as pool:
        return list(pool.map(partial(get_time, base), continents, cities))


if __name__ == "__main__":
    args = peerlib.arguments("The seed's ProcessPoolExecutor fan-out with requests.")
    peerlib.run("seed_processes", args, partial(batch, args.base))
