// The HTTP server: Fastify adapted to the transport-free FHIR handlers. Every failure becomes an
// OperationOutcome with the right status; nothing leaks a stack trace.

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
import { registerPolicyRoutes } from './routes-policy.js';

export interface AppOptions {
  store: Store;
  tokens: TokenService;
  /** Public base URL of the FHIR endpoint; defaults to the request's host. */
  publicBase?: string;
  bodyLimit?: number;
  logger?: boolean;
  version?: string;
}

const FHIR_TYPES = /^(application\/(fhir\+)?json|application\/x-www-form-urlencoded)/;

function send(reply: FastifyReply, res: FhirResponse): FastifyReply {
  return reply.code(res.status).headers(res.headers).send(res.body);
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
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024,
    return503OnClosing: true,
  });
  await app.register(formbody);
  app.addContentTypeParser(['application/fhir+json', 'application/json-patch+json'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new FhirError(400, 'structure', 'The request body is not valid JSON'), undefined);
    }
  });

  const callers = new CallerResolver(opts.store);
  const base = (req: FastifyRequest) => opts.publicBase ?? `${req.protocol}://${req.headers.host ?? '127.0.0.1'}/fhir`;
  const lenient = (req: FastifyRequest) => /handling\s*=\s*lenient/i.test(String(req.headers.prefer ?? ''));
  const authenticate = async (req: FastifyRequest): Promise<Caller> => {
    const claims = await opts.tokens.verify(req.headers.authorization);
    return callers.resolve(claims, req.headers);
  };

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
    if (!client || !verifySecret(secret, client.secretHash)) return oauthError(401, 'invalid_client', 'Unknown client or wrong secret');
    return reply.header('cache-control', 'no-store').send(await opts.tokens.issue(client.id));
  });

  app.get('/fhir/metadata', async (req, reply) =>
    sendOutcome(reply, 200, capabilityStatement({ base: base(req), version: opts.version ?? '0.0.0' })),
  );

  app.get('/fhir/:type/:id', async (req, reply) => {
    const caller = await authenticate(req);
    const { type, id } = req.params as { type: string; id: string };
    if (id === '_history') throw new FhirError(400, 'not-supported', 'Type-level history is not supported');
    return send(reply, await read(opts.store, caller, type, id));
  });
  app.get('/fhir/:type/:id/_history', async (req, reply) => {
    const caller = await authenticate(req);
    const { type, id } = req.params as { type: string; id: string };
    return send(reply, await history(opts.store, caller, type, id, queryPairs(req.url), base(req)));
  });
  app.get('/fhir/:type/:id/_history/:vid', async (req, reply) => {
    const caller = await authenticate(req);
    const { type, id, vid } = req.params as { type: string; id: string; vid: string };
    return send(reply, await vread(opts.store, caller, type, id, vid));
  });
  app.get('/fhir/:type', async (req, reply) => {
    const caller = await authenticate(req);
    const { type } = req.params as { type: string };
    return send(reply, await search(opts.store, caller, { type, params: queryPairs(req.url), lenient: lenient(req), base: base(req) }));
  });
  app.post('/fhir/:type/_search', async (req, reply) => {
    const caller = await authenticate(req);
    const ct = String(req.headers['content-type'] ?? '');
    if (ct && !ct.startsWith('application/x-www-form-urlencoded')) {
      throw new FhirError(415, 'not-supported', '_search by POST takes an application/x-www-form-urlencoded body');
    }
    const { type } = req.params as { type: string };
    const form = (req.body ?? {}) as Record<string, string | string[]>;
    const params: [string, string][] = [...queryPairs(req.url)];
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) params.push([k, x]);
    return send(reply, await search(opts.store, caller, { type, params, lenient: lenient(req), base: base(req) }));
  });

  registerPolicyRoutes(app, opts.store, authenticate);

  app.addHook('onRequest', async (req) => {
    const ct = req.headers['content-type'];
    if (ct && req.method !== 'GET' && !FHIR_TYPES.test(ct) && !ct.startsWith('application/json-patch+json')) {
      throw new FhirError(415, 'not-supported', `Unsupported media type '${ct}': use application/fhir+json`);
    }
  });
  return app;
}
