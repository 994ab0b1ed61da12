// One resource to render, as plain data that can cross to a worker thread: the stored text of the
// resource, its resolved policy context, its current view states and the instant of the change.
import { ALL_PROFILES, type PolicyContext, type ProfileMask, type Resource, type Sector } from '../../policy/index.js';
import type { StoredView } from '../../store/contract.js';
import type { IndexEntry } from '../../store/query.js';
import { renderResource, type RenderOutcome } from './render.js';

export interface RenderJob {
  /** The stored (rawContent) text of the resource: parsed where it is rendered. */
  rawText: string;
  sectors: Sector[];
  sensitive: boolean;
  referenceMasks: Map<string, ProfileMask>;
  /** Current view states (bodies '' or null). */
  current: StoredView[];
  now: number;
}

export interface RenderRequest {
  seq: number;
  jobs: RenderJob[];
}

export type RenderReply = { seq: number; outcomes: PackedOutcome[] } | { seq: number; error: string };

/**
 * A RenderOutcome as it crosses threads, cheaper to copy and to receive: each distinct view body once
 * (the views of several profiles share it) and the index as one flat array of values.
 */
export interface PackedOutcome {
  bodies: string[];
  /** The changed views, `body` an index into `bodies` (or null). */
  changed: { profile: number; version: number; lastUpdated: number; hash: string; body: number | null }[];
  /** Per entry: its kind, param, then its fields in FIELDS order. */
  index: unknown[];
  existence: number;
  previousExistence: number;
  resourceInView?: RenderOutcome['resourceInView'];
}

const FIELDS: { [K in IndexEntry['kind']]: string[] } = {
  token: ['system', 'code', 'text', 'mask'],
  string: ['value', 'mask'],
  uri: ['value', 'mask'],
  number: ['value', 'mask'],
  date: ['low', 'high', 'mask'],
  quantity: ['value', 'system', 'code', 'mask'],
  reference: ['targetType', 'targetId', 'url', 'mask'],
  geo: ['lat', 'lng', 'mask'],
};

export function packOutcome(o: RenderOutcome): PackedOutcome {
  const bodies: string[] = [];
  const changed = o.changed.map((v) => {
    if (v.body === null) return { ...v, body: null };
    let i = bodies.indexOf(v.body);
    if (i < 0) i = bodies.push(v.body) - 1;
    return { ...v, body: i };
  });
  const index: unknown[] = [];
  for (const e of o.index) {
    const entry = e as unknown as Record<string, unknown>;
    index.push(e.kind, e.param);
    for (const f of FIELDS[e.kind]) index.push(entry[f]);
  }
  return { bodies, changed, index, existence: o.existence, previousExistence: o.previousExistence, ...(o.resourceInView ? { resourceInView: o.resourceInView } : {}) };
}

export function unpackOutcome(p: PackedOutcome): RenderOutcome {
  const index: IndexEntry[] = [];
  for (let i = 0; i < p.index.length;) {
    const kind = p.index[i++] as IndexEntry['kind'];
    const entry: Record<string, unknown> = { kind, param: p.index[i++] };
    for (const f of FIELDS[kind]) {
      const value = p.index[i++];
      if (value !== undefined) entry[f] = value;
    }
    index.push(entry as unknown as IndexEntry);
  }
  return {
    changed: p.changed.map((v) => ({ ...v, body: v.body === null ? null : p.bodies[v.body] })),
    index,
    existence: p.existence,
    previousExistence: p.previousExistence,
    ...(p.resourceInView ? { resourceInView: p.resourceInView } : {}),
  };
}

export function renderJob(job: RenderJob): RenderOutcome {
  const masks = job.referenceMasks;
  const ctx: PolicyContext = {
    sectors: new Set(job.sectors),
    sensitive: job.sensitive,
    referenceMask: (ref: string) => masks.get(ref) ?? ALL_PROFILES,
  };
  return renderResource(JSON.parse(job.rawText) as Resource, ctx, job.current, job.now, job.rawText);
}
