// A load at a fixed rate, an open loop: request k is sent at start + k / rate whatever the answers before
// it do, and its latency counts from that moment (a late answer delays no later request, so slow answers
// are not hidden). autocannon's own rate option sends each second's quota at once, in bursts.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadPhase, LoadResult } from './load.js';
import { rotation } from './load.js';
import { summarizeLatencies } from './stats.js';

type Outcome = { status: number } | { error: 'timeout' | 'error' };

const TIMEOUT_MS = 30_000;

function send(agent: http.Agent, url: URL, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ agent, host: url.hostname, port: url.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: TIMEOUT_MS }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ error: 'error' }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout' });
    });
    req.on('error', () => resolve({ error: 'error' }));
    req.end(body);
  });
}

/** `rate` requests per second for `phase.seconds`, over at most `phase.connections` connections. */
export async function runPacedLoad(phase: LoadPhase, rate: number): Promise<LoadResult> {
  const url = new URL(phase.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: phase.connections });
  const next = rotation(phase.writes ? phase.writes.map((_, i) => String(i)) : phase.paths);
  const latencies: number[] = [];
  const outcomes: Outcome[] = [];
  const total = Math.floor(rate * phase.seconds);
  const started = performance.now();
  const sent: Promise<void>[] = [];
  try {
    for (let k = 0; k < total; k++) {
      const due = started + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const item = next();
      const w = phase.writes?.[Number(item)];
      const request = w
        ? send(agent, url, w.method, w.path, { ...phase.headers, 'content-type': w.contentType }, w.body)
        : send(agent, url, 'GET', item, phase.headers);
      sent.push(request.then((o) => {
        latencies.push(performance.now() - due);
        outcomes.push(o);
      }));
    }
    await Promise.all(sent);
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  const ok = outcomes.filter((o) => 'status' in o && o.status >= 200 && o.status < 300).length;
  const answered = outcomes.filter((o) => 'status' in o).length;
  return {
    requests: latencies.length,
    rps: ok / elapsed,
    latency: summarizeLatencies(latencies),
    non2xx: answered - ok,
    errors: outcomes.filter((o) => 'error' in o && o.error === 'error').length,
    timeouts: outcomes.filter((o) => 'error' in o && o.error === 'timeout').length,
    samples: latencies,
  };
}
