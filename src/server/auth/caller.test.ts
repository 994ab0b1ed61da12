import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/contract.js';
import { openStore } from '../../store/open.js';
import { CallerResolver } from './caller.js';

describe('CallerResolver: one frozen Caller per client and end-user headers', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    await store.migrate();
    await store.transaction((tx) => tx.putClient({ id: 'samu', secretHash: 'x', cu: 'CU22', write: [], egs: [], operator: false, createdAt: 0 }));
  });
  afterAll(() => store.close());
  const claims = { clientId: 'samu' } as Parameters<CallerResolver['resolve']>[0];

  it('shares the Caller of the same headers, and tells different headers apart', async () => {
    const callers = new CallerResolver(store);
    const a = await callers.resolve(claims, {});
    expect(await callers.resolve(claims, {})).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => { (a as { profile: number }).profile = 0; }).toThrow(TypeError);
    const narrowed = await callers.resolve(claims, { 'ror-profil-utilisateur-code': 'CU23' });
    expect(narrowed).not.toBe(a);
    expect(await callers.resolve(claims, { 'ror-profil-utilisateur-code': 'CU23' })).toBe(narrowed);
    expect([narrowed.userProfileCode, narrowed.profile]).toEqual(['CU23', 0]);
    // an empty header is not an absent one
    await expect(callers.resolve(claims, { 'ror-profil-utilisateur-code': '' })).rejects.toMatchObject({ status: 403 });
    expect(await callers.resolve(claims, {})).toBe(a);
  });

  it('refusals are not remembered as callers', async () => {
    const callers = new CallerResolver(store);
    const headers = { 'ror-role-metier-code': 'x' };
    await expect(callers.resolve(claims, headers)).rejects.toMatchObject({ status: 403 });
    await expect(callers.resolve(claims, headers)).rejects.toMatchObject({ status: 403 });
    await expect(callers.resolve({ clientId: 'nobody' } as typeof claims, {})).rejects.toMatchObject({ status: 401 });
  });
});
