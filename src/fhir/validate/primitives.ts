// FHIR R4 primitive types: JSON type and lexical format (regexes from the R4 specification).

export type PrimitiveCheck = (value: unknown) => string | null;

const DATE = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/;
const DATE_TIME = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;
const INSTANT = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$/;
const CODE = /^[^\s]+( [^\s]+)*$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const URI = /^\S*$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const string = (v: unknown) => (typeof v === 'string' ? null : 'expected a string');
const pattern = (re: RegExp, what: string): PrimitiveCheck => (v) =>
  typeof v !== 'string' ? 'expected a string' : re.test(v) ? null : `not a valid ${what}: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
const integer = (min: number): PrimitiveCheck => (v) =>
  typeof v !== 'number' || !Number.isInteger(v) ? 'expected an integer' : v < min || v > 2147483647 ? `integer out of range (${v})` : null;

export const PRIMITIVE_CHECKS: Record<string, PrimitiveCheck> = {
  boolean: (v) => (typeof v === 'boolean' ? null : 'expected true or false'),
  integer: integer(-2147483648),
  integer64: (v) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? null : 'expected an integer',
  positiveInt: integer(1),
  unsignedInt: integer(0),
  decimal: (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'expected a number'),
  string,
  markdown: string,
  xhtml: string,
  base64Binary: string,
  code: pattern(CODE, 'code'),
  id: pattern(ID, 'id'),
  uri: pattern(URI, 'uri'),
  url: pattern(URI, 'url'),
  canonical: pattern(URI, 'canonical'),
  oid: pattern(OID, 'oid'),
  uuid: pattern(UUID, 'uuid'),
  date: pattern(DATE, 'date'),
  dateTime: pattern(DATE_TIME, 'dateTime'),
  instant: pattern(INSTANT, 'instant'),
  time: pattern(TIME, 'time'),
};
