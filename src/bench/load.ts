// One load phase: autocannon (loopback, bounded duration) over a rotating list of paths; the latency of
// every response is kept so that any percentile can be computed (autocannon's own histogram has no p95).

import autocannon from 'autocannon';
import { summarizeLatencies, type LatencySummary } from './stats.js';

export interface LoadPhase {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Paths (with query) sent in turn, shared across connections. */
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Writes instead of GETs: sent in turn (paths is then ignored). */
  writes?: { method: string; path: string; body: string; contentType: string }[];
}

export interface LoadResult {
  requests: number;
  /** Successful (2xx) responses per second over the phase. */
  rps: number;
  latency: LatencySummary;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Every response time (ms), for merging rounds. */
  samples: number[];
}

/** Cycles through a list: the next path for each request, whatever connection sends it. */
export function rotation(paths: string[]): () => string {
  if (paths.length === 0) throw new Error('no paths to request');
  let i = 0;
  return () => {
    const p = paths[i];
    i = i + 1 === paths.length ? 0 : i + 1;
    return p;
  };
}

export async function runLoad(phase: LoadPhase): Promise<LoadResult> {
  const next = rotation(phase.writes ? phase.writes.map((_, i) => String(i)) : phase.paths);
  const latencies: number[] = [];
  let ok = 0;
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: phase.url,
        connections: phase.connections,
        duration: phase.seconds,
        timeout: 30,
        // autocannon stops only at a sample tick: 1 s by default would round every phase up to whole seconds
        sampleInt: 100,
        headers: phase.headers,
        requests: [
          {
            method: phase.writes ? 'PATCH' : 'GET',
            setupRequest: (req) => {
              if (!phase.writes) return { ...req, path: next() };
              const w = phase.writes[Number(next())];
              return { ...req, method: w.method as 'PATCH', path: w.path, body: w.body, headers: { ...req.headers, 'content-type': w.contentType } };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok++;
    });
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    requests: latencies.length,
    rps: ok / elapsed,
    latency: summarizeLatencies(latencies),
    non2xx: latencies.length - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    samples: latencies,
  };
}

/** Merges the results of rounds of the same phase (alternated with the other server's rounds). */
export function mergeLoads(results: LoadResult[]): LoadResult {
  if (results.length === 1) return results[0];
  const samples = results.flatMap((r) => r.samples);
  return {
    requests: samples.length,
    rps: results.reduce((s, r) => s + r.rps, 0) / results.length,
    latency: summarizeLatencies(samples),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
    samples,
  };
}
