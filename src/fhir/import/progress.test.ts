import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { createProgress } from './progress.js';

function capture(isTTY: boolean) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  (stream as { isTTY: boolean }).isTTY = isTTY;
  (stream as { columns: number }).columns = 120;
  let text = '';
  stream.on('data', (c: Buffer) => { text += c.toString(); });
  return { stream, text: () => text };
}

describe('createProgress', () => {
  it('writes a single summary line when stderr is not a TTY', () => {
    const out = capture(false);
    let t = 0;
    const p = createProgress(1000, 'import x.ndjson', { stream: out.stream, now: () => t });
    p.update(500, 3000);
    t = 2000;
    p.update(1000, 6000);
    p.stop();
    p.stop();
    expect(out.text()).toBe('import x.ndjson: 6000 resources, 1000 bytes in 2.0 s (3000 resources/s)\n');
  });

  it('draws a bar with count and rate on a TTY', () => {
    const out = capture(true);
    let t = 0;
    const p = createProgress(1000, 'import', { stream: out.stream, now: () => t });
    t = 1000;
    p.update(500, 1234);
    p.stop();
    expect(out.text()).toContain('1234 resources');
    expect(out.text()).toContain('1234 res/s');
    expect(out.text()).toContain('50%');
  });
});
