// Small HTTP helpers over fetch: tokens of the demo clients, FHIR GETs, recordings for the baseline.

import type { Recording } from './baseline-server.js';

export async function getToken(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`token for ${clientId}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const token = (JSON.parse(text) as { access_token?: string }).access_token;
  if (!token) throw new Error(`token for ${clientId}: no access_token in ${text.slice(0, 300)}`);
  return token;
}

export interface FhirBundle {
  resourceType: string;
  entry?: { resource?: Record<string, unknown> & { resourceType: string; id?: string }; search?: { mode?: string } }[];
}

/** GET base+path as JSON; throws on a non-2xx answer. */
export async function getJson<T = unknown>(base: string, path: string, token: string): Promise<T> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Fetches path from the real server and keeps the exact answer for the baseline server. */
export async function record(base: string, path: string, authorization: string): Promise<Recording> {
  const res = await fetch(base + path, { headers: { authorization } });
  const body = Buffer.from(await res.arrayBuffer());
  return { authorization, path, status: res.status, contentType: res.headers.get('content-type') ?? 'application/octet-stream', body: body.toString('base64') };
}

/** Fetches path and reads its whole answer, whatever its status (a warm-up). */
export async function fetchAnswer(base: string, path: string, authorization: string): Promise<void> {
  await (await fetch(base + path, { headers: { authorization } })).arrayBuffer();
}
