import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, createWriteStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { readResources, detectFormat, isDeletion, ImportError, deterministicId, type ImportItem } from './index.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ror-import-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const org = (id?: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Organization', ...(id ? { id } : {}), name: `Org ${id ?? 'x'}`, ...extra });
const write = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };
async function readAll(file: string, batchSize?: number): Promise<{ items: ImportItem[]; batches: number }> {
  const items: ImportItem[] = [];
  let batches = 0;
  for await (const b of readResources(file, { batchSize })) { items.push(...b); batches++; }
  return { items, batches };
}
async function failure(file: string): Promise<ImportError> {
  try { await readAll(file); } catch (e) { expect(e).toBeInstanceOf(ImportError); return e as ImportError; }
  throw new Error(`${file} was read without error`);
}

describe('readResources: formats', () => {
  it('reads a collection Bundle in batches', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ fullUrl: `Organization/o${i}`, resource: org(`o${i}`) }));
    const file = write('c.json', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: entries }, null, 2));
    const { items, batches } = await readAll(file, 2);
    expect(items.map((r) => (r as { id: string }).id)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(batches).toBe(3);
  });

  it('honours PUT, POST and DELETE in a transaction Bundle, type after entries too', async () => {
    const file = write('t.json', JSON.stringify({
      resourceType: 'Bundle',
      entry: [
        { resource: org(undefined, { name: 'put' }), request: { method: 'PUT', url: 'Organization/p1' } },
        { resource: org(undefined, { identifier: [{ system: 'https://finess.esante.gouv.fr', value: '750000001' }] }), request: { method: 'POST', url: 'Organization' } },
        { resource: org('given'), request: { method: 'POST', url: 'Organization' } },
        { request: { method: 'DELETE', url: 'Location/l9' } },
      ],
      type: 'transaction',
    }));
    const { items } = await readAll(file);
    expect((items[0] as { id: string }).id).toBe('p1');
    const posted = items[1] as { id: string; resourceType: string };
    expect(posted.id).toBe(deterministicId(posted));
    expect(posted.id).toMatch(/^[0-9a-f]{32}$/);
    expect((items[2] as { id: string }).id).toBe('given');
    expect(isDeletion(items[3])).toBe(true);
    expect(items[3]).toMatchObject({ delete: { type: 'Location', id: 'l9' } });
  });

  it('gives POST resources without id a deterministic id: by identifier, else by content', async () => {
    const a = org(undefined, { identifier: [{ system: 's', value: '1' }], name: 'A' });
    const b = org(undefined, { identifier: [{ system: 's', value: '1' }], name: 'B' });
    expect(deterministicId(a)).toBe(deterministicId(b));
    expect(deterministicId(org(undefined, { name: 'A', active: true }))).toBe(deterministicId({ active: true, name: 'A', resourceType: 'Organization' }));
    expect(deterministicId(org(undefined, { name: 'A' }))).not.toBe(deterministicId(org(undefined, { name: 'B' })));
  });

  it('reads a batch Bundle with absolute request urls', async () => {
    const file = write('b.json', JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [
      { resource: { resourceType: 'Location', name: 'L' }, request: { method: 'PUT', url: 'https://ror.example/fhir/Location/l1' } },
    ] }));
    const { items } = await readAll(file);
    expect(items).toEqual([{ resourceType: 'Location', id: 'l1', name: 'L' }]);
  });

  it('reads NDJSON, ignoring blank lines and CRLF, and reports line positions', async () => {
    const file = write('r.ndjson', `${JSON.stringify(org('a'))}\r\n\n   \n${JSON.stringify(org('b'))}\n`);
    const reader = readResources(file);
    const items: ImportItem[] = [];
    for await (const b of reader) items.push(...b);
    expect(items.map((r) => (r as { id: string }).id)).toEqual(['a', 'b']);
    expect(reader.positionOf(items[1])).toBe(`${file} line 4`);
    expect(reader.bytesRead).toBe(statSync(file).size);
    expect(reader.itemsRead).toBe(2);
  });

  it('reads gzip NDJSON and gzip Bundles, counting compressed bytes', async () => {
    const nd = write('r.ndjson.gz', gzipSync([org('a'), org('b')].map((r) => JSON.stringify(r)).join('\n')));
    const bundle = write('c.json.gz', gzipSync(JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: org('z') }] })));
    expect((await readAll(nd)).items).toHaveLength(2);
    const reader = readResources(bundle);
    const items: ImportItem[] = [];
    for await (const b of reader) items.push(...b);
    expect(items).toEqual([org('z')]);
    expect(reader.bytesRead).toBe(statSync(bundle).size);
  });

  it('handles multi-byte characters split across chunks and a BOM', async () => {
    const name = 'é'.repeat(800_000); // > 1 MB of UTF-8: crosses the 1 MiB read chunk
    const file = write('u.json', `\uFEFF${JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: org('u', { name }) }] })}`);
    const { items } = await readAll(file);
    expect((items[0] as unknown as { name: string }).name).toBe(name);
  });

  it('detects formats by name, then by content', async () => {
    expect(await detectFormat(write('x.ndjson', '{}'))).toEqual({ format: 'ndjson', gzip: false });
    expect(await detectFormat(write('x.json.gz', gzipSync('{}')))).toEqual({ format: 'bundle', gzip: true });
    expect(await detectFormat(write('noext1', `${JSON.stringify(org('a'))}\n${JSON.stringify(org('b'))}`))).toEqual({ format: 'ndjson', gzip: false });
    expect(await detectFormat(write('noext2', JSON.stringify({ resourceType: 'Bundle', type: 'collection' }, null, 1)))).toEqual({ format: 'bundle', gzip: false });
    expect(await detectFormat(write('noext3', gzipSync(JSON.stringify(org('a')))))).toEqual({ format: 'ndjson', gzip: true });
  });
});

