// _elements and _summary: subsets of the caller's view (never of anything it could not see), marked
// SUBSETTED as FHIR requires.

import summaryElements from './generated/summary-elements.json' with { type: 'json' };

type Json = Record<string, unknown>;
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);
const TABLE = summaryElements as Record<string, { summary: string[]; mandatory: string[] }>;

function markSubsetted(resource: Json): Json {
  const meta = { ...((resource.meta as Json) ?? {}) };
  meta.tag = [...((meta.tag as unknown[]) ?? []), SUBSETTED];
  return { ...resource, meta };
}

function keep(resource: Json, allowed: (name: string) => boolean): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(resource)) {
    const name = k.startsWith('_') ? k.slice(1) : k;
    if (ALWAYS.has(k) || allowed(name)) out[k] = v;
  }
  return markSubsetted(out);
}

export type Summary = 'true' | 'false' | 'count' | 'data' | 'text';

const subsets = (elements: string[] | undefined, summary: Summary | undefined): boolean =>
  Boolean(elements?.length) || (summary !== undefined && summary !== 'false');

/** subset() of a body given as text or UTF-8 bytes; returns it unchanged (bytes stay bytes) when neither applies. */
export function subsetBody(body: string | Buffer, elements: string[] | undefined, summary: Summary | undefined): string | Buffer {
  if (!subsets(elements, summary)) return body;
  return subset(typeof body === 'string' ? body : body.toString('utf8'), elements, summary);
}

/** Applies _elements / _summary to a resource's JSON text; returns the text unchanged when neither applies. */
export function subset(text: string, elements: string[] | undefined, summary: Summary | undefined): string {
  if (!subsets(elements, summary)) return text;
  const resource = JSON.parse(text) as Json;
  const type = resource.resourceType as string;
  const mandatory = new Set(TABLE[type]?.mandatory ?? []);
  if (elements?.length) {
    const wanted = new Set(elements.map((e) => e.replace(/^[A-Z][A-Za-z]+\./, '')));
    return JSON.stringify(keep(resource, (n) => wanted.has(n) || mandatory.has(n)));
  }
  switch (summary) {
    case 'true': {
      const names = TABLE[type]?.summary ?? [];
      return JSON.stringify(keep(resource, (n) => names.includes(n) || mandatory.has(n)));
    }
    case 'text':
      return JSON.stringify(keep(resource, (n) => n === 'text' || mandatory.has(n)));
    case 'data': {
      const { text: _t, ...rest } = resource;
      return JSON.stringify(markSubsetted(rest));
    }
    default:
      return text;
  }
}
