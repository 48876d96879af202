#!/usr/bin/python3
"""asyncio + aiohttp: one ClientSession for the whole program, each batch one asyncio.gather of every zone.

The session lives across the warm-up, the timed batches and the throughput window, as a service's client
would, so its connections are reused from one batch to the next; the throughput window's clients are
asyncio tasks on the same loop and session (peerlib has the arguments and the output). Its connector keeps aiohttp's default limit of 100
connections in all (a 1,000-zone batch then waits for free connections: ten rounds of 100); --limit 0
lifts it.

Needs aiohttp, from Debian (apt-get install python3-aiohttp: 3.8.4 on bookworm), so run this with
/usr/bin/python3:

    /usr/bin/python3 scripts/peers/aiohttp_batch.py http://127.0.0.1:18481/api zones.txt 7 [--limit 0]
"""

import asyncio
import time

import aiohttp

import peerlib


async def get_time(session, base, zone):
    try:
        async with session.get("{}/timezone/{}".format(base, zone)) as response:
            return peerlib.time_object(response.status, await response.read())["datetime"]
    except Exception as error:  # every failure counts; none ends the batch
        return peerlib.Failure(zone, "{}: {}".format(type(error).__name__, error))


async def batch(session, base, zones):
    return await asyncio.gather(*(get_time(session, base, zone) for zone in zones))


async def open_session(limit):
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit))


def asyncio_clients(loop, session, base):
    """The throughput window's clients as asyncio tasks on the one loop and session: each runs batch after
    batch until the deadline."""

    def clients(_, zones, count, deadline):
        async def client():
            mine = []
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                results = await batch(session, base, zones)
                mine.append(((time.perf_counter() - start) * 1000, results))
            return mine

        async def every_client():
            return await asyncio.gather(*(client() for _ in range(count)))

        return loop.run_until_complete(every_client())

    return clients


if __name__ == "__main__":
    args = peerlib.arguments(
        "asyncio + aiohttp: one ClientSession, asyncio.gather of the whole batch.",
        lambda parser: parser.add_argument(
            "--limit", type=int, default=100,
            help="the connector's limit of connections in all (aiohttp's default 100; 0: none)"))
    loop = asyncio.new_event_loop()
    session = loop.run_until_complete(open_session(args.limit))
    try:
        peerlib.run("aiohttp", args, lambda zones: loop.run_until_complete(batch(session, args.base, zones)),
                    clients=asyncio_clients(loop, session, args.base))
    finally:
        loop.run_until_complete(session.close())
        loop.close()