describe('readResources: malformed input', () => {
  const cases: [string, string, string][] = [
    ['bad.ndjson', `${JSON.stringify(org('a'))}\n{"resourceType": "Organization",`, 'bad.ndjson line 2: not JSON'],
    ['arr.ndjson', '[1,2]', 'arr.ndjson line 1: not a FHIR resource (not a JSON object)'],
    ['nort.ndjson', '{"id":"a"}', 'nort.ndjson line 1: not a FHIR resource (no resourceType)'],
    ['pat.ndjson', '\n{"resourceType":"Patient","id":"p"}', 'pat.ndjson line 2: resourceType "Patient" is not a directory resource type'],
    ['badid.ndjson', '{"resourceType":"Location","id":"a b"}', 'badid.ndjson line 1: invalid id "a b"'],
    ['trunc.json', '{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Organization"', 'trunc.json entry 0: not JSON'],
    ['syntax.json', `{"resourceType":"Bundle","type":"collection","entry":[{"resource":${JSON.stringify(org('a', { name: 'n'.repeat(3000) }))}},{"resource":{"resourceType":"Organization","name":"${'m'.repeat(600)}",}}]}`, 'syntax.json entry 1: not JSON'],
    ['notobj.json', '[1]', 'notobj.json: not a FHIR Bundle (the file is not a JSON object)'],
    ['single.json', JSON.stringify(org('a')), 'single.json: not a FHIR Bundle (resourceType "Organization": a single resource'],
    ['hist.json', '{"resourceType":"Bundle","type":"history","entry":[]}', 'hist.json: Bundle.type "history" is not supported'],
    ['notype.json', '{"resourceType":"Bundle","entry":[]}', 'notype.json: Bundle.type is missing'],
    ['nores.json', '{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Location"}},{"fullUrl":"x"}]}', 'nores.json entry 1: entry has no resource'],
    ['entrystr.json', '{"resourceType":"Bundle","type":"collection","entry":["x"]}', 'entrystr.json entry 0: not a Bundle entry (not an object)'],
    ['wrongtype.json', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation' } }] }), 'wrongtype.json entry 0: resourceType "Observation" is not a directory resource type'],
    ['putid.json', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: org('a'), request: { method: 'PUT', url: 'Organization/b' } }] }), 'putid.json entry 0: resource id "a" differs from the PUT url id "b"'],
    ['puttype.json', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: org('a'), request: { method: 'PUT', url: 'Location/a' } }] }), 'puttype.json entry 0: resourceType Organization does not match the request url type Location'],
    ['cond.json', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: 'Organization?identifier=x' } }] }), 'cond.json entry 0: DELETE url "Organization?identifier=x" is not Type/id'],
    ['get.json', JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Organization/a' } }] }), 'get.json entry 0: request method "GET" is not supported'],
    ['noreq.json', JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ resource: org('a'), request: { url: 'Organization' } }] }), 'noreq.json entry 0: entry.request needs a method and a url'],
    ['empty.json', '', 'empty.json: not a FHIR Bundle (the file is empty)'],
  ];
  for (const [name, content, message] of cases) {
    it(`${name} → ${message}`, async () => {
      const file = write(name, content);
      const e = await failure(file);
      expect(e.message).toContain(join(dir, message.slice(0, message.indexOf(name) + name.length)) + message.slice(message.indexOf(name) + name.length));
      expect(e.status).toBe(400);
      expect(e.toOutcome().issue[0].diagnostics).toBe(e.message);
    });
  }

  it('a corrupt gzip file', async () => {
    const gz = gzipSync(JSON.stringify(org('a')) + '\n');
    const e = await failure(write('corrupt.ndjson.gz', Buffer.concat([gz.subarray(0, 12), Buffer.alloc(40, 7)])));
    expect(e.message).toContain('not a valid gzip file');
  });

  it('a missing file', () => {
    expect(() => readResources(join(dir, 'nope.ndjson'))).toThrow(/nope\.ndjson: cannot read the file \(ENOENT\)/);
  });
});

describe('readResources: streaming memory', () => {
  it('reads a ~100 MB NDJSON with RSS growth well below the file size', async () => {
    const file = join(dir, 'big.ndjson');
    const out = createWriteStream(file);
    const filler = 'x'.repeat(900);
    const lines: string[] = [];
    for (let i = 0; i < 110_000; i++) {
      lines.push(JSON.stringify({ resourceType: 'Location', id: `l${i}`, name: `${filler}${i}` }));
      if (lines.length === 5000) { if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain'); lines.length = 0; }
    }
    out.end(lines.join('\n'));
    await once(out, 'finish');
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(95_000_000);

    const before = process.memoryUsage().rss;
    let peak = before;
    let count = 0;
    for await (const batch of readResources(file)) {
      count += batch.length;
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }
    expect(count).toBe(110_000);
    // Holding the file would cost more than its size (JS strings and objects); a streaming reader keeps a
    // bounded window. Half the size leaves room for a busy machine's lazy garbage collection.
    expect(peak - before).toBeLessThan(size / 2);
  });
});
