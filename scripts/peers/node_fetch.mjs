#!/usr/bin/env node
// Node's fetch (undici, built into Node 18 and later) with Promise.all: every zone of a batch at once.
//
//   node scripts/peers/node_fetch.mjs http://127.0.0.1:18481/api zones.txt [runs] [--warmup N]
//
// fetch goes through Node's global dispatcher, one undici Agent for the whole program: connections are
// kept alive and reused from one run to the next, with no limit on connections per origin (a 1,000-zone
// batch opens up to 1,000). V8 and undici take several batches to reach their steady pace (a 100-zone
// batch went from about 300 to 90 ms over its first 10 runs here), hence --warmup N (default 1): N warm-up
// runs before RUNS measured ones. Output: one JSON line per run, as the Python peers print
// (scripts/peers/peerlib.py); an answer is ok when it is 200 with a JSON object holding the 15 keys of
// the time object, and a run's first distinct failure reasons go to stderr.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TIME_KEYS = ['utc_offset', 'timezone', 'day_of_week', 'day_of_year', 'datetime', 'utc_datetime', 'unixtime',
  'raw_offset', 'week_number', 'dst', 'abbreviation', 'dst_offset', 'dst_from', 'dst_until', 'client_ip'];

const args = process.argv.slice(2);
let warmupArg = '1';
const warmupAt = args.indexOf('--warmup');
if (warmupAt >= 0) [, warmupArg = ''] = args.splice(warmupAt, 2);
const [baseArg, zonesFile, runsArg = '7'] = args;
if (!baseArg || !zonesFile || baseArg === '-h' || baseArg === '--help' || !/^\d+$/.test(runsArg) || !/^\d+$/.test(warmupArg)) {
  console.error('usage: node_fetch.mjs BASE ZONES_FILE [RUNS] [--warmup N]   (BASE e.g. http://127.0.0.1:18481/api; RUNS default 7, N 1)');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const zones = readFileSync(zonesFile, 'utf8').split('\n').map((name) => name.trim()).filter(Boolean);
if (zones.length === 0) {
  console.error(`node_fetch: no zone names in ${zonesFile}`);
  process.exit(2);
}

// null when the answer is a time object, else why not.
async function getTime(zone) {
  try {
    const response = await fetch(`${base}/timezone/${zone}`);
    const body = await response.text();
    if (response.status !== 200) return `HTTP ${response.status}: ${body.slice(0, 120)}`;
    const answer = JSON.parse(body);
    const missing = TIME_KEYS.filter((key) => !(answer !== null && typeof answer === 'object' && key in answer));
    return missing.length === 0 ? null : `not a time object: ${body.slice(0, 120)}`;
  } catch (error) {
    return `${error.name}: ${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
  }
}

for (let run = 1 - Number(warmupArg); run <= Number(runsArg); run++) {
  const start = performance.now();
  const results = await Promise.all(zones.map(getTime));
  const elapsedMs = performance.now() - start;
  const failures = results.map((reason, i) => [zones[i], reason]).filter(([, reason]) => reason !== null);
  console.log(JSON.stringify({ contender: 'node_fetch', zones: zones.length, run, warmup: run <= 0,
    elapsed_ms: Math.round(elapsedMs * 10) / 10, ok: results.length - failures.length, failed: failures.length }));
  if (failures.length > 0) {
    const examples = new Map();
    for (const [zone, reason] of failures) if (!examples.has(reason)) examples.set(reason, `${zone}: ${reason}`);
    console.error(`node_fetch run ${run}: ${failures.length} of ${results.length} failed, e.g. ${[...examples.values()].slice(0, 3).join('; ')}`);
  }
}
