// A write transaction over any SQL engine: reads go through the transaction's connection (so they see
// its own writes), writes through SqlWriter, audit events through the adapter's bulk append (engine
// specific: one statement per batch). Unusable once its transaction has ended.
import type { AuditRecord, ClientRecord, ResourceWrite, StoreTx } from '../contract.js';
import type { Dialect } from './dialect.js';
import type { ParamCatalog } from './param-catalog.js';
import type { Queryable } from './queryable.js';
import { SqlReader } from './reader.js';
import { SqlWriter, type SqlWriterOptions } from './writer.js';

/** Appends audit events on the transaction's connection. */
export type AuditAppender = (q: Queryable, records: readonly AuditRecord[]) => Promise<void>;

export class SqlTransaction extends SqlReader implements StoreTx {
  private readonly writer: SqlWriter;
  private open = true;

  /** `changeToken`: the engine's counter of other connections' commits (StoreTx.changeToken), if any. */
  constructor(q: Queryable, d: Dialect, params: ParamCatalog, private readonly append: AuditAppender, writerOptions: SqlWriterOptions = {}, changeToken?: () => number) {
    super(q, d, params, true);
    this.writer = new SqlWriter(q, d, params, writerOptions);
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
