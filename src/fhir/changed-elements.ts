// Which elements differ between two versions of a resource, in the catalogue's path style (`location`,
// `extension(<name>)`): what a write profile must allow (write/guard.ts), and which search parameters a
// change can affect (views/session.ts).

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Json)[k], (b as Json)[k]));
  }
  return false;
}

export interface ChangedElement {
  /** Catalogue-style path: a top-level element name, or `extension(<last segment of the url>)`. */
  path: string;
  /** For extensions: the full url. */
  url?: string;
  /**
   * For extensions whose items changed in place (as many before as after, each one changed only in its
   * sub-extensions): the urls of the sub-extensions that differ, and the items that differ (before,
   * after). A capacity update changes `nbCapacity` and `capacityUpdateDate` of one indicator.
   */
  subs?: string[];
  items?: [unknown, unknown][];
}

const SERVER_META = new Set(['versionId', 'lastUpdated']);
const EXTENSION_KEYS = new Set(['extension', 'modifierExtension']);
const shortName = (url: string) => url.slice(url.lastIndexOf('/') + 1);

function groupByUrl(list: unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const e of Array.isArray(list) ? list : []) {
    const url = String((e as Json)?.url ?? '');
    const xs = out.get(url);
    if (xs) xs.push(e);
    else out.set(url, [e]);
  }
  return out;
}

const metaWithoutServer = (m: unknown): Json =>
  Object.fromEntries(Object.entries((m as Json) ?? {}).filter(([k]) => !SERVER_META.has(k)));

// The last answer: a write asks about the same pair of versions twice (its guard, then commit.ts), and
// versions are never mutated (parsed-bodies.ts).
let last: { before: Json | null; after: Json; changes: readonly ChangedElement[] } | null = null;

/** The elements that differ between two versions of a resource (before null: creation). */
export function changedElements(before: Json | null, after: Json): readonly ChangedElement[] {
  if (last && last.before === before && last.after === after) return last.changes;
  const changes = compare(before, after);
  last = { before, after, changes };
  return changes;
}

function compare(before: Json | null, after: Json): ChangedElement[] {
  const b = before ?? {};
  const out: ChangedElement[] = [];
  const keys = new Set([...Object.keys(b), ...Object.keys(after)]);
  for (const k of keys) {
    if (k === 'resourceType' || k === 'id') continue;
    if (k === 'meta') {
      if (!deepEqual(metaWithoutServer(b.meta), metaWithoutServer(after.meta))) out.push({ path: 'meta' });
      continue;
    }
    if (EXTENSION_KEYS.has(k)) {
      const x = groupByUrl(b[k]);
      const y = groupByUrl(after[k]);
      for (const url of new Set([...x.keys(), ...y.keys()])) {
        const xs = x.get(url) ?? [];
        const ys = y.get(url) ?? [];
        if (deepEqual(xs, ys)) continue;
        out.push({ path: `${k}(${shortName(url)})`, url, ...changedInPlace(xs, ys) });
      }
      continue;
    }
    if (!deepEqual(b[k], after[k])) out.push({ path: k });
  }
  return out;
}

/** The sub-extensions that differ between two lists of items of one extension, when the items changed in
 * place and only in their sub-extensions (else nothing: the items changed as a whole). */
function changedInPlace(xs: unknown[], ys: unknown[]): { subs: string[]; items: [unknown, unknown][] } | Record<string, never> {
  if (xs.length !== ys.length) return {};
  const subs = new Set<string>();
  const items: [unknown, unknown][] = [];
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i];
    const b = ys[i];
    if (a === b || deepEqual(a, b)) continue;
    if (!isObject(a) || !isObject(b) || !Array.isArray(a.extension) || !Array.isArray(b.extension)) return {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (k !== 'extension' && !deepEqual(a[k], b[k])) return {};
    const sa = groupByUrl(a.extension);
    const sb = groupByUrl(b.extension);
    for (const url of new Set([...sa.keys(), ...sb.keys()])) if (!deepEqual(sa.get(url) ?? [], sb.get(url) ?? [])) subs.add(url);
    items.push([a, b]);
  }
  return { subs: [...subs], items };
}
