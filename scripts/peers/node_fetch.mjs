#!/usr/bin/env node
// Node's fetch (undici, built into Node 18 and later) with Promise.all: every zone of a batch at once.
//
//   node scripts/peers/node_fetch.mjs http://127.0.0.1:18481/api zones.txt [runs] [--warmup N] [--budget S]
//        [--min-runs N] [--clients C] [--duration S]
//
// fetch goes through Node's global dispatcher, one undici Agent for the whole program: connections are
// kept alive and reused from one run to the next, with no limit on connections per origin (a 1,000-zone
// batch opens up to 1,000). V8 and undici take several batches to reach their steady pace (a 100-zone
// batch went from about 300 to 90 ms over its first 10 runs here), hence --warmup N (default 1): N warm-up
// runs before up to RUNS timed ones (fewer, but at least --min-runs, once --budget seconds have passed),
// then with --clients C a throughput window: C async loops in this process, each awaiting Promise.all of
// a whole batch after another until --duration seconds have passed. Arguments, output lines and measures
// are the Python peers' (scripts/peers/peerlib.py): cpu_s from process.cpuUsage() (this process, which
// starts no other), rss_mib its VmHWM, reset at the window's start through /proc/self/clear_refs. An answer
// is ok when it is 200 with a JSON object holding the 15 keys of the time object, and a batch's first
// distinct failure reasons go to stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TIME_KEYS = ['utc_offset', 'timezone', 'day_of_week', 'day_of_year', 'datetime', 'utc_datetime', 'unixtime',
  'raw_offset', 'week_number', 'dst', 'abbreviation', 'dst_offset', 'dst_from', 'dst_until', 'client_ip'];

const args = process.argv.slice(2);
const options = { warmup: '1', budget: '0', 'min-runs': '3', clients: '0', duration: '10' };
for (const name of Object.keys(options)) {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) [, options[name] = ''] = args.splice(at, 2);
}
const [baseArg, zonesFile, runsArg = '7'] = args;
const number = /^\d+(\.\d+)?$/;
if (!baseArg || !zonesFile || baseArg === '-h' || baseArg === '--help' || !/^\d+$/.test(runsArg)
  || !Object.values(options).every((value) => number.test(value))) {
  console.error('usage: node_fetch.mjs BASE ZONES_FILE [RUNS] [--warmup N] [--budget S] [--min-runs N] [--clients C] [--duration S]'
    + '   (BASE e.g. http://127.0.0.1:18481/api; RUNS default 7, N 1)');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const zones = readFileSync(zonesFile, 'utf8').split('\n').map((name) => name.trim()).filter(Boolean);
if (zones.length === 0) {
  console.error(`node_fetch: no zone names in ${zonesFile}`);
  process.exit(2);
}
const [warmup, budget, minRuns, clients, duration] = ['warmup', 'budget', 'min-runs', 'clients', 'duration']
  .map((name) => Number(options[name]));

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

// One batch: its time in ms and its failures, each [zone, reason].
async function batch() {
  const start = performance.now();
  const results = await Promise.all(zones.map(getTime));
  const elapsedMs = performance.now() - start;
  return { elapsedMs, failures: results.map((reason, i) => [zones[i], reason]).filter(([, reason]) => reason !== null) };
}

function reportFailures(what, failures) {
  if (failures.length > 0) {
    const examples = new Map();
    for (const [zone, reason] of failures) if (!examples.has(reason)) examples.set(reason, `${zone}: ${reason}`);
    console.error(`node_fetch ${what}: ${failures.length} of ${zones.length} not ok, e.g. ${[...examples.values()].slice(0, 3).join('; ')}`);
  }
}

const emit = (record) => console.log(JSON.stringify({ type: record.type, contender: 'node_fetch', zones: zones.length, ...record }));

function statusKib(key) {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

// The CPU time and peak resident memory of this process over a window (see the header).
function meter() {
  let reset = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    reset = false;
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall_s: Math.round(performance.now() - start) / 1000, cpu_s: Math.round((used.user + used.system) / 1000) / 1000,
      rss_mib: Math.round(statusKib('VmHWM') / 102.4) / 10, ...(reset ? {} : { rss_since_start: true }) };
  };
}

const round1 = (ms) => Math.round(ms * 10) / 10;
for (let run = 1 - warmup; run <= 0; run++) {
  const { elapsedMs, failures } = await batch();
  reportFailures(`warm-up ${run}`, failures);
  emit({ type: 'batch', run, warmup: true, elapsed_ms: round1(elapsedMs), ok: zones.length - failures.length,
    failed: failures.length, not_upstream: 0 });
}
let runs = 0;
let stop = meter();
const first = performance.now();
while (runs < Number(runsArg) && (runs < minRuns || budget === 0 || performance.now() - first < budget * 1000)) {
  runs++;
  const { elapsedMs, failures } = await batch();
  reportFailures(`run ${runs}`, failures);
  emit({ type: 'batch', run: runs, warmup: false, elapsed_ms: round1(elapsedMs), ok: zones.length - failures.length,
    failed: failures.length, not_upstream: 0 });
}
emit({ type: 'latency', runs, ...stop() });
if (clients > 0) {
  stop = meter();
  const deadline = performance.now() + duration * 1000;
  const done = await Promise.all(Array.from({ length: clients }, async () => {
    const mine = [];
    while (performance.now() < deadline) mine.push(await batch());
    return mine;
  }));
  const figures = stop();
  const batches = done.flat();
  const failed = batches.reduce((sum, one) => sum + one.failures.length, 0);
  batches.filter((one) => one.failures.length > 0).slice(0, 3)
    .forEach((one, i) => reportFailures(`throughput batch with failures ${i + 1}`, one.failures));
  const sorted = batches.map((one) => one.elapsedMs).sort((a, b) => a - b);
  const p50 = sorted.length ? round1(sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)]) : null;
  emit({ type: 'throughput', clients, batches: batches.length, ok: batches.length * zones.length - failed, failed,
    not_upstream: 0, p50_ms: p50, ...figures });
}
