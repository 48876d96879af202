#!/usr/bin/env node
// A worldtimeapi-compatible upstream with latency, for benchmarking fan-out clients: a proxy that answers
// every GET after max(LATENCY, the time TARGET takes), TARGET being a timefan (or any worldtimeapi-compatible
// API) at 0 ms. The request to TARGET starts at once and the delay runs alongside it, so an answer is
// never earlier than LATENCY and later only when TARGET itself is slower.
//
//   node scripts/peers/slow_upstream.mjs PORT LATENCY_MS TARGET_ORIGIN
//   node scripts/peers/slow_upstream.mjs 18482 50 http://127.0.0.1:18481    # then use http://127.0.0.1:18482/api
//
// scripts/bench-race --upstream node uses it in front of a timefan at 0 ms, to check a figure against an
// upstream that is not a JVM. It listens on
// 127.0.0.1 only, with a backlog of 4096 connections; GET only (anything else: 405); a failure to reach
// TARGET answers 502.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const [portArg, latencyArg, target] = process.argv.slice(2);
if (!/^\d+$/.test(portArg ?? '') || !/^\d+$/.test(latencyArg ?? '') || !/^https?:\/\//.test(target ?? '')) {
  console.error('usage: slow_upstream.mjs PORT LATENCY_MS TARGET_ORIGIN   (e.g. 18482 50 http://127.0.0.1:18481)');
  process.exit(2);
}
const latency = Number(latencyArg);
const origin = new URL(target);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function forward(path) {
  return new Promise((resolve) => {
    const request = http.get({ host: origin.hostname, port: origin.port, path, agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'],
        body: Buffer.concat(chunks) }));
      response.on('error', (error) => resolve(failed(error)));
    });
    request.on('error', (error) => resolve(failed(error)));
  });
}

function failed(error) {
  return { status: 502, type: 'application/json', body: Buffer.from(JSON.stringify({ error: `upstream: ${error.message}` })) };
}

const server = http.createServer(async (request, response) => {
  if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  const [answer] = await Promise.all([forward(request.url), latency > 0 ? sleep(latency) : null]);
  response.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {}).end(answer.body);
});
server.keepAliveTimeout = 30_000;
server.listen(Number(portArg), '127.0.0.1', 4096, () => {
  console.log(`slow_upstream: http://127.0.0.1:${portArg}/api, ${latency} ms in front of ${origin.origin}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
