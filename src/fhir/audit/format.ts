// One line per AuditEvent for `ror audit`: when, who (client, CU, read profile), what, on what, outcome.

import { renderAuditEvent } from './event.js';

type Json = Record<string, any>;

export function auditLine(seq: number, body: string): string {
  const e = JSON.parse(renderAuditEvent(seq, body)) as Json;
  const agent = (e.agent ?? [])[0] ?? {};
  const client = agent.who?.identifier?.value ?? agent.who?.display ?? '-';
  const cu = agent.role?.[0]?.coding?.[0]?.code ?? '-';
  const policies = ((agent.policy ?? []) as string[]).map((p) => p.slice(p.lastIndexOf(':') + 1));
  const user = (e.agent ?? [])[1]?.role?.map((r: Json) => r.coding?.[0]?.code).join('/') ?? '';
  const entities = ((e.entity ?? []) as Json[]).map((x) => x.what?.reference ?? x.what?.type ?? '?').join(',') || '-';
  const interaction = e.subtype?.[0]?.code ?? '-';
  return [seq, e.recorded, client, cu, `profile ${policies.join('/') || '-'}`, user ? `user ${user}` : 'user -', `${interaction} (${e.action})`, entities, e.outcomeDesc ?? e.outcome].join('\t');
}
