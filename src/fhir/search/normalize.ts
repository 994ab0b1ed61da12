// String normalisation for string search: lower case, accents stripped, whitespace collapsed. The
// parser applies the same function to search values, so "Hôpital" matches "hopital".

const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /[\u0300-\u036f]/g;
const SPACES = /\s+/g;

export function normalizeString(value: string): string {
  let s = value;
  if (NON_ASCII.test(s)) s = s.normalize('NFD').replace(COMBINING, '').replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE');
  return s.toLowerCase().replace(SPACES, ' ').trim();
}
