// Child process of durability.int.test.ts: writes resources one transaction at a time and prints each id
// once its commit has returned (acknowledged). The parent kills it with SIGKILL at an arbitrary moment.
import { change } from '../contract.fixtures.js';
import { openSqliteStore } from './store.js';

const file = process.argv[2];
const store = await openSqliteStore(file);
await store.migrate();
for (let i = 0; ; i++) {
  const id = `d${i}`;
  await store.transaction(async (tx) => {
    await tx.write(change({ type: 'Organization', id, index: [{ kind: 'string', param: 'name', value: `n${i}`, mask: 63 }] }));
  });
  process.stdout.write(`${id}\n`);
}
