// The store contract: what the FHIR layer needs from a database, with no FHIR rules and no SQL above it.
// Two adapters implement it (sqlite/ embedded, postgres/); one contract suite (contract.suite.ts) runs
// against both. All ids are FHIR logical ids; all instants are epoch milliseconds.

import type { IndexEntry, IndexKind, SearchQuery, SearchResult } from './query.js';

/** The stored (full, unredacted) resource: what the operator sees; profile 1's view derives from it. */
export interface StoredResource {
  type: string;
  id: string;
  version: number;
  lastUpdated: number;
  /** The resource JSON text, or null if this version is a deletion. */
  body: string | null;
}

/** One profile's view of a resource at one version of that view. */
export interface StoredView {
  profile: number;
  /** Version counter of this profile's view: bumped only when the view's content changes. */
  version: number;
  lastUpdated: number;
  /** The JSON text served to the profile (meta.versionId/lastUpdated already set), or null: the
   * resource does not exist (any more) for the profile. */
  body: string | null;
  /** Content hash of the view without meta.versionId/lastUpdated, used to detect changes. */
  hash: string;
}

/** List items shorter than this are not worth a piece of their own in WrittenView.parts (a stored part
 * costs a row and a lookup). */
export const SHARED_PIECE_MIN_CHARS = 96;

/** A view as a write gives it: `parts`, when given, are pieces whose concatenation is exactly `body`:
 * at odd positions, pieces that successive versions of the view share (its list items of
 * SHARED_PIECE_MIN_CHARS or more), at even positions the text between them. The store may keep the shared
 * pieces once for all versions. Reads always return the whole text. */
export interface WrittenView extends StoredView {
  parts?: readonly string[];
}

/** A current, existing view as the UTF-8 bytes of its body: served as is, never decoded nor re-encoded. */
export interface ViewBytes {
  id: string;
  version: number;
  lastUpdated: number;
  bytes: Buffer;
}

/** Everything written for one resource in one change. */
export interface ResourceWrite {
  resource: StoredResource;
  /** New versions of the views that changed (profiles not listed keep their current view). */
  views: WrittenView[];
  /** The complete set of index rows of the resource (replaces the previous set). Null: unchanged. */
  index: IndexEntry[] | null;
  /** With it, `index` is the complete set of rows of these parameters only (it replaces their previous
   * rows); the rows of every other parameter are kept. The resource must exist. */
  indexScope?: { param: string; kind: IndexKind }[];
  /** True: `resource` is already stored exactly as given (current version and its history), so only the
   * views and the index are written; the resource must exist. Saves rewriting its row and body when a
   * resource is re-rendered because a neighbour changed. Default false. */
  resourceUnchanged?: boolean;
  /** The resource body is the body of this change's view of `profile` without the characters
   * [cutStart, cutStart + cutLength) (the view's own meta): the store may keep one text for both. It checks
   * the claim and stores the body apart when it does not hold; reads return the resource body either way. */
  resourceInView?: ResourceInView;
}

/** Where a resource body lies inside one of its views' bodies (ResourceWrite.resourceInView). */
export interface ResourceInView {
  profile: number;
  cutStart: number;
  cutLength: number;
}

export interface HistoryOptions {
  count: number;
  /** Only versions updated at or after this instant. */
  since?: number;
  /** Only versions with a version number below this one (paging backwards). */
  beforeVersion?: number;
}

export interface Referrer {
  type: string;
  id: string;
  param: string;
}

/** A registered client (tool) of the directory. */
export interface ClientRecord {
  id: string;
  secretHash: string;
  cu: string;
  /** Write profiles ('A', 'B') and EG identifiers the client may write for. */
  write: string[];
  egs: string[];
  operator: boolean;
  createdAt: number;
}

/** One audit event (stored as JSON text with the columns it is queried by). */
export interface AuditRecord {
  recorded: number;
  clientId: string | null;
  /** AuditEvent.action: C R U D E. */
  action: string;
  /** The REST interaction (read, search-type, patch, ...): AuditEvent.subtype. */
  interaction: string;
  /** AuditEvent.outcome: 0 success, 4 minor failure (4xx), 8 serious failure (5xx). */
  outcome: number;
  /** The resources the event is about (id null for a type-level interaction). */
  entities: { type: string; id: string | null }[];
  /** The event in the fhir layer's format (the store assigns the sequence number): JSON text, or a
   * JSON value that the store serialises (with the rest of its batch: cheaper than one by one). */
  body: string | Record<string, unknown>;
  /** The body is JSON text with no raw newline, as written (the store need not check: checking a text
   * built by concatenation copies it). */
  bodyIsLine?: boolean;
}

/** Audit events, newest first. Every criterion is optional and ANDed. */
export interface AuditQuery {
  since?: number;
  until?: number;
  clientId?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  interaction?: string;
  outcome?: number;
  /** Paging: only events with a sequence number below this one. */
  beforeSeq?: number;
  count: number;
}

/** Events taken in by an AuditBatcher, in the store's own form. */
export interface AuditBatch {
  readonly count: number;
}

