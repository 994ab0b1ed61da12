// A resource body stored inside one of its views' bodies (ResourceWrite.resourceInView): the view's text
// minus a range of characters (its own meta). Most resources have a view equal to themselves but for
// that meta, so the text is stored once.
import type { ResourceInView } from '../contract.js';

/** Whether `viewBody` without the characters of `cut` is exactly `body`. */
export function holdsBody(viewBody: string, cut: ResourceInView, body: string): boolean {
  const { cutStart, cutLength } = cut;
  if (!Number.isSafeInteger(cutStart) || !Number.isSafeInteger(cutLength) || cutStart < 0 || cutLength <= 0) return false;
  if (viewBody.length - cutLength !== body.length || cutStart > body.length) return false;
  // compared whole: startsWith/endsWith on a text built by concatenation cost twice as much
  return cutText(viewBody, cutStart, cutLength) === body;
}

/** `text` without the characters [cutStart, cutStart + cutLength). */
export const cutText = (text: string, cutStart: number, cutLength: number): string =>
  text.slice(0, cutStart) + text.slice(cutStart + cutLength);
