import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../contract.js';
import { decodeChunk } from '../sql/audit-chunk.js';
import { appendAuditChunks, EpochEntities, type AuditColumns } from './audit.js';
import { AuditWireBuilder } from './audit-wire.js';
import { SqliteConnection } from './connection.js';
import { openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-audit-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const decoder = new TextDecoder();

/** Reads' events: with and without a client, none, one or two entities (a type-level one among them),
 * characters of 1 to 4 UTF-8 bytes, a tab and a newline inside strings (escaped in JSON), bodies as the
 * server writes them (bodyIsLine) and as objects. */
const records: AuditRecord[] = Array.from({ length: 23 }, (_, n) => ({
  recorded: 1_700_000_000_000 + n,
  clientId: n % 7 === 0 ? null : `outil-é\t${n % 3}`,
  action: 'R',
  interaction: n % 2 ? 'read' : 'search-type',
  outcome: n % 5 === 0 ? 4 : 0,
  entities: n % 3 === 0 ? [] : [{ type: 'Location', id: `lieu-${n % 4}-€\n` }, ...(n % 4 === 0 ? [{ type: 'HealthcareService', id: null }] : [])],
  ...(n % 2 ? { body: `{"n":${n},"note":"𝄞\\t"}`, bodyIsLine: true } : { body: { n, note: `« accès » ${'x'.repeat(n)}` } }),
}));

async function connection(): Promise<{ conn: SqliteConnection; db: Database.Database }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.sqlite`);
  const store = await openSqliteStore(file);
  await store.migrate();
  await store.close();
  const db = new Database(file);
  return { conn: new SqliteConnection(db), db };
}

const wire = (list: AuditRecord[]) => {
  const builder = new AuditWireBuilder();
  for (const r of list) builder.add(r);
  return builder.take();
};

describe('appendAuditChunks', () => {
  it('cuts the columns and bodies a batch carries into chunks that hold each event as given', async () => {
    const { conn, db } = await connection();
    try {
      const batch = wire(records);
      appendAuditChunks(conn, JSON.parse(decoder.decode(batch.columns)) as AuditColumns, batch.columns, batch.bodies, new EpochEntities(), 5);
      const chunks = db.prepare('SELECT first_seq, last_seq, events FROM audit_chunks ORDER BY first_seq').all() as { first_seq: number; last_seq: number; events: Buffer }[];
      expect(chunks.map((c) => [c.first_seq, c.last_seq])).toEqual([[1, 5], [6, 10], [11, 15], [16, 20], [21, 23]]);
      const events = chunks.flatMap((c) => decodeChunk(c.first_seq, c.events));
      expect(events).toEqual(records.map((r, i) => ({
        seq: i + 1, recorded: r.recorded, client: r.clientId, action: r.action, interaction: r.interaction, outcome: r.outcome,
        entities: r.entities.flatMap((e) => [e.type, e.id]), body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
      })));
    } finally {
      db.close();
    }
  });

  it('refuses a batch whose column texts and events do not pair up', async () => {
    const { conn, db } = await connection();
    try {
      const batch = wire(records.slice(0, 4));
      const columns = JSON.parse(decoder.decode(batch.columns)) as AuditColumns;
      const fewer = wire(records.slice(0, 3)).columns;
      const more = wire(records.slice(0, 5)).columns;
      expect(() => appendAuditChunks(conn, columns, fewer, batch.bodies, new EpochEntities())).toThrow('more events than column texts');
      expect(() => appendAuditChunks(conn, columns, more, batch.bodies, new EpochEntities())).toThrow('more column texts than events');
    } finally {
      db.close();
    }
  });
});
