import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../contract.js';
import { appendAuditRecords, appendAuditRows, type AuditColumns } from './audit.js';
import { AuditWireBuilder } from './audit-wire.js';
import { SqliteConnection } from './connection.js';
import { openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-audit-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes' events: with and without a client, several entities, bodies as objects and as text (one with a
 * raw newline, which the wire form rewrites), characters of 1 to 4 UTF-8 bytes. */
const records: AuditRecord[] = Array.from({ length: 40 }, (_, n) => ({
  recorded: 1_700_000_000_000 + n,
  clientId: n % 7 === 0 ? null : `outil-é-${n % 3}`,
  action: n % 2 ? 'U' : 'C',
  interaction: n % 2 ? 'patch' : 'create',
  outcome: n % 5 === 0 ? 4 : 0,
  entities: n % 3 === 0 ? [] : [{ type: 'Location', id: `lieu-${n % 4}-€` }, ...(n % 4 === 0 ? [{ type: 'Task', id: null }] : [])],
  body: n % 6 === 0 ? `{"n":${n},\n"note":"𝄞"}` : { n, note: `« accès » ${'x'.repeat(n)}` },
}));

async function rowsAfter(append: (conn: SqliteConnection) => void): Promise<unknown> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.sqlite`);
  const store = await openSqliteStore(file);
  await store.migrate();
  await store.close();
  const db = new Database(file);
  try {
    append(new SqliteConnection(db));
    const all = (sql: string) => db.prepare(sql).all();
    return {
      events: all('SELECT * FROM audit_events ORDER BY seq'),
      entities: all('SELECT * FROM audit_entities ORDER BY seq, entity_type, entity_id'),
      spans: all('SELECT * FROM audit_entity_spans ORDER BY entity_type, entity_id, first_seq'),
    };
  } finally {
    db.close();
  }
}

describe('appendAuditRecords', () => {
  it('stores the rows the wire form of the same events gives', async () => {
    const direct = await rowsAfter((conn) => appendAuditRecords(conn, records));
    const viaWire = await rowsAfter((conn) => {
      const builder = new AuditWireBuilder();
      for (const r of records) builder.add(r);
      const batch = builder.take();
      const decoder = new TextDecoder();
      appendAuditRows(conn, JSON.parse(decoder.decode(batch.columns)) as AuditColumns, decoder.decode(batch.bodies).split('\n'));
    });
    expect(direct).toEqual(viaWire);
    expect((direct as { events: unknown[] }).events).toHaveLength(records.length);
  });
});
