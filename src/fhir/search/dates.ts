// FHIR date/dateTime/instant → the inclusive epoch-ms range its precision denotes ("2024" = the whole
// year). Shared by extraction (stored ranges) and the parser (search ranges). A dateTime without a
// time zone is read as UTC (FHIR requires a zone once hours are given; partial dates have none).

export const MIN_TIME = -8.64e15;
export const MAX_TIME = 8.64e15;

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface TimeRange {
  low: number;
  high: number;
}

// Ranges remembered by text: a capacity update re-indexes the update date of every indicator of its
// Location (one parameter), and all but one of those dates are the ones it parsed last time. Ranges are
// frozen: they are shared.
const parsed = new Map<string, Readonly<TimeRange> | null>();
const PARSED_KEPT = 4096;

export function parseDateRange(text: string): Readonly<TimeRange> | null {
  let r = parsed.get(text);
  if (r === undefined) {
    r = parseRange(text);
    if (r) Object.freeze(r);
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(text, r);
  }
  return r;
}

function parseRange(text: string): TimeRange | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  if (month > 11 || day < 1 || day > 31) return null;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return null;
  const offset = tz && tz !== 'Z' ? (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60000 : 0;
  const at = (yy: number, mm: number, dd: number, hh = 0, mn = 0, ss = 0, ms = 0) => {
    const t = new Date(0);
    t.setUTCFullYear(yy, mm, dd);
    t.setUTCHours(hh, mn, ss, ms);
    return t.getTime();
  };
  if (!mo) return { low: at(year, 0, 1), high: at(year + 1, 0, 1) - 1 };
  if (!d) return { low: at(year, month, 1), high: at(year, month + 1, 1) - 1 };
  if (new Date(at(year, month, day)).getUTCDate() !== day) return null; // e.g. 2024-02-30
  if (h === undefined) return { low: at(year, month, day), high: at(year, month, day + 1) - 1 };
  const base = at(year, month, day, Number(h), Number(mi)) - offset;
  if (s === undefined) return { low: base, high: base + 60000 - 1 };
  const sec = base + Number(s) * 1000;
  if (frac === undefined) return { low: sec, high: sec + 999 };
  const digits = Math.min(frac.length, 3);
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  return { low: sec + ms, high: sec + ms + 10 ** (3 - digits) - 1 };
}
