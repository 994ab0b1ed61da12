// Measures generation throughput (not a test): npx tsx src/demo/throughput.ts [scale] [out.ndjson.gz]
import { generateDataset, type DemoScale } from './generate.js';
import { writeNdjson } from './ndjson.js';

const scale = (process.argv[2] ?? 'national') as DemoScale;
const out = process.argv[3];
const t0 = process.hrtime.bigint();
let n = 0;
if (out) n = await writeNdjson(generateDataset({ scale }), out);
else for (const r of generateDataset({ scale })) { JSON.stringify(r); n++; }
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`${scale}: ${n} resources in ${s.toFixed(1)} s = ${Math.round(n / s)} resources/s${out ? ` → ${out}` : ' (serialised, not written)'}; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
