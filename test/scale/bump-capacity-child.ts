// Child process of two-instances.int.test.ts: like a server instance of its own, it opens the store and
// does `rounds` read-modify-write transactions adding 1 to the first capacity (nbCapacity) of a Location.
//   node --import tsx test/scale/bump-capacity-child.ts <db> <locationId> <rounds>
import { openIngestSession } from '../../src/fhir/ingest.js';
import type { Resource } from '../../src/policy/types.js';
import { openStore } from '../../src/store/open.js';
import { bumpCapacity } from './capacity.js';

const [db, id, rounds] = process.argv.slice(2);
const store = await openStore(db);
for (let i = 0; i < Number(rounds); i++) {
  await store.transaction(async (tx) => {
    const current = await tx.readResource('Location', id);
    const location = JSON.parse(current!.body!) as Resource;
    bumpCapacity(location);
    const session = openIngestSession(tx);
    await session.add([location]);
    await session.finish();
  });
}
await store.close();
process.stdout.write('done\n');
