import { describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from './secrets.js';

describe('client secrets', () => {
  it('verifies the right secret only, against a salted hash', async () => {
    const stored = hashSecret('s3cret');
    expect(stored).not.toContain('s3cret');
    expect(hashSecret('s3cret')).not.toBe(stored); // salted
    expect(await verifySecret('s3cret', stored)).toBe(true);
    expect(await verifySecret('s3cret!', stored)).toBe(false);
    expect(await verifySecret('s3cret', 'plain$x')).toBe(false);
  });

  it('lets the event loop run while scrypt works', async () => {
    const stored = hashSecret('s3cret');
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await verifySecret('s3cret', stored);
    done = true;
    expect(turns).toBeGreaterThan(1);
  });
});
