// Starts the server on a store: opens it, migrates, loads the token key and listens.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isPostgresUrl, openStore } from '../store/open.js';
import type { Store } from '../store/contract.js';
import { buildApp } from './app.js';
import { TokenService } from './auth/tokens.js';
import { packageVersion } from './version.js';
import { loadHabilitation } from './habilitations.js';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  /** Key file for the HMAC key of issued tokens (ignored when ROR_TOKEN_SECRET is set). */
  tokenKeyFile?: string;
  tokenLifetime?: number;
  publicBase?: string;
  logger?: boolean;
  /** JSON file of habilitation overrides (default: ROR_HABILITATIONS). */
  habilitations?: string;
  /** The write thread's nice value (Linux; default WRITE_THREAD_NICE). */
  writeNice?: number;
}

/** The write thread's nice value by default: below the event loop's 0, so that a read load does not take
 * the writes' core (measured: see docs/benchmarks.md, twelfth session). */
export const WRITE_THREAD_NICE = -10;


/** The token key: ROR_TOKEN_SECRET, else a key file created on first start (shared by every worker). */
export function tokenSecret(db: string, keyFile?: string): Uint8Array {
  if (process.env.ROR_TOKEN_SECRET) return new TextEncoder().encode(process.env.ROR_TOKEN_SECRET);
  const file = keyFile ?? (isPostgresUrl(db) ? 'ror-token.key' : `${db}.token-key`);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export function tokenService(opts: Pick<ServeOptions, 'db' | 'tokenKeyFile' | 'tokenLifetime'>): TokenService {
  return new TokenService({
    secret: tokenSecret(opts.db, opts.tokenKeyFile),
    lifetime: opts.tokenLifetime ?? 900,
    issuer: 'ror',
    jwksUrl: process.env.ROR_JWKS_URL,
    externalIssuer: process.env.ROR_TOKEN_ISSUER,
    audience: process.env.ROR_TOKEN_AUDIENCE,
  });
}

export async function serve(opts: ServeOptions): Promise<{ url: string; close: () => Promise<void>; store: Store }> {
  const store = await openStore(opts.db, { backgroundCheckpoint: true });
  await store.migrate();
  // Benchmarks only (the audit's cost on reads is measured against a server that does not audit them):
  // the policy requires every read to be audited, so the server says loudly that it does not.
  const auditReads = process.env.ROR_UNSAFE_NO_READ_AUDIT !== '1';
  if (!auditReads) process.stderr.write('ror: WARNING: ROR_UNSAFE_NO_READ_AUDIT=1: reads and refused requests are NOT audited (benchmarks only)\n');
  // writes on a thread of their own, with a store of their own on the same database (not :memory:, which
  // only this connection can see); SQLite's checkpoints stay with this store's audit thread
  const writeThread = opts.db === ':memory:' ? undefined : { db: opts.db, externalCheckpoint: !isPostgresUrl(opts.db), nice: opts.writeNice ?? WRITE_THREAD_NICE };
  const app = await buildApp({ store, habilitation: loadHabilitation(opts.habilitations), tokens: tokenService(opts), publicBase: opts.publicBase, logger: opts.logger, version: packageVersion(), auditReads, writeThread });
  const address = await app.listen({ host: opts.host, port: opts.port });
  const close = async () => {
    await app.close();
    await store.close();
  };
  return { url: address, close, store };
}
