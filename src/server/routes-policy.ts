// Operator endpoint: what each read profile sees of one stored resource, and why (the catalogue rows).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/contract.js';
import { explain } from '../fhir/explain.js';
import { FhirError } from '../fhir/errors.js';
import { checkTypeAndId } from '../fhir/rest/read.js';
import type { Caller } from '../fhir/rest/types.js';
import { FHIR_JSON } from '../fhir/rest/types.js';

export function registerPolicyRoutes(app: FastifyInstance, store: Store, authenticate: (req: FastifyRequest) => Promise<Caller>): void {
  app.get('/fhir/:type/:id/$explain', async (req, reply) => {
    const caller = await authenticate(req);
    const { type, id } = req.params as { type: string; id: string };
    // A tool must not learn anything about what other profiles see: 403 before any lookup.
    if (!caller.operator) throw new FhirError(403, 'forbidden', '$explain is reserved to the directory operator');
    checkTypeAndId(type, id);
    const e = await explain(store, `${type}/${id}`);
    const parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'reference', valueString: e.reference },
        { name: 'sectors', valueString: e.sectors.join(',') },
        { name: 'sensitive', valueBoolean: e.sensitive },
        ...e.profiles.map((p) => ({
          name: 'profile',
          part: [
            { name: 'profile', valueInteger: p.profile },
            { name: 'exists', valueBoolean: p.exists },
            ...p.hidden.map((h) => ({
              name: 'hidden',
              part: [
                { name: 'path', valueString: h.path },
                { name: 'group', valueString: h.group },
                { name: 'level', valueInteger: h.level },
                { name: 'sectors', valueString: h.sectors.join(',') },
                { name: 'rule', valueString: h.rule },
              ],
            })),
          ],
        })),
      ],
    };
    return reply.code(200).header('content-type', FHIR_JSON).send(JSON.stringify(parameters));
  });
}
