import { describe, expect, it } from 'vitest';
import type { StoreTx } from '../../store/contract.js';
import { NationalIds } from './national-ids.js';

/** A transaction with a settable change token (only what the cache reads). */
const txWith = (token: { value: number } | null) => (token ? { changeToken: () => token.value } : {}) as unknown as StoreTx;

describe('NationalIds', () => {
  it('answers from memory while no other connection has committed', async () => {
    const ids = new NationalIds();
    const token = { value: 1 };
    let searches = 0;
    const search = async () => [`loc-${++searches}`];
    expect(await ids.locations(txWith(token), 'SYNC-1', search)).toEqual(['loc-1']);
    expect(await ids.locations(txWith(token), 'SYNC-1', search)).toEqual(['loc-1']);
    expect(searches).toBe(1);
    token.value = 2; // another connection committed
    expect(await ids.locations(txWith(token), 'SYNC-1', search)).toEqual(['loc-2']);
    expect(searches).toBe(2);
  });

  it('forgets everything after another change of its own, and that transaction neither reads nor fills it', async () => {
    const ids = new NationalIds();
    const token = { value: 1 };
    let searches = 0;
    const search = async () => [`loc-${++searches}`];
    await ids.locations(txWith(token), 'SYNC-1', search);
    const writing = txWith(token);
    ids.changed(writing);
    expect(await ids.locations(writing, 'SYNC-1', search)).toEqual(['loc-2']);
    expect(await ids.locations(writing, 'SYNC-1', search)).toEqual(['loc-3']); // uncommitted: never remembered
    expect(await ids.locations(txWith(token), 'SYNC-1', search)).toEqual(['loc-4']); // next transaction: searched again
    expect(await ids.locations(txWith(token), 'SYNC-1', search)).toEqual(['loc-4']);
  });

  it('always searches where the store has no change token', async () => {
    const ids = new NationalIds();
    let searches = 0;
    const search = async () => [`loc-${++searches}`];
    await ids.locations(txWith(null), 'SYNC-1', search);
    await ids.locations(txWith(null), 'SYNC-1', search);
    expect(searches).toBe(2);
  });
});
