// The HTTP server: Fastify adapted to the transport-free FHIR handlers. Every failure becomes an
// OperationOutcome with the right status; nothing leaks a stack trace.

import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Store } from '../store/contract.js';
import { FhirError, outcome } from '../fhir/errors.js';
import { read, vread, history } from '../fhir/rest/read.js';
import { search } from '../fhir/rest/search.js';
import { capabilityStatement } from '../fhir/rest/capability.js';
import type { Caller, FhirResponse } from '../fhir/rest/types.js';
import { FHIR_JSON } from '../fhir/rest/types.js';
import { TokenService } from './auth/tokens.js';
import { CallerResolver } from './auth/caller.js';
import { verifySecret } from './auth/secrets.js';
import { parseStored } from '../fhir/parsed-bodies.js';
import { AuditLog, type AuditLogOptions } from '../fhir/audit/log.js';
import { auditRecord, type AuditAction, type AuditFacts } from '../fhir/audit/event.js';
import { answerAsPreferred, returnPreference, type ReturnPreference } from '../fhir/rest/prefer.js';
import { readAuditEvent, searchAuditEvents } from '../fhir/audit/search.js';
import {
  establishmentKeys, guardSearchParams, maySeeTask, runWriteOperation, type AuditSlot, type WriteArguments, type WriteContext, type WriteOperation,
} from '../fhir/write/index.js';
import { WriteThread, type WriteThreadOptions } from './write-thread.js';
import { limitsFromEnv, RateLimiter, type ServerLimits } from './limits.js';
import { GroupCommitter } from '../fhir/write/group-commit.js';
import { registerPolicyRoutes } from './routes-policy.js';
import type { Habilitation } from '../policy/index.js';
import { registerExportRoutes } from './routes-export.js';

/** Writes routed for every stored type (write profiles A and B, the operator): see src/fhir/write. */
const WRITE_INTERACTIONS: Record<string, string[]> = Object.fromEntries(
  ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'].map((t) => [t, ['create', 'update', 'patch', 'delete']]),
);

export interface AppOptions {
  /** The habilitation table with the operator's overrides (default: the policy's table). */
  habilitation?: Habilitation;
  store: Store;
  tokens: TokenService;
  /** Public base URL of the FHIR endpoint; defaults to the request's host. */
  publicBase?: string;
  bodyLimit?: number;
  logger?: boolean;
  version?: string;
  /** Batching of the audit of reads and refused requests (defaults: every second, or at 100,000 events). */
  audit?: AuditLogOptions;
  /** Rate limit and timeouts (default: limitsFromEnv()). */
  limits?: ServerLimits;
  /** Audit reads and refused requests (default true; false only to measure the audit's cost). Writes
   * are audited inside their transaction whatever this says. */
  auditReads?: boolean;
  /** Run the writes on a thread of their own, with its own store on this database (see write-thread.ts);
   * default: on the event loop, through `store`. */
  writeThread?: WriteThreadOptions;
}

declare module 'fastify' {
  interface FastifyRequest {
    audit: AuditSlot;
  }
}

/** Where an interaction is audited: its REST name and AuditEvent action. */
function facts(req: FastifyRequest, interaction: string, action: AuditAction, type?: string, id?: string | null, query?: string): void {
  const f = req.audit.facts;
  f.interaction = interaction;
  f.action = action;
  f.entities = type ? [{ type, id: id ?? null }] : [];
  if (query !== undefined) f.query = query;
}

const FHIR_TYPES = /^(application\/(fhir\+)?json|application\/x-www-form-urlencoded)/;

function send(reply: FastifyReply, res: FhirResponse): FastifyReply {
  // no body (204, or Prefer: return=minimal): no payload, so no content type either
  if (res.status === 204 || res.body.length === 0) return reply.code(res.status).headers(res.headers).send();
  const body = res.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return reply.code(res.status).headers(res.headers).send(body);
  return reply.code(res.status).headers(res.headers).header('content-length', String(body.length)).send(Readable.from(body.chunks, { objectMode: false }));
}

function sendOutcome(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers({ 'content-type': FHIR_JSON, ...headers }).send(JSON.stringify(body));
}

