// Client secrets are stored as salted scrypt hashes, compared in constant time. Verification (a token
// request) runs scrypt on libuv's thread pool: tens of milliseconds of CPU that must not stop the event
// loop serving everyone else's reads.

import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 16384;

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, { N });
  return `scrypt$${N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) }, (e, key) => (e ? reject(e) : resolve(key))));
  return timingSafeEqual(expected, actual);
}
