import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../contract.js';
import { AuditWireBuilder } from './audit-wire.js';
import type { AuditColumns } from './audit.js';

const decoder = new TextDecoder();

/** An event whose texts hold characters of 1 to 4 UTF-8 bytes. */
const record = (n: number): AuditRecord => ({
  recorded: 1_700_000_000_000 + n,
  clientId: n % 7 === 0 ? null : `outil-é-${n}`,
  action: 'R',
  interaction: n % 2 ? 'read' : 'search-type',
  outcome: n % 5 === 0 ? 4 : 0,
  entities: n % 3 === 0 ? [] : [{ type: 'Location', id: `lieu-${n}-€` }, ...(n % 4 === 0 ? [{ type: 'HealthcareService', id: null }] : [])],
  body: { n, note: `« accès » 𝄞 ${'x'.repeat(n % 50)}` },
});

/** The columns (AuditColumns order) a batch must carry for these records. */
const columnsOf = (records: AuditRecord[]): AuditColumns =>
  records.flatMap((r) => [r.recorded, r.clientId, r.action, r.interaction, r.outcome, r.entities.length, ...r.entities.flatMap((e) => [e.type, e.id])]);

describe('AuditWireBuilder', () => {
  it('writes every event of a batch larger than its text chunks, byte for byte, and starts afresh after a take', () => {
    const builder = new AuditWireBuilder();
    for (const size of [2_000, 1, 0, 700]) {
      const records = Array.from({ length: size }, (_, i) => record(i + size));
      for (const r of records) builder.add(r);
      const batch = builder.take();
      expect(batch.count).toBe(size);
      expect(JSON.parse(decoder.decode(batch.columns))).toEqual(columnsOf(records));
      const bodies = decoder.decode(batch.bodies);
      expect(size === 0 ? [] : bodies.split('\n').map((b) => JSON.parse(b))).toEqual(records.map((r) => r.body));
    }
  });
});
