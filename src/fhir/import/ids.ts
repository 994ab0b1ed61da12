// Deterministic ids for resources that arrive without one (NDJSON lines, collection entries, POST entries).
//
// Choice: re-importing the same source must not create duplicates, so the id is derived from the resource's
// first business identifier (system|value) when it has one: a record whose content changed keeps its id
// and is updated. Without an identifier, the id is derived from the content (canonical JSON, `id` and
// `meta` excluded), so identical content maps to the same id. Both are SHA-256, hex, truncated to 32
// characters (a valid FHIR id), prefixed by nothing: collisions at 128 bits are not a practical concern.

import { createHash } from 'node:crypto';
import type { Resource } from '../../policy/types.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** JSON with object keys sorted, so that key order does not change the id. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function firstIdentifier(resource: Resource): string | undefined {
  const ids = resource.identifier;
  const list = Array.isArray(ids) ? ids : ids && typeof ids === 'object' ? [ids] : [];
  for (const i of list) {
    if (i && typeof i === 'object' && typeof i.system === 'string' && typeof i.value === 'string') return `${i.system}|${i.value}`;
  }
  return undefined;
}

export function deterministicId(resource: Resource): string {
  const identifier = firstIdentifier(resource);
  if (identifier !== undefined) return sha(`${resource.resourceType}\u0000identifier\u0000${identifier}`);
  const { id: _id, meta: _meta, ...content } = resource;
  return sha(`${resource.resourceType}\u0000content\u0000${canonical(content)}`);
}
