// JSON string literals of the short strings written for every audited request. JSON.stringify costs about
// 0.1 µs a call and an event takes several: the literals of the few distinct values of a field (client ids,
// actions, interactions, resource types) are remembered, and an id of plain characters needs no escaping.

const remembered = new Map<string, string>();
/** Bound on remembered literals: past it they are forgotten at once (a field with many values gains nothing). */
const REMEMBERED = 4096;

/** Longest string remembered: a field's few values are short, and a request's own text (a path segment)
 * must not make the memory grow by its length. */
const REMEMBERED_LENGTH = 64;

/** The JSON literal of a string of a field with few distinct values. */
export function jsonOfFrequent(s: string): string {
  let literal = remembered.get(s);
  if (literal === undefined) {
    literal = JSON.stringify(s);
    if (s.length > REMEMBERED_LENGTH) return literal;
    if (remembered.size >= REMEMBERED) remembered.clear();
    remembered.set(s, literal);
  }
  return literal;
}

/** Characters that JSON writes as they are (a FHIR id's). */
const PLAIN = /^[A-Za-z0-9\-.]*$/;

/** The JSON literal of a string of a field with many values (resource ids). */
export const jsonOfId = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));
