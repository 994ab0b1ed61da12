// Real `ror serve` processes for the scale tests, and an HTTP client of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Instance {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `ror serve` (from the sources, through tsx) and resolves once it listens. */
export async function startInstance(db: string, opts: { workers?: number; secret: string }): Promise<Instance> {
  const port = await freePort();
  const args = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--db', db, '--port', String(port), '--workers', String(opts.workers ?? 1)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ROR_TOKEN_SECRET: opts.secret }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ror serve did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ror: serving')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ror serve exited with code ${code}:\n${output}`));
    });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export async function token(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Any request; the body is sent as FHIR JSON; the answer's body is parsed when it is JSON. */
export async function request(url: string, bearer: string, opts: { method?: string; body?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/fhir+json';
  const res = await fetch(url, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, headers: res.headers, body };
}

export async function getJson(url: string, bearer: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/fhir+json' } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The same path and query on another instance. */
export const onInstance = (url: string, base: string): string => {
  const u = new URL(url);
  return `${base}${u.pathname}${u.search}`;
};
