// Renders one stored resource into its per-profile views (with their own versions and timestamps) and
// its search index (each row masked with the profiles whose view holds the value). Runs at write time.

import { createHash } from 'node:crypto';
import { PROFILES, renderViews, type PolicyContext, type Resource } from '../../policy/index.js';
import type { StoredView } from '../../store/contract.js';
import type { IndexEntry } from '../../store/query.js';
import { extractIndex } from '../search/index.js';

export interface RenderOutcome {
  /** New versions of the views that changed. */
  changed: StoredView[];
  /** The resource's index rows, masks set. */
  index: IndexEntry[];
  /** Profiles for which the resource exists after the change. */
  existence: number;
  /** Profiles for which it existed before. */
  previousExistence: number;
}

const hashOf = (text: string) => createHash('sha1').update(text).digest('base64url');
const ABSENT = 'absent';

/** The view's text without server-managed meta, used to detect changes. */
function contentText(view: Resource): string {
  const meta = view.meta as Record<string, unknown> | undefined;
  if (!meta || (meta.versionId === undefined && meta.lastUpdated === undefined)) return JSON.stringify(view);
  const { versionId: _v, lastUpdated: _l, ...rest } = meta;
  return JSON.stringify({ ...view, meta: Object.keys(rest).length ? rest : undefined });
}

/** The served text of a view: meta.versionId and meta.lastUpdated are the view's own. */
export function viewBody(view: Resource, version: number, lastUpdated: number): string {
  const meta = { ...(view.meta as object | undefined), versionId: String(version), lastUpdated: new Date(lastUpdated).toISOString() };
  const { resourceType, id, meta: _m, ...rest } = view;
  return JSON.stringify({ resourceType, id, meta, ...rest });
}

export function renderResource(raw: Resource, ctx: PolicyContext, current: StoredView[], now: number): RenderOutcome {
  const rendered = renderViews(raw, ctx);
  const byProfile = new Map(current.map((v) => [v.profile, v]));
  const changed: StoredView[] = [];
  const distinct = new Map<string, { view: Resource; mask: number }>();
  let existence = 0;
  let previousExistence = 0;

  for (const p of PROFILES) {
    const view = rendered.views[p];
    const before = byProfile.get(p);
    if (before?.body != null) previousExistence |= 1 << p;
    let hash = ABSENT;
    if (view) {
      existence |= 1 << p;
      const text = contentText(view);
      hash = hashOf(text);
      const seen = distinct.get(hash);
      if (seen) seen.mask |= 1 << p;
      else distinct.set(hash, { view, mask: 1 << p });
    }
    if (before ? before.hash === hash : hash === ABSENT) continue;
    const version = (before?.version ?? 0) + 1;
    changed.push({ profile: p, version, lastUpdated: now, hash, body: view ? viewBody(view, version, now) : null });
  }

  const index = new Map<string, IndexEntry>();
  for (const { view, mask } of distinct.values()) {
    for (const entry of extractIndex(view)) {
      const key = entryKey(entry);
      const prior = index.get(key);
      if (prior) prior.mask |= mask;
      else index.set(key, { ...entry, mask });
    }
  }
  return { changed, index: [...index.values()], existence, previousExistence };
}

function entryKey(e: IndexEntry): string {
  switch (e.kind) {
    case 'token': return `t|${e.param}|${e.system}|${e.code}|${e.text ?? ''}`;
    case 'string': return `s|${e.param}|${e.value}`;
    case 'uri': return `u|${e.param}|${e.value}`;
    case 'number': return `n|${e.param}|${e.value}`;
    case 'date': return `d|${e.param}|${e.low}|${e.high}`;
    case 'quantity': return `q|${e.param}|${e.value}|${e.system}|${e.code}`;
    case 'reference': return `r|${e.param}|${e.targetType}|${e.targetId}|${e.url ?? ''}`;
    case 'geo': return `g|${e.param}|${e.lat}|${e.lng}`;
  }
}

/** Canonical content of a raw resource for idempotency: ignores server-managed meta. */
export function rawContent(resource: Resource): string {
  return contentText(resource);
}
