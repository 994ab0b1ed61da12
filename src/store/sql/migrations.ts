// Versioned schema of the store, shared by every dialect. Future changes APPEND a migration; an applied
// migration is never edited. `schema_migrations` records the applied versions.
//
// Tables (rid = internal integer id of a resource; all instants epoch ms):
//   res(rid, type, id, version, last_updated, deleted)    current state of each resource, UNIQUE(type, id)
//   resource_history(rid, version, last_updated, bid)      every version (current included); bid null = deleted
//   bodies(bid, digest, body)                              JSON bodies (resources and views); identical ones within
//                                                          one change are stored once. digest: sha-256 of the
//                                                          bytes (PostgreSQL; SQLite bodies written before
//                                                          sequential ids), or 0x00 + bid (SQLite since:
//                                                          sql/writer.ts, sequentialBodyIds)
//   views(rid, profile, version, last_updated, hash, bid)  current view per profile; bid null = the resource
//                                                          does not exist for the profile
//   view_history(rid, profile, version, ...)               every version of every profile's view
//   search_params(pid, type, param, kind)                  interned (resource type, search parameter): index rows
//                                                          carry pid, so a composite index (pid, value...) is
//                                                          selective per resource type
//   idx_<kind>(rid, pid, ..., mask)                        search index; mask = 6-bit set of profiles that may
//                                                          see the row; rows replaced wholesale per resource
//   clients(id, ...)                                       registered tools; write/egs as JSON text
//   audit_events(seq, recorded, client, action, ...)       (v2) append-only audit events, body = JSON text
//   audit_entities(seq, entity_type, entity_id)            (v2) the resources each audit event is about
//   audit_entity_spans(entity_type, entity_id, first_seq, last_seq)  (v4) events between first_seq and
//                                                          last_seq may mention the entity (one per batch)
//   audit_events.entity_type, entity_id                    (v5) the first resource an event is about (most
//                                                          events have one); audit_entities holds the others
//   resource_history.cut_start, cut_length                 (v3) when set, the version's body is body `bid` (one of
//                                                          its views) without those characters (the view's meta):
//                                                          a resource equal to one of its views is stored once
//   directory_changes(n)                                   (v6, SQLite only) changes of res and views rows, counted
//                                                          by triggers: what the caches across transactions check
//   audit_chunks(first_seq, last_seq, recorded_min, ...)   (v7) consecutive audit events stored as one compressed
//                                                          row (sql/audit-chunk.ts), with the distinct (action,
//                                                          interaction, outcome) of its events (kinds), the
//                                                          types of the resources they are about and a filter
//                                                          of those resources
//   audit_chunk_clients(client, first_seq)                 (v7) the clients of each chunk's events
//   audit_chunk_entities(entity_type, entity_id, epoch)    (v7) the resources the chunks of an epoch mention
//   bodies.parts                                           (v8) when set, the body is this list of pieces (JSON:
//                                                          literal texts and body_parts ids; body is then ''):
//                                                          sql/body-parts.ts
//   body_parts(part, text)                                 (v8) pieces shared by the bodies of successive versions
import type { Dialect } from './dialect.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export function migrations(d: Dialect): Migration[] {
  const { autoId, int, real, text, blob, withoutRowid } = d.types;
  return [
    {
      version: 1,
      name: 'initial schema',
      statements: [
        `CREATE TABLE res (rid ${autoId}, type ${text} NOT NULL, id ${text} NOT NULL, version ${int} NOT NULL,
           last_updated ${int} NOT NULL, deleted ${int} NOT NULL, UNIQUE (type, id))`,
        `CREATE TABLE resource_history (rid ${int} NOT NULL, version ${int} NOT NULL, last_updated ${int} NOT NULL,
           bid ${int}, PRIMARY KEY (rid, version))${withoutRowid}`,
        `CREATE TABLE bodies (bid ${autoId}, digest ${blob} NOT NULL UNIQUE, body ${text} NOT NULL)`,
        `CREATE TABLE views (rid ${int} NOT NULL, profile ${int} NOT NULL, version ${int} NOT NULL,
           last_updated ${int} NOT NULL, hash ${text} NOT NULL, bid ${int}, PRIMARY KEY (rid, profile))${withoutRowid}`,
        `CREATE TABLE view_history (rid ${int} NOT NULL, profile ${int} NOT NULL, version ${int} NOT NULL,
           last_updated ${int} NOT NULL, hash ${text} NOT NULL, bid ${int}, PRIMARY KEY (rid, profile, version))${withoutRowid}`,
        `CREATE TABLE search_params (pid ${autoId}, type ${text} NOT NULL, param ${text} NOT NULL,
           kind ${text} NOT NULL, UNIQUE (type, param))`,

        `CREATE TABLE idx_token (rid ${int} NOT NULL, pid ${int} NOT NULL, system ${text}, code ${text}, text ${text}, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_token_value ON idx_token (pid, code, system, mask, rid)`,
        `CREATE INDEX idx_token_rid ON idx_token (rid, pid)`,

        `CREATE TABLE idx_string (rid ${int} NOT NULL, pid ${int} NOT NULL, value ${text} NOT NULL, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_string_value ON idx_string (pid, value, mask, rid)`,
        `CREATE INDEX idx_string_rid ON idx_string (rid, pid)`,

        `CREATE TABLE idx_uri (rid ${int} NOT NULL, pid ${int} NOT NULL, value ${text} NOT NULL, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_uri_value ON idx_uri (pid, value, mask, rid)`,
        `CREATE INDEX idx_uri_rid ON idx_uri (rid, pid)`,

        `CREATE TABLE idx_number (rid ${int} NOT NULL, pid ${int} NOT NULL, value ${real} NOT NULL, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_number_value ON idx_number (pid, value, mask, rid)`,
        `CREATE INDEX idx_number_rid ON idx_number (rid, pid)`,

        `CREATE TABLE idx_date (rid ${int} NOT NULL, pid ${int} NOT NULL, low ${int} NOT NULL, high ${int} NOT NULL, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_date_value ON idx_date (pid, low, high, mask, rid)`,
        `CREATE INDEX idx_date_rid ON idx_date (rid, pid)`,

        `CREATE TABLE idx_quantity (rid ${int} NOT NULL, pid ${int} NOT NULL, value ${real} NOT NULL, system ${text}, code ${text}, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_quantity_value ON idx_quantity (pid, value, mask, rid)`,
        `CREATE INDEX idx_quantity_rid ON idx_quantity (rid, pid)`,

        `CREATE TABLE idx_reference (rid ${int} NOT NULL, pid ${int} NOT NULL, target_type ${text}, target_id ${text}, url ${text}, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, pid, mask, rid)`,
        `CREATE INDEX idx_reference_rid ON idx_reference (rid, pid)`,

        `CREATE TABLE idx_geo (rid ${int} NOT NULL, pid ${int} NOT NULL, lat ${real} NOT NULL, lng ${real} NOT NULL, mask ${int} NOT NULL)`,
        `CREATE INDEX idx_geo_value ON idx_geo (pid, lat, lng, mask, rid)`,
        `CREATE INDEX idx_geo_rid ON idx_geo (rid, pid)`,

        `CREATE TABLE clients (id ${text} PRIMARY KEY, secret_hash ${text} NOT NULL, cu ${text} NOT NULL,
           write ${text} NOT NULL, egs ${text} NOT NULL, operator ${int} NOT NULL, created_at ${int} NOT NULL)`,
      ],
    },
    {
      version: 2,
      name: 'audit events',
      statements: [
        `CREATE TABLE audit_events (seq ${autoId}, recorded ${int} NOT NULL, client ${text}, action ${text} NOT NULL,
           interaction ${text} NOT NULL, outcome ${int} NOT NULL, body ${text} NOT NULL)`,
        `CREATE INDEX audit_events_recorded ON audit_events (recorded)`,
        `CREATE INDEX audit_events_client ON audit_events (client, seq)`,
        `CREATE TABLE audit_entities (seq ${int} NOT NULL, entity_type ${text} NOT NULL, entity_id ${text})`,
        `CREATE INDEX audit_entities_entity ON audit_entities (entity_type, entity_id, seq)`,
      ],
    },
    {
      version: 3,
      name: 'resource bodies inside view bodies',
      statements: [
        `ALTER TABLE resource_history ADD COLUMN cut_start ${int}`,
        `ALTER TABLE resource_history ADD COLUMN cut_length ${int}`,
      ],
    },
    {
      // An index on every event's entities costs a random B-tree insert per event (and a rewritten page
      // per event at commit): for the audit of reads, most of the audit's cost. A span says "this entity
      // is mentioned by events between these sequence numbers", one per entity per appended batch; the
      // entities themselves are found by their event.
      version: 4,
      name: 'audit entity spans',
      statements: [
        `CREATE TABLE audit_entity_spans (entity_type ${text} NOT NULL, entity_id ${text} NOT NULL, first_seq ${int} NOT NULL, last_seq ${int} NOT NULL)`,
        `INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq)
           SELECT entity_type, entity_id, seq, seq FROM audit_entities WHERE entity_id IS NOT NULL`,
        `CREATE INDEX audit_entity_spans_entity ON audit_entity_spans (entity_type, entity_id, last_seq)`,
        `CREATE INDEX audit_entities_seq ON audit_entities (seq)`,
        `DROP INDEX audit_entities_entity`,
      ],
    },
    {
      // Nearly every audited request is about one resource (a read, a write): keeping it on the event's own
      // row saves an entity row and its index entry per event, a third of the rows the audit of reads
      // writes. Events appended before keep all their entities in audit_entities.
      version: 5,
      name: 'first audit entity on the event',
      statements: [
        `ALTER TABLE audit_events ADD COLUMN entity_type ${text}`,
        `ALTER TABLE audit_events ADD COLUMN entity_id ${text}`,
      ],
    },
    {
      // The SQLite adapter's caches across transactions (what the write transactions read, the current
      // views of reads by id, national identifiers) were forgotten at every commit of another connection:
      // also at each batch of the audit of reads, once a second, which changes nothing they remember. Every
      // change of a resource or of a view counts here, whoever writes it (a process of an older release
      // too: triggers); the audit trail does not. The PostgreSQL adapter caches nothing across transactions.
      version: 6,
      name: 'directory change counter',
      statements: d.name === 'sqlite'
        ? [
          `CREATE TABLE directory_changes (id ${int} PRIMARY KEY CHECK (id = 1), n ${int} NOT NULL)`,
          'INSERT INTO directory_changes (id, n) VALUES (1, 0)',
          ...['res', 'views'].flatMap((table) => ['INSERT', 'UPDATE', 'DELETE'].map((event) =>
            `CREATE TRIGGER directory_changes_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
               BEGIN UPDATE directory_changes SET n = n + 1 WHERE id = 1; END`)),
        ]
        : [],
    },
    {
      // The batched audit of reads as chunks of events, one row each (sql/audit-chunk.ts): a row per event
      // was most of what the audit of reads cost the writer. Events of one sequence with audit_events: a
      // search reads both. Indexed by sequence (the key), by client (one row per client per chunk) and by
      // entity: one row per entity per epoch of 2^20 events (audit_chunk_entities), then the chunk's filter
      // of its entities (entity_filter). A search by action, interaction, outcome (the failures of a day)
      // or entity type skips the chunks whose kinds or entity types rule it out.
      version: 7,
      name: 'audit chunks',
      statements: [
        `CREATE TABLE audit_chunks (first_seq ${int} PRIMARY KEY, last_seq ${int} NOT NULL, recorded_min ${int} NOT NULL,
           recorded_max ${int} NOT NULL, kinds ${text} NOT NULL, entity_types ${text} NOT NULL, entity_filter ${blob} NOT NULL,
           events ${blob} NOT NULL)`,
        `CREATE TABLE audit_chunk_clients (client ${text} NOT NULL, first_seq ${int} NOT NULL, PRIMARY KEY (client, first_seq))${withoutRowid}`,
        `CREATE TABLE audit_chunk_entities (entity_type ${text} NOT NULL, entity_id ${text} NOT NULL, epoch ${int} NOT NULL,
           PRIMARY KEY (entity_type, entity_id, epoch))${withoutRowid}`,
      ],
    },
    {
      // Bodies as lists of shared pieces (sql/body-parts.ts): each version of a patched Location's views
      // stored its whole text (~12 KB) for one changed indicator. Written by the embedded store's writes
      // of the REST API; bodies written before, imports and PostgreSQL keep whole texts.
      version: 8,
      name: 'body parts',
      statements: [
        `ALTER TABLE bodies ADD COLUMN parts ${text}`,
        `CREATE TABLE body_parts (part ${autoId}, text ${text} NOT NULL)`,
      ],
    },
  ];
}

export const SCHEMA_MIGRATIONS_DDL = (d: Dialect): string =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version ${d.types.int} PRIMARY KEY, name ${d.types.text} NOT NULL, applied_at ${d.types.int} NOT NULL)`;
