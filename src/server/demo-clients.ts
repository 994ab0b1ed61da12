// The demo's clients: one per read profile plus the operator, with well-known secrets (demo only).

import type { Store } from '../store/contract.js';
import { hashSecret } from './auth/secrets.js';

export interface DemoClient {
  id: string;
  secret: string;
  cu: string;
  label: string;
  write: string[];
  operator: boolean;
}

export const DEMO_CLIENTS: DemoClient[] = [
  { id: 'demo-public', secret: 'demo-public-secret', cu: 'CU23', label: 'profile 0, information grand public', write: [], operator: false },
  { id: 'demo-samu', secret: 'demo-samu-secret', cu: 'CU22', label: 'profile 1, régulation (SAMU)', write: ['B'], operator: false },
  { id: 'demo-orientation', secret: 'demo-orientation-secret', cu: 'CU18', label: 'profile 2, orientation sanitaire et MS', write: ['B'], operator: false },
  { id: 'demo-ms', secret: 'demo-ms-secret', cu: 'CU19', label: 'profile 3, orientation médico-sociale', write: [], operator: false },
  { id: 'demo-ars', secret: 'demo-ars-secret', cu: 'CU28', label: 'profile 4, pilotage de l’offre', write: [], operator: false },
  { id: 'demo-dac', secret: 'demo-dac-secret', cu: 'CU30', label: 'profile 5, orientation sans disponibilité en lits', write: [], operator: false },
  { id: 'demo-operator', secret: 'demo-operator-secret', cu: 'OPERATOR', label: 'the directory operator', write: [], operator: true },
];

export async function registerDemoClients(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const c of DEMO_CLIENTS) {
      if (await tx.getClient(c.id)) continue;
      await tx.putClient({ id: c.id, secretHash: hashSecret(c.secret), cu: c.cu, write: c.write, egs: [], operator: c.operator, createdAt: Date.now() });
    }
  });
}