function queryPairs(url: string): [string, string][] {
  const i = url.indexOf('?');
  if (i < 0) return [];
  return [...new URLSearchParams(url.slice(i + 1)).entries()];
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const limits = opts.limits ?? limitsFromEnv();
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024,
    routerOptions: { maxParamLength: 1000 }, // export job ids carry their request
    return503OnClosing: true,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
  });
  const auditLog = new AuditLog(opts.store, { ...opts.audit, onError: opts.audit?.onError ?? ((e) => app.log.error(e)) });
  const limiter = limits.rate ? new RateLimiter(limits.rate) : null;
  const auditReads = opts.auditReads ?? true;
  app.decorateRequest('audit', null as unknown as AuditSlot);
  await app.register(formbody);
  app.addContentTypeParser(['application/fhir+json', 'application/json-patch+json'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new FhirError(400, 'structure', 'The request body is not valid JSON'), undefined);
    }
  });

  const callers = new CallerResolver(opts.store, opts.habilitation);
  const base = (req: FastifyRequest) => opts.publicBase ?? `${req.protocol}://${req.headers.host ?? '127.0.0.1'}/fhir`;
  const lenient = (req: FastifyRequest) => /handling\s*=\s*lenient/i.test(String(req.headers.prefer ?? ''));
  const authenticate = async (req: FastifyRequest): Promise<Caller> => {
    const claims = await opts.tokens.verify(req.headers.authorization);
    const caller = await callers.resolve(claims, req.headers);
    req.audit.facts.caller = caller;
    if (limiter) {
      const wait = limiter.take(caller.clientId);
      if (wait > 0) throw new FhirError(429, 'throttled', `Rate limit exceeded for client ${caller.clientId}: retry in ${wait} s`, undefined, { 'retry-after': String(wait) });
    }
    return caller;
  };
  const writeThread = opts.writeThread ? new WriteThread(opts.writeThread) : null;
  await writeThread?.start();
  // without a write thread, writes share commits on the event loop
  const writes = writeThread ? null : new GroupCommitter(opts.store);
  /** Runs a write interaction, on the write thread when there is one, answered as `preference` asks
   * (applied where the answer is made: the thread does not encode a body the event loop would drop). */
  const write = async <Op extends WriteOperation>(req: FastifyRequest, caller: Caller, op: Op, args: WriteArguments<Op>, preference: ReturnPreference = 'representation'): Promise<FhirResponse> => {
    if (!writeThread) {
      const ctx: WriteContext = { store: opts.store, caller, base: base(req), audit: req.audit, run: writes!.run };
      return answerAsPreferred(await runWriteOperation(op, ctx, args), preference);
    }
    const { response, audited } = await writeThread.run(op, caller, base(req), req.audit.facts, args, preference);
    if (audited) req.audit.audited = true;
    return response;
  };
  const header = (req: FastifyRequest, name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  /** A single-resource write, answered as its Prefer header's `return` asks (a Bundle is answered whole). */
  const writeOne = <Op extends WriteOperation>(req: FastifyRequest, caller: Caller, op: Op, args: WriteArguments<Op>): Promise<FhirResponse> =>
    write(req, caller, op, args, returnPreference(header(req, 'prefer')));
  /** The raw resource version, for If-Match, shown to a caller who may write the resource. */
  const withResourceVersion = async (caller: Caller, type: string, id: string, res: FhirResponse): Promise<FhirResponse> => {
    if (res.status !== 200) return res;
    const writes = caller.operator || (caller.write.includes('A') && (type === 'Location' || type === 'HealthcareService')) || (caller.write.includes('B') && type === 'Task');
    if (!writes) return res;
    const stored = await opts.store.readResource(type, id);
    if (!stored?.body) return res;
    if (!caller.operator && type !== 'Task') {
      const keys = await establishmentKeys(opts.store, type, id, parseStored(type, id, stored.body));
      if (!caller.egs.some((eg) => keys.has(eg))) return res;
    }
    return { ...res, headers: { ...res.headers, 'ror-resource-version': String(stored.version) } };
  };
  /** A tool reads only its own anomaly reports: another tool's is 404, like an unknown id. */
  const assertTaskVisible = async (caller: Caller, type: string, id: string): Promise<void> => {
    if (type !== 'Task' || caller.operator) return;
    const stored = await opts.store.readResource(type, id);
    const body = stored?.body ?? (stored ? (await opts.store.resourceHistory(type, id, { count: 2 })).find((v) => v.body)?.body : undefined);
    if (!maySeeTask(caller, body ? JSON.parse(body) : null)) throw new FhirError(404, 'not-found', `${type}/${id} is not known`);
  };
  /** AuditEvent exists for the operator only: for a tool it is an unsupported type, like any other. */
  const assertAuditReader = (caller: Caller): void => {
    if (!caller.operator) throw new FhirError(404, 'not-supported', `Resource type 'AuditEvent' is not supported by this server`);
  };

  const GUESSED: Record<string, [string, AuditAction]> = { GET: ['read', 'R'], POST: ['create', 'C'], PUT: ['update', 'U'], PATCH: ['patch', 'U'], DELETE: ['delete', 'D'] };
  // callback-style (not async) hooks: no promise per request
  app.addHook('onRequest', (req, _reply, done) => {
    req.audit = { facts: { entities: [] }, audited: false };
    // requests refused before their route runs (media type, unknown route) are audited too
    const path = req.url.split('?')[0];
    if (/^\/(fhir|ws-synchro-dispo-lits-fhir)(\/|$)/.test(path) && GUESSED[req.method]) {
      [req.audit.facts.interaction, req.audit.facts.action] = GUESSED[req.method];
      const [, , type, id] = path.split('/');
      if (type) req.audit.facts.entities = [{ type, id: id ?? null }];
    }
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const f = req.audit?.facts;
    try {
      if (f?.interaction && !req.audit.audited && auditReads) {
        // the facts are this request's own: completed in place rather than copied
        const facts = f as AuditFacts;
        facts.entities ??= [];
        facts.status = reply.statusCode;
        facts.at = Date.now();
        auditLog.record(auditRecord(facts));
      }
    } catch (e) {
      return done(e as Error);
    }
    done();
  });
  app.addHook('onClose', async () => {
    await writeThread?.close();
    await auditLog.close();
  });

  app.setErrorHandler((error: unknown, _req, reply) => {
    if (error instanceof FhirError) return sendOutcome(reply, error.status, error.toOutcome(), error.headers);
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendOutcome(reply, 413, outcome('error', 'too-long', 'The request body is too large'));
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendOutcome(reply, 415, outcome('error', 'not-supported', 'Unsupported media type: use application/fhir+json'));
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return sendOutcome(reply, 400, outcome('error', 'structure', 'The request body is not valid JSON'));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendOutcome(reply, e.statusCode, outcome('error', 'invalid', 'The request is malformed'));
    app.log.error(error);
    return sendOutcome(reply, 500, outcome('fatal', 'exception', 'Internal server error'));
  });
  app.setNotFoundHandler((req, reply) => sendOutcome(reply, 404, outcome('error', 'not-found', `No route for ${req.method} ${req.url.split('?')[0]}`)));

  // OAuth 2 client credentials (RFC 6749 §4.4): form body, or HTTP Basic for the client.
  app.post('/auth/token', async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string>;
    let clientId = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    if (basic) [clientId, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    const oauthError = (status: number, error: string, description: string) =>
      reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
    if (form.grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    if (!clientId || !secret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
    const client = await opts.store.getClient(clientId);
    if (!client || !(await verifySecret(secret, client.secretHash))) return oauthError(401, 'invalid_client', 'Unknown client or wrong secret');
    return reply.header('cache-control', 'no-store').send(await opts.tokens.issue(client.id));
  });

  app.get('/fhir/metadata', async (req, reply) =>
    sendOutcome(reply, 200, capabilityStatement({ base: base(req), version: opts.version ?? '0.0.0', extraInteractions: WRITE_INTERACTIONS })),
  );

  app.get('/fhir/AuditEvent', async (req, reply) => {
    facts(req, 'search-type', 'E', 'AuditEvent', null, req.url.split('?')[1] ?? '');
    assertAuditReader(await authenticate(req));
    return send(reply, await searchAuditEvents(opts.store, queryPairs(req.url), base(req)));
  });
  app.get('/fhir/AuditEvent/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    facts(req, 'read', 'E', 'AuditEvent', id);
    assertAuditReader(await authenticate(req));
    return send(reply, await readAuditEvent(opts.store, id));
  });

  app.get('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    facts(req, 'read', 'R', type, id);
    const caller = await authenticate(req);
    if (id === '_history') throw new FhirError(400, 'not-supported', 'Type-level history is not supported');
    await assertTaskVisible(caller, type, id);
    return send(reply, await withResourceVersion(caller, type, id, await read(opts.store, caller, type, id)));
  });
  app.get('/fhir/:type/:id/_history', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    facts(req, 'history-instance', 'R', type, id);
    const caller = await authenticate(req);
    await assertTaskVisible(caller, type, id);
    return send(reply, await history(opts.store, caller, type, id, queryPairs(req.url), base(req)));
  });
  app.get('/fhir/:type/:id/_history/:vid', async (req, reply) => {
    const { type, id, vid } = req.params as { type: string; id: string; vid: string };
    facts(req, 'vread', 'R', type, id);
    const caller = await authenticate(req);
    await assertTaskVisible(caller, type, id);
    return send(reply, await vread(opts.store, caller, type, id, vid));
  });
  app.get('/fhir/:type', async (req, reply) => {
    const { type } = req.params as { type: string };
    facts(req, 'search-type', 'R', type, null, req.url.split('?')[1] ?? '');
    const caller = await authenticate(req);
    const params = guardSearchParams(caller, type, queryPairs(req.url));
    return send(reply, await search(opts.store, caller, { type, params, lenient: lenient(req), base: base(req) }));
  });
  app.post('/fhir/:type/_search', async (req, reply) => {
    facts(req, 'search-type', 'R', (req.params as { type: string }).type, null, req.url.split('?')[1] ?? '');
    const caller = await authenticate(req);
    const ct = String(req.headers['content-type'] ?? '');
    if (ct && !ct.startsWith('application/x-www-form-urlencoded')) {
      throw new FhirError(415, 'not-supported', '_search by POST takes an application/x-www-form-urlencoded body');
    }
    const { type } = req.params as { type: string };
    const form = (req.body ?? {}) as Record<string, string | string[]>;
    const params: [string, string][] = [...queryPairs(req.url)];
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) params.push([k, x]);
    req.audit.facts.query = new URLSearchParams(params).toString();
    return send(reply, await search(opts.store, caller, { type, params: guardSearchParams(caller, type, params), lenient: lenient(req), base: base(req) }));
  });

  // ---- writes (src/fhir/write): every change is versioned, guarded and audited in its transaction ----
  app.post('/fhir', async (req, reply) => {
    facts(req, 'transaction', 'E');
    const caller = await authenticate(req);
    const kind = (req.body as { type?: string } | undefined)?.type;
    if (kind === 'batch') req.audit.facts.interaction = 'batch';
    return send(reply, await write(req, caller, 'bundle', [req.body]));
  });
  app.post('/fhir/:type', async (req, reply) => {
    const { type } = req.params as { type: string };
    facts(req, 'create', 'C', type);
    const caller = await authenticate(req);
    return send(reply, await writeOne(req, caller, 'create', [type, req.body, header(req, 'if-none-exist')]));
  });
  app.put('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    facts(req, 'update', 'U', type, id);
    const caller = await authenticate(req);
    return send(reply, await writeOne(req, caller, 'update', [type, id, req.body, header(req, 'if-match')]));
  });
  app.put('/fhir/:type', async (req, reply) => {
    const { type } = req.params as { type: string };
    facts(req, 'update', 'U', type, null, req.url.split('?')[1] ?? '');
    const caller = await authenticate(req);
    return send(reply, await writeOne(req, caller, 'conditionalUpdate', [type, queryPairs(req.url), req.body, header(req, 'if-match')]));
  });
  app.patch('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    facts(req, 'patch', 'U', type, id);
    const caller = await authenticate(req);
    return send(reply, await writeOne(req, caller, 'patch', [type, id, req.body, header(req, 'content-type'), header(req, 'if-match')]));
  });
  const typePatch = async (req: FastifyRequest, reply: FastifyReply, type: string) => {
    facts(req, 'patch', 'U', type, null, req.url.split('?')[1] ?? '');
    const caller = await authenticate(req);
    return send(reply, await writeOne(req, caller, 'conditionalPatch', [type, queryPairs(req.url), req.body, header(req, 'content-type'), header(req, 'if-match')]));
  };
  app.patch('/fhir/:type', async (req, reply) => typePatch(req, reply, (req.params as { type: string }).type));
  // the national bed-management path (IG digest §4)
  app.patch('/ws-synchro-dispo-lits-fhir/Location', async (req, reply) => typePatch(req, reply, 'Location'));
  app.delete('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params as { type: string; id: string };
    facts(req, 'delete', 'D', type, id);
    const caller = await authenticate(req);
    return send(reply, await write(req, caller, 'delete', [type, id, header(req, 'if-match')]));
  });

  registerPolicyRoutes(app, opts.store, authenticate);
  registerExportRoutes(app, opts.store, authenticate, base);

  app.addHook('onRequest', (req, _reply, done) => {
    const ct = req.headers['content-type'];
    if (ct && req.method !== 'GET' && !FHIR_TYPES.test(ct) && !ct.startsWith('application/json-patch+json')) {
      return done(new FhirError(415, 'not-supported', `Unsupported media type '${ct}': use application/fhir+json`));
    }
    done();
  });
  return app;
}
