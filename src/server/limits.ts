// Per-client rate limits (token bucket: `perSecond` tokens a second, at most `burst` stored) and the
// server's timeouts. Defaults are generous (benchmarks are not throttled) and configurable by environment:
// ROR_RATE_LIMIT (requests/s per client, 0 = off), ROR_RATE_BURST, ROR_REQUEST_TIMEOUT_MS,
// ROR_CONNECTION_TIMEOUT_MS.

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface ServerLimits {
  rate: RateLimit | null;
  /** Whole request (headers and body) must arrive within this time. */
  requestTimeoutMs: number;
  /** Idle socket timeout. */
  connectionTimeoutMs: number;
}

const num = (v: string | undefined, fallback: number): number => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
};

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLimits {
  const perSecond = num(env.ROR_RATE_LIMIT, 10_000);
  return {
    rate: perSecond > 0 ? { perSecond, burst: num(env.ROR_RATE_BURST, perSecond * 2) } : null,
    requestTimeoutMs: num(env.ROR_REQUEST_TIMEOUT_MS, 30_000),
    connectionTimeoutMs: num(env.ROR_CONNECTION_TIMEOUT_MS, 60_000),
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait before the next token. */
  take(key: string, now = Date.now()): number {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }
}
