// Child-process entry of the baseline server: `node dist/bench/baseline-main.js RECORDINGS.json`.
// Listens on a free loopback port and prints `listening <url>` on stdout.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createBaselineServer, type Recording } from './baseline-server.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: baseline-main RECORDINGS.json\n');
  process.exit(2);
}
const recordings = JSON.parse(readFileSync(file, 'utf8')) as Recording[];
const server = createBaselineServer(recordings);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
