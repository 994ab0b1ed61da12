#!/usr/bin/env node
// Build-time generator of data/communes.json.gz: INSEE commune code → centroid (WGS84, 5 decimals),
// postcodes and name, for the `near-insee-code` search and the commune-centroid geo index. Source:
// /work/shared/data/geo/communes_2026_coord.csv (COG 2026 joined to La Poste coordinates, ODbL; see
// data/ATTRIBUTION.md). Communes without coordinates are left out (they cannot anchor a distance).
//
// Format (compact, columnar, gzip ~240 kB): { codes: "01001 01002 …" (sorted), lat, lng: integer deltas in
// 1e-4 degree (~11 m, plenty for a centroid) from the previous commune }. Names and postcodes are not
// needed by search and would double the size.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, '..', 'shared', 'data', 'geo', 'communes_2026_coord.csv');
const records = parse(readFileSync(source), { columns: true, delimiter: ';', bom: true });
const located = records.filter((r) => r.latitude && r.longitude).sort((a, b) => (a.code_insee < b.code_insee ? -1 : 1));
const deltas = (values) => values.map((v, i) => (i === 0 ? v : v - values[i - 1]));
const out = {
  source: 'COG INSEE 2026 (Licence Ouverte) joined to La Poste commune coordinates (ODbL); see data/ATTRIBUTION.md',
  scale: 1e4,
  codes: located.map((r) => r.code_insee).join(' '),
  lat: deltas(located.map((r) => Math.round(Number(r.latitude) * 1e4))),
  lng: deltas(located.map((r) => Math.round(Number(r.longitude) * 1e4))),
};
const json = JSON.stringify(out);
const gz = gzipSync(json, { level: 9 });
writeFileSync(join(root, 'data', 'communes.json.gz'), gz);
console.log(`${located.length} communes (${records.length - located.length} without coordinates left out), ${json.length} B json, ${gz.length} B gzip`);