/**
 * The batched audit of reads, for a store that can do better than keeping AuditRecords until they are
 * appended: each event is encoded as it is added, so that nothing of it but its encoded form waits for
 * the batch (objects kept for a second cost the garbage collector more than the audit itself).
 */
export interface AuditBatcher {
  add(record: AuditRecord): void;
  /** Events added since the last take(). */
  readonly size: number;
  /** The events added since the last take(), as one batch. */
  take(): AuditBatch;
  /** Appends a batch in a transaction of its own, possibly on another thread; resolves once durable.
   * A batch that failed may be appended again. */
  append(batch: AuditBatch): Promise<void>;
}

export interface AuditRow {
  seq: number;
  recorded: number;
  body: string;
}

/** Reads that every connection can do. */
export interface StoreReader {
  /** The current stored resource (deleted ones included, body null). */
  readResource(type: string, id: string): Promise<StoredResource | null>;
  readResources(refs: { type: string; id: string }[]): Promise<StoredResource[]>;
  readResourceVersion(type: string, id: string, version: number): Promise<StoredResource | null>;
  resourceHistory(type: string, id: string, opts: HistoryOptions): Promise<StoredResource[]>;
  /** The current view state of every profile (one entry per profile that ever had a view): version, time,
   * hash; the body is not read ('' when the view exists, null when it does not) — use readView for it. */
  readViewStates(type: string, id: string): Promise<StoredView[]>;
  /** The current view of one profile; null if the profile never had one. */
  readView(type: string, id: string, profile: number): Promise<StoredView | null>;
  /** Current existing views (body not null) of many resources, in no particular order. */
  readViews(type: string, ids: string[], profile: number): Promise<{ id: string; view: StoredView }[]>;
  /** Like readView, the body as UTF-8 bytes (null: the view is a deletion). Optional: callers fall back
   * to readView. */
  readViewAsBytes?(type: string, id: string, profile: number): Promise<{ version: number; lastUpdated: number; bytes: Buffer | null } | null>;
  /** Like readViews, bodies as UTF-8 bytes (optional: callers fall back to readViews). */
  readViewBytes?(type: string, ids: string[], profile: number): Promise<ViewBytes[]>;
  readViewVersion(type: string, id: string, profile: number, version: number): Promise<StoredView | null>;
  viewHistory(type: string, id: string, profile: number, opts: HistoryOptions): Promise<StoredView[]>;
  /** Resources whose index has a reference row pointing at type/id (any mask). */
  referrers(type: string, id: string, params?: string[]): Promise<Referrer[]>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Targets of `param` references of the given resources, visible to the profile (for _include). */
  includeTargets(sourceType: string, ids: string[], param: string, profile: number, targetType?: string): Promise<{ type: string; id: string }[]>;
  /** Resources of sourceType whose visible `param` references one of the targets (for _revinclude). */
  revincludeSources(sourceType: string, param: string, targets: { type: string; id: string }[], profile: number): Promise<string[]>;
  /** Number of current (not deleted) resources per type. */
  countResources(): Promise<Record<string, number>>;
  getClient(id: string): Promise<ClientRecord | null>;
  listClients(): Promise<ClientRecord[]>;
}

/** How a transaction will write, so that the store can choose how to maintain what it writes. */
export interface TransactionOptions {
  /**
   * A bulk load (an import): many resources in one transaction. The store may build parts of its search
   * index at commit instead of row by row (SQLite, into an empty index). Reads and searches inside the
   * transaction still answer exactly, possibly more slowly.
   */
  bulk?: boolean;
}

/** A write transaction: atomic, isolated from other writers, durable once committed. */
export interface StoreTx extends StoreReader {
  write(change: ResourceWrite): Promise<void>;
  putClient(client: ClientRecord): Promise<void>;
  deleteClient(id: string): Promise<boolean>;
  /** Appends audit events (append-only: there is no way to change or remove one). */
  appendAudit(records: AuditRecord[]): Promise<void>;
  /** A value that changes whenever another connection (thread or process) has committed a change to the
   * directory (a resource or a view; the audit trail apart) since it was last read, its own commits apart
   * (SQLite: PRAGMA data_version and the directory_changes counter). For caches of what only committed
   * writes can change; absent where the engine has no such counter (nothing may then be cached across
   * transactions). */
  changeToken?(): number;
}

export interface Store extends StoreReader {
  readonly kind: 'sqlite' | 'postgres';
  /** Bring the schema to the current version (idempotent). */
  migrate(): Promise<void>;
  /** Run fn in one write transaction; commits when fn resolves, rolls back when it throws. Writers are
   * serialised. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
  /** Audit events matching the query, newest first (committed ones only). */
  searchAudit(query: AuditQuery): Promise<AuditRow[]>;
  /** Appends audit events in a transaction of their own, possibly on another thread (the batched audit
   * of reads); resolves once they are durable. Without it, callers use transaction() + appendAudit. */
  appendAudit?(records: AuditRecord[]): Promise<void>;
  /** A new batcher for the batched audit of reads. Without it, callers keep AuditRecords and append them. */
  auditBatcher?(): AuditBatcher;
}
