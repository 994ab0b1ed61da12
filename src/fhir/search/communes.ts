// INSEE commune code → centroid, from the committed data/communes.json.gz (see data/ATTRIBUTION.md).
// Loaded lazily, once, on the first lookup (≈240 kB gzip, ≈35 k entries).

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export interface CommuneCentroid {
  lat: number;
  lng: number;
}

// src/fhir/search/ and dist/fhir/search/ are both three levels below the project root.
const DATA_FILE = fileURLToPath(new URL('../../../data/communes.json.gz', import.meta.url));

let table: Map<string, CommuneCentroid> | null = null;

function load(): Map<string, CommuneCentroid> {
  const raw = JSON.parse(gunzipSync(readFileSync(DATA_FILE)).toString('utf8')) as {
    scale: number; codes: string; lat: number[]; lng: number[];
  };
  const codes = raw.codes.split(' ');
  const map = new Map<string, CommuneCentroid>();
  let lat = 0;
  let lng = 0;
  for (let i = 0; i < codes.length; i++) {
    lat += raw.lat[i];
    lng += raw.lng[i];
    map.set(codes[i], { lat: lat / raw.scale, lng: lng / raw.scale });
  }
  return map;
}

/** The centroid of a commune (or municipal arrondissement), or undefined if unknown or unlocated. */
export function communeCentroid(code: string): CommuneCentroid | undefined {
  table ??= load();
  return table.get(code);
}

export function communeCount(): number {
  table ??= load();
  return table.size;
}
