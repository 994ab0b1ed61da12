// Renders one stored resource into its per-profile views (with their own versions and timestamps) and
// its search index (each row masked with the profiles whose view holds the value). Runs at write time.

import crypto from 'node:crypto';
import { PROFILES, renderViews, type PolicyContext, type Resource } from '../../policy/index.js';
import { SHARED_PIECE_MIN_CHARS, type ResourceInView, type StoredView, type WrittenView } from '../../store/contract.js';
import type { IndexEntry, IndexKind } from '../../store/query.js';
import { extractIndex } from '../search/index.js';

export interface RenderOutcome {
  /** New versions of the views that changed. */
  changed: WrittenView[];
  /** The resource's index rows, masks set. */
  index: IndexEntry[];
  /** Profiles for which the resource exists after the change. */
  existence: number;
  /** Profiles for which it existed before. */
  previousExistence: number;
  /** A changed view whose body is the raw resource's text plus the view's meta (given `rawText`). */
  resourceInView?: ResourceInView;
  /** Set when `index` holds the rows of these parameters only (the others are unchanged). */
  indexScope?: IndexScope;
}

/** Parameters whose index rows a change can alter (the others are known unchanged). */
export type IndexScope = { param: string; kind: IndexKind }[];

// crypto.hash (one shot, Node ≥ 20.12) costs about a third less than createHash for a view-sized text
const hashOf: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha1', text, 'base64url')
  : (text) => crypto.createHash('sha1').update(text).digest('base64url');
const ABSENT = 'absent';

/**
 * A view serialised once: `content` has no server-managed meta (for change detection); the served body
 * is the same text with meta.versionId/lastUpdated spliced in, so each view is stringified only once.
 */
interface Serialised {
  content: string;
  body(version: number, lastUpdated: number): string;
  /** body(version, lastUpdated) as pieces (sharedPieces), when item texts are remembered. */
  parts(version: number, lastUpdated: number): string[] | undefined;
  /** The characters of body(version, lastUpdated) that content does not have: one range, the server meta. */
  metaCut(version: number, lastUpdated: number): { cutStart: number; cutLength: number };
}

// The text of each item of a resource's top-level lists, and of each of its top-level objects, remembered
// by identity. A capacity update replaces one indicator among dozens: the new version, and the views that
// show its indicators, keep the other items as the same objects (patches copy only what they change, the
// redactor returns unchanged subtrees as they are, parsed stored bodies are reused), so only the new item is
// serialised again. Sound because those objects are never mutated (parsed-bodies.ts freezes them under the
// test runner). Off unless a thread asks for it (the server's writes): an import sees each item once, and
// remembering them cost it 6 % of its rate.
let itemTexts: WeakMap<object, string> | null = null;

/** Remember the texts of list items on this thread from now on (see itemTexts). */
export function rememberItemTexts(): void {
  itemTexts ??= new WeakMap();
}

function itemText(item: unknown, itemTexts: WeakMap<object, string>): string {
  if (item === null || typeof item !== 'object') return JSON.stringify(item) ?? 'null'; // as in an array
  let text = itemTexts.get(item);
  if (text === undefined) {
    text = JSON.stringify(item) ?? 'null';
    itemTexts.set(item, text);
  }
  return text;
}

/** JSON.stringify(object), its top-level lists written from their items' remembered texts (when on). */
export function stringifyShared(object: Record<string, unknown>): string {
  const pieces = sharedPieces(object);
  return pieces ? pieces.join('') : JSON.stringify(object);
}

/**
 * The text of stringifyShared(object) as pieces (null unless item texts are remembered): each top-level list
 * item's remembered text of SHARED_PIECE_MIN_CHARS or more is a piece of its own (odd positions), the text between
 * them another (even positions). A store keeps the items once for every version that has them
 * (WrittenView.parts).
 */
export function sharedPieces(object: Record<string, unknown>): string[] | null {
  const texts = itemTexts;
  if (!texts) return null;
  const pieces: string[] = [];
  let literal = '';
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (Array.isArray(value)) {
      literal += `${first ? '{' : ','}${JSON.stringify(key)}:[`;
      for (let i = 0; i < value.length; i++) {
        const text = itemText(value[i], texts);
        if (i) literal += ',';
        if (text.length < SHARED_PIECE_MIN_CHARS) literal += text;
        else {
          pieces.push(literal, text);
          literal = '';
        }
      }
      literal += ']';
    } else {
      // an object element (address, position…) is the same object from one version to the next, like list items
      const text = value !== null && typeof value === 'object' ? itemText(value, texts) : JSON.stringify(value);
      if (text === undefined) continue; // undefined, a function, a symbol: left out, as JSON.stringify does
      literal += `${first ? '{' : ','}${JSON.stringify(key)}:${text}`;
    }
    first = false;
  }
  pieces.push(literal + (first ? '{}' : '}'));
  return pieces;
}

