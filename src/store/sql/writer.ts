// Writes of a transaction over any SQL engine: one ResourceWrite = the resource version, the changed
// views (bodies deduplicated by digest) and, when given, the complete replacement of its index rows.
import { createHash } from 'node:crypto';
import type { ClientRecord, ResourceWrite } from '../contract.js';
import type { IndexEntry, IndexKind } from '../query.js';
import type { Dialect } from './dialect.js';
import type { ParamCatalog } from './param-catalog.js';
import type { Queryable } from './queryable.js';

/** Identity of a view body for deduplication: sha-256 of its UTF-8 bytes. */
export const bodyDigest = (body: string): Buffer => createHash('sha256').update(body).digest();

const INDEX_TABLES: Record<IndexKind, string> = {
  token: 'idx_token', string: 'idx_string', uri: 'idx_uri', number: 'idx_number', date: 'idx_date',
  quantity: 'idx_quantity', reference: 'idx_reference', geo: 'idx_geo',
};

const INSERT_INDEX: Record<IndexKind, string> = {
  token: 'INSERT INTO idx_token (rid, pid, system, code, text, mask) VALUES (?, ?, ?, ?, ?, ?)',
  string: 'INSERT INTO idx_string (rid, pid, value, mask) VALUES (?, ?, ?, ?)',
  uri: 'INSERT INTO idx_uri (rid, pid, value, mask) VALUES (?, ?, ?, ?)',
  number: 'INSERT INTO idx_number (rid, pid, value, mask) VALUES (?, ?, ?, ?)',
  date: 'INSERT INTO idx_date (rid, pid, low, high, mask) VALUES (?, ?, ?, ?, ?)',
  quantity: 'INSERT INTO idx_quantity (rid, pid, value, system, code, mask) VALUES (?, ?, ?, ?, ?, ?)',
  reference: 'INSERT INTO idx_reference (rid, pid, target_type, target_id, url, mask) VALUES (?, ?, ?, ?, ?, ?)',
  geo: 'INSERT INTO idx_geo (rid, pid, lat, lng, mask) VALUES (?, ?, ?, ?, ?)',
};

/** Column values after (rid, pid), in INSERT_INDEX order. */
function indexValues(e: IndexEntry): unknown[] {
  switch (e.kind) {
    case 'token': return [e.system ?? null, e.code ?? null, e.text ?? null, e.mask];
    case 'string': case 'uri': case 'number': return [e.value, e.mask];
    case 'date': return [e.low, e.high, e.mask];
    case 'quantity': return [e.value, e.system ?? null, e.code ?? null, e.mask];
    case 'reference': return [e.targetType ?? null, e.targetId ?? null, e.url ?? null, e.mask];
    case 'geo': return [e.lat, e.lng, e.mask];
  }
}

export class SqlWriter {
  private readonly sql: Record<string, string>;
  private readonly deleteIndex: string[];

  constructor(private readonly q: Queryable, d: Dialect, private readonly params: ParamCatalog) {
    this.sql = {
      findRes: 'SELECT rid FROM res WHERE type = ? AND id = ?',
      insertRes: 'INSERT INTO res (type, id, version, last_updated, deleted) VALUES (?, ?, ?, ?, ?) RETURNING rid',
      updateRes: 'UPDATE res SET version = ?, last_updated = ?, deleted = ? WHERE rid = ?',
      history: `INSERT INTO resource_history (rid, version, last_updated, body) VALUES (?, ?, ?, ?)
        ${d.upsert(['rid', 'version'], ['last_updated', 'body'])}`,
      findBody: 'SELECT bid FROM bodies WHERE digest = ?',
      insertBody: 'INSERT INTO bodies (digest, body) VALUES (?, ?) RETURNING bid',
      view: `INSERT INTO views (rid, profile, version, last_updated, hash, bid) VALUES (?, ?, ?, ?, ?, ?)
        ${d.upsert(['rid', 'profile'], ['version', 'last_updated', 'hash', 'bid'])}`,
      viewHistory: `INSERT INTO view_history (rid, profile, version, last_updated, hash, bid) VALUES (?, ?, ?, ?, ?, ?)
        ${d.upsert(['rid', 'profile', 'version'], ['last_updated', 'hash', 'bid'])}`,
      putClient: `INSERT INTO clients (id, secret_hash, cu, write, egs, operator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ${d.upsert(['id'], ['secret_hash', 'cu', 'write', 'egs', 'operator', 'created_at'])}`,
      findClient: 'SELECT id FROM clients WHERE id = ?',
      deleteClient: 'DELETE FROM clients WHERE id = ?',
    };
    this.deleteIndex = Object.values(INDEX_TABLES).map((t) => `DELETE FROM ${t} WHERE rid = ?`);
  }

  async write(change: ResourceWrite): Promise<void> {
    const r = change.resource;
    if (!r.type || !r.id) throw new Error('a stored resource needs a type and an id');
    const deleted = r.body === null ? 1 : 0;
    const existing = await this.q.get<{ rid: number }>(this.sql.findRes, [r.type, r.id]);
    let rid: number;
    if (existing) {
      rid = Number(existing.rid);
      await this.q.run(this.sql.updateRes, [r.version, r.lastUpdated, deleted, rid]);
    } else {
      rid = Number((await this.q.get<{ rid: number }>(this.sql.insertRes, [r.type, r.id, r.version, r.lastUpdated, deleted]))!.rid);
    }
    await this.q.run(this.sql.history, [rid, r.version, r.lastUpdated, r.body]);

    const bidOfBody = new Map<string, number>();
    for (const v of change.views) {
      if (!Number.isInteger(v.profile) || v.profile < 0 || v.profile > 5) throw new Error(`invalid profile ${v.profile}`);
      let bid: number | null = null;
      if (v.body !== null) {
        bid = bidOfBody.get(v.body) ?? (await this.bodyId(v.body));
        bidOfBody.set(v.body, bid);
      }
      const row = [rid, v.profile, v.version, v.lastUpdated, v.hash, bid];
      await this.q.run(this.sql.view, row);
      await this.q.run(this.sql.viewHistory, row);
    }

    if (change.index) {
      if (existing) for (const del of this.deleteIndex) await this.q.run(del, [rid]);
      for (const e of change.index) {
        const pid = await this.params.ensure(this.q, r.type, e.param, e.kind);
        await this.q.run(INSERT_INDEX[e.kind], [rid, pid, ...indexValues(e)]);
      }
    }
  }

  private async bodyId(body: string): Promise<number> {
    const digest = bodyDigest(body);
    const found = await this.q.get<{ bid: number }>(this.sql.findBody, [digest]);
    if (found) return Number(found.bid);
    return Number((await this.q.get<{ bid: number }>(this.sql.insertBody, [digest, body]))!.bid);
  }

  async putClient(c: ClientRecord): Promise<void> {
    await this.q.run(this.sql.putClient,
      [c.id, c.secretHash, c.cu, JSON.stringify(c.write), JSON.stringify(c.egs), c.operator ? 1 : 0, c.createdAt]);
  }

  async deleteClient(id: string): Promise<boolean> {
    const found = await this.q.get(this.sql.findClient, [id]);
    if (!found) return false;
    await this.q.run(this.sql.deleteClient, [id]);
    return true;
  }
}
