// Which elements of a resource a search parameter's expression reads, from the expression text: the
// top-level element of each union part (`Location.address.city` reads `address`), and for extensions the
// url of the first `where(url=…)` filter (`Location.extension.where(url='X')…` reads extension X), and of a
// second one on its sub-extensions (`….extension.where(url='s')…` reads sub-extension s of X). Used to
// re-extract, after a change confined to a few elements, only the parameters whose rows can change.
// Anything this reading does not recognise reads the whole resource (conservative).
import { splitOutside } from './typed-values.js';

/** A top-level element of a resource, or one url of its extension / modifierExtension list. */
export interface ElementRef {
  key: string;
  /** For extension / modifierExtension: the url (absent: every extension). */
  url?: string;
  /** Within that extension, the url of one sub-extension (absent: the whole extension). */
  sub?: string;
}

/** What an expression reads: some elements, or the whole resource. */
export type Reads = ElementRef[] | 'all';

const EXTENSION_KEYS = new Set(['extension', 'modifierExtension']);
const PART = /^([A-Za-z]+)\.([A-Za-z]+)(\.where\(\s*url\s*=\s*'([^']*)'\s*\))?(?:$|\.)/;
/** `….extension.where(url='X').extension.where(url='s')…`: one sub-extension of extension X. */
const SUB = /^[A-Za-z]+\.[A-Za-z]+\.where\(\s*url\s*=\s*'[^']*'\s*\)\.extension\.where\(\s*url\s*=\s*'([^']*)'\s*\)(?:$|\.)/;

/** Union parts, split outside parentheses and quotes, outer parentheses removed. */
function unionParts(expr: string): string[] | null {
  const parts = splitOutside(expr, '|');
  return parts && parts.map((p) => (p.startsWith('(') && p.endsWith(')') ? p.slice(1, -1).trim() : p));
}

/** The elements `expression` (on resources of `type`) reads. */
export function expressionReads(type: string, expression: string): Reads {
  // references to the resource root from inside a filter read anything
  if (expression.includes('%') || expression.includes('resolve(')) return 'all';
  const parts = unionParts(expression);
  if (!parts) return 'all';
  const out: ElementRef[] = [];
  for (const part of parts) {
    const m = PART.exec(part);
    if (!m || (m[1] !== type && m[1] !== 'Resource') || m[2] === 'where' || m[2] === 'ofType' || m[2] === 'as') return 'all';
    if (!EXTENSION_KEYS.has(m[2]) || m[4] === undefined) {
      out.push({ key: m[2] });
      continue;
    }
    const sub = SUB.exec(part)?.[1];
    out.push(sub === undefined ? { key: m[2], url: m[4] } : { key: m[2], url: m[4], sub });
  }
  return out;
}

/** Whether a parameter reading `reads` can see a change of these elements. */
export function readsAny(reads: Reads, changed: readonly ElementRef[]): boolean {
  if (reads === 'all') return true;
  for (const r of reads) {
    for (const c of changed) {
      if (r.key === c.key && (r.url === undefined || c.url === undefined || r.url === c.url) && (r.sub === undefined || c.sub === undefined || r.sub === c.sub)) return true;
    }
  }
  return false;
}