function serialise(view: Resource): Serialised {
  const { resourceType, id, meta, ...rest } = view as Resource & { meta?: Record<string, unknown> };
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  const head = `{"resourceType":${JSON.stringify(resourceType)}${id === undefined ? '' : `,"id":${JSON.stringify(id)}`}`;
  const restPieces = sharedPieces(rest);
  const restText = restPieces ? restPieces.join('') : JSON.stringify(rest);
  const tail = restText === '{}' ? '}' : `,${restText.slice(1)}`;
  const metaText = JSON.stringify(metaRest);
  const hasMeta = metaText !== '{}';
  const server = (version: number, lastUpdated: number) => `"versionId":"${version}","lastUpdated":"${new Date(lastUpdated).toISOString()}"`;
  /** The served text up to the end of its meta. */
  const withMeta = (version: number, lastUpdated: number) => `${head},"meta":{${server(version, lastUpdated)}${hasMeta ? `,${metaText.slice(1, -1)}` : ''}}`;
  return {
    content: `${head}${hasMeta ? `,"meta":${metaText}` : ''}${tail}`,
    body(version, lastUpdated) {
      return withMeta(version, lastUpdated) + tail;
    },
    parts(version, lastUpdated) {
      if (!restPieces || restText === '{}') return undefined;
      // the first piece opens the object: `{` becomes the `,` after the meta
      return [`${withMeta(version, lastUpdated)},${restPieces[0].slice(1)}`, ...restPieces.slice(1)];
    },
    metaCut(version, lastUpdated) {
      const length = server(version, lastUpdated).length;
      // with other meta: `"versionId":…,` inside the meta object; without: the whole `,"meta":{…}`
      return hasMeta ? { cutStart: head.length + ',"meta":{'.length, cutLength: length + 1 } : { cutStart: head.length, cutLength: ',"meta":{}'.length + length };
    },
  };
}

/** The served text of a view: meta.versionId and meta.lastUpdated are the view's own. */
export function viewBody(view: Resource, version: number, lastUpdated: number): string {
  return serialise(view).body(version, lastUpdated);
}

/**
 * `rawText`: the stored text of `raw` (rawContent form), to find a view that holds it (resourceInView).
 * `scope`: the parameters whose rows can differ from the stored ones, when the caller knows that only some
 * elements changed since the stored views were rendered, in the same context: only their rows are
 * extracted, provided the resource exists for the same profiles as before (else everything is).
 */
export function renderResource(raw: Resource, ctx: PolicyContext, current: StoredView[], now: number, rawText?: string | null, scope?: IndexScope): RenderOutcome {
  const rendered = renderViews(raw, ctx);
  const byProfile = new Map(current.map((v) => [v.profile, v]));
  const changed: WrittenView[] = [];
  const distinct = new Map<string, { view: Resource; mask: number }>();
  let existence = 0;
  let previousExistence = 0;
  let resourceInView: ResourceInView | undefined;

  // The redactor shares one object between identical views: serialise and hash each object once.
  const serialised = new Map<Resource, Serialised & { hash: string }>();
  const bodies = new Map<string, { body: string; parts: string[] | undefined }>();
  for (const p of PROFILES) {
    const view = rendered.views[p];
    const before = byProfile.get(p);
    if (before?.body != null) previousExistence |= 1 << p;
    let hash = ABSENT;
    if (view) {
      existence |= 1 << p;
      let ser = serialised.get(view);
      if (!ser) {
        const x = serialise(view);
        ser = { ...x, hash: hashOf(x.content) };
        serialised.set(view, ser);
      }
      hash = ser.hash;
      const seen = distinct.get(hash);
      if (seen) seen.mask |= 1 << p;
      else distinct.set(hash, { view, mask: 1 << p });
    }
    if (before ? before.hash === hash : hash === ABSENT) continue;
    const version = (before?.version ?? 0) + 1;
    let text: { body: string; parts: string[] | undefined } | null = null;
    if (view) {
      const key = `${hash}|${version}`;
      const ser = serialised.get(view)!;
      text = bodies.get(key) ?? { body: ser.body(version, now), parts: ser.parts(version, now) };
      bodies.set(key, text);
      if (!resourceInView && rawText && ser.content === rawText) resourceInView = { profile: p, ...ser.metaCut(version, now) };
    }
    changed.push({ profile: p, version, lastUpdated: now, hash, body: text?.body ?? null, ...(text?.parts ? { parts: text.parts } : {}) });
  }

  // extractIndex returns fresh, deduplicated entries: their masks are set in place
  const index = new Map<string, IndexEntry>();
  const scoped = scope && existence === previousExistence && existence !== 0 ? scope : undefined;
  const only = scoped ? new Set(scoped.map((s) => s.param)) : undefined;
  if (distinct.size === 1) {
    const [{ view, mask }] = distinct.values();
    for (const entry of extractIndex(view, only)) {
      entry.mask = mask;
      index.set(entryKey(entry), entry);
    }
  } else {
    for (const { view, mask } of distinct.values()) {
      for (const entry of extractIndex(view, only)) {
        const key = entryKey(entry);
        const prior = index.get(key);
        if (prior) prior.mask |= mask;
        else {
          entry.mask = mask;
          index.set(key, entry);
        }
      }
    }
  }
  if (rendered.views[1] === null) {
    // Hidden from every profile: its references still tie it to its neighbours (the policy context of a
    // Practitioner reads its roles), so they stay in the index with an empty mask: they never match.
    for (const entry of extractIndex(raw)) {
      if (entry.kind !== 'reference') continue;
      const key = entryKey(entry);
      if (!index.has(key)) index.set(key, { ...entry, mask: 0 });
    }
  }
  return { changed, index: [...index.values()], existence, previousExistence, ...(resourceInView ? { resourceInView } : {}), ...(scoped ? { indexScope: scoped } : {}) };
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
  return serialise(resource).content;
}
