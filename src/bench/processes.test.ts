import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitIdle } from './processes.js';

describe('waitIdle', () => {
  it('returns once the process has stopped working, not before', async () => {
    // busy for 600 ms, then says so and idles
    const child = spawn(process.execPath, ['-e', "const t = Date.now(); while (Date.now() - t < 600); console.log('idle'); setTimeout(() => {}, 10000);"], { stdio: ['ignore', 'pipe', 'ignore'] });
    let said = '';
    child.stdout.on('data', (d: Buffer) => (said += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 100)); // started and busy
      await waitIdle(child.pid!, 10_000);
      expect(said).toContain('idle');
    } finally {
      child.kill();
    }
  });
});
