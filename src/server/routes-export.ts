// Bulk export routes: kick-off, status (manifest) and the NDJSON files, each re-authorised per request.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/contract.js';
import { decodeJob, encodeJob, exportLines, kickOff, manifest } from '../fhir/export/bulk.js';
import type { Caller } from '../fhir/rest/types.js';
import { FHIR_JSON } from '../fhir/rest/types.js';

const pairs = (url: string): [string, string][] => {
  const i = url.indexOf('?');
  return i < 0 ? [] : [...new URLSearchParams(url.slice(i + 1)).entries()];
};

export function registerExportRoutes(app: FastifyInstance, store: Store, authenticate: (req: FastifyRequest) => Promise<Caller>, base: (req: FastifyRequest) => string): void {
  app.get('/fhir/$export', async (req, reply) => {
    const caller = await authenticate(req);
    const job = kickOff(caller, pairs(req.url), req.headers.prefer as string | undefined, Date.now());
    const location = `${base(req)}/$export-status/${encodeJob(job)}`;
    return reply.code(202).header('content-location', location).header('content-type', FHIR_JSON).send(
      JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `Export accepted: poll ${location}` }] }),
    );
  });

  app.get('/fhir/$export-status/:job', async (req, reply) => {
    const caller = await authenticate(req);
    const { job: id } = req.params as { job: string };
    const job = decodeJob(id, caller);
    return reply.code(200).header('content-type', 'application/json').header('expires', new Date(Date.now() + 3600_000).toUTCString())
      .send(JSON.stringify(manifest(job, id, base(req), `${base(req)}/$export`)));
  });

  app.delete('/fhir/$export-status/:job', async (req, reply) => {
    const caller = await authenticate(req);
    decodeJob((req.params as { job: string }).job, caller);
    return reply.code(202).send();
  });

  app.get('/fhir/$export-file/:job/:type', async (req, reply) => {
    const caller = await authenticate(req);
    const { job: id, type } = req.params as { job: string; type: string };
    const job = decodeJob(id, caller);
    const lines = exportLines(store, job, type);
    const first = await lines.next(); // errors (unknown type) before the headers are sent
    reply.code(200).header('content-type', 'application/fhir+ndjson');
    async function* all() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(all()));
  });
}
