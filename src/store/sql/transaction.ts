// A write transaction over any SQL engine: reads go through the transaction's connection (so they see
// its own writes), writes through SqlWriter, audit events through the adapter's bulk append (engine
// specific: one statement per batch). Unusable once its transaction has ended.
import type { AuditRecord, ClientRecord, Referrer, ResourceWrite, StoredResource, StoredView, StoreTx } from '../contract.js';
import type { Dialect } from './dialect.js';
import type { ParamCatalog } from './param-catalog.js';
import type { Queryable } from './queryable.js';
import { SqlReader } from './reader.js';
import { SqlWriter, type SqlWriterOptions } from './writer.js';
import type { TxReadCache } from './tx-read-cache.js';

/** Appends audit events on the transaction's connection. */
export type AuditAppender = (q: Queryable, records: readonly AuditRecord[]) => Promise<void>;

export class SqlTransaction extends SqlReader implements StoreTx {
  private readonly writer: SqlWriter;
  private open = true;

  /** `changeToken`: the engine's counter of other connections' commits (StoreTx.changeToken), if any.
   * `cache`: what this connection's transactions read, remembered between them (the adapter checks its
   * validity at BEGIN and forgets it at ROLLBACK). */
  constructor(q: Queryable, d: Dialect, params: ParamCatalog, private readonly append: AuditAppender, writerOptions: SqlWriterOptions = {}, changeToken?: () => number,
    private readonly cache?: TxReadCache) {
    super(q, d, params, true);
    this.writer = new SqlWriter(q, d, params, cache ? { ...writerOptions, rids: cache, indexRows: cache, nextIds: cache.nextIds } : writerOptions);
    if (changeToken) this.changeToken = () => {
      this.check();
      return changeToken();
    };
  }

  changeToken?: () => number;

  /** Called by the adapter at COMMIT/ROLLBACK. */
  end(): void {
    this.open = false;
  }

  protected check(): void {
    if (!this.open) throw new Error('the transaction has ended');
  }

  async write(change: ResourceWrite): Promise<void> {
    this.check();
    await this.writer.write(change);
    this.cache?.written(change);
  }

  override async readResource(type: string, id: string): Promise<StoredResource | null> {
    const known = this.cache?.resource(type, id);
    if (known !== undefined) return known;
    const found = await super.readResource(type, id);
    this.cache?.rememberResource(type, id, found);
    return found;
  }

  override async readResources(refs: { type: string; id: string }[]): Promise<StoredResource[]> {
    const cache = this.cache;
    if (!cache) return super.readResources(refs);
    const out: StoredResource[] = [];
    const missing: { type: string; id: string }[] = [];
    for (const r of refs) {
      const known = cache.resource(r.type, r.id);
      if (known === undefined) missing.push(r);
      else if (known) out.push(known);
    }
    if (missing.length === 0) return out;
    const found = await super.readResources(missing);
    const byKey = new Map(found.map((s) => [`${s.type}/${s.id}`, s]));
    for (const r of missing) cache.rememberResource(r.type, r.id, byKey.get(`${r.type}/${r.id}`) ?? null);
    return [...out, ...found];
  }

  override async readViewStates(type: string, id: string): Promise<StoredView[]> {
    const known = this.cache?.viewStates(type, id);
    if (known) return known;
    const found = await super.readViewStates(type, id);
    this.cache?.rememberViewStates(type, id, found);
    return found;
  }

  override async referrers(type: string, id: string, params?: string[]): Promise<Referrer[]> {
    const known = this.cache?.referrers(type, id, params);
    if (known) return known;
    const found = await super.referrers(type, id, params);
    this.cache?.rememberReferrers(type, id, params, found);
    return found;
  }

  async putClient(client: ClientRecord): Promise<void> {
    this.check();
    await this.writer.putClient(client);
  }

  async deleteClient(id: string): Promise<boolean> {
    this.check();
    return this.writer.deleteClient(id);
  }

  async appendAudit(records: AuditRecord[]): Promise<void> {
    this.check();
    await this.append(this.q, records);
  }
}
