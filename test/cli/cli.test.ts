// The `ror` command line, run as a user runs it (a child process on the TypeScript sources).

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'ror-cli-'));
const db = join(dir, 'cli.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ror(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, [join(root, 'src/cli/main.ts'), ...args], { cwd: dir, env: { ...process.env, ROR_DB: db } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e: any) {
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const IG = resolve(root, '../shared/spec/ig');

describe('ror', () => {
  it('--help lists every subcommand, each with its own --help', async () => {
    const r = await ror('--help');
    for (const c of ['serve', 'import', 'client', 'demo', 'policy']) expect(r.stdout).toContain(c);
    for (const c of [['serve'], ['import'], ['client', 'add'], ['demo'], ['policy', 'explain']]) {
      const h = await ror(...c, '--help');
      expect({ c, code: h.code }).toEqual({ c, code: 0 });
      expect(h.stdout).toMatch(/Usage: ror/);
    }
  });

  it('client add / list / remove, with hashed secrets and validated options', async () => {
    expect((await ror('client', 'add', '--id', 'tool-1', '--secret', 's3cret', '--cu', 'CU18')).stdout).toMatch(/tool-1 registered .*profile 2/);
    const bad = await ror('client', 'add', '--id', 'tool-2', '--secret', 'x', '--cu', 'CU99');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/CU99/);
    const list = await ror('client', 'list');
    expect(list.stdout).toMatch(/tool-1\tCU18\tprofile 2/);
    expect(list.stdout).not.toContain('s3cret');
    expect((await ror('client', 'remove', '--id', 'tool-1')).stdout).toMatch(/removed/);
    expect((await ror('client', 'remove', '--id', 'tool-1')).code).not.toBe(0);
  });

  it('serve refuses a write thread nice value out of range, given or from the environment, before it starts', async () => {
    const flag = await ror('serve', '--port', '0', '--write-nice', '25');
    expect([flag.code, flag.stderr]).toEqual([1, expect.stringMatching(/--write-nice must be an integer between -20 and 19/)]);
    const env = await run(tsx, [join(root, 'src/cli/main.ts'), 'serve', '--port', '0'], { cwd: dir, env: { ...process.env, ROR_DB: db, ROR_WRITE_NICE: 'high' } })
      .then(() => ({ code: 0, stderr: '' }), (e: any) => ({ code: e.code, stderr: String(e.stderr) }));
    expect([env.code, env.stderr]).toEqual([1, 'ror: ROR_WRITE_NICE must be an integer between -20 and 19\n']);
  });

  it('imports the IG examples, idempotently', async () => {
    const files = ['HealthcareService-1234564.json', 'Location-ror-location-exemple.json', 'Task-ror-task-exemple.json'].map((f) => join(IG, f));
    const bundle = join(dir, 'examples.json');
    const { readFileSync } = await import('node:fs');
    writeFileSync(bundle, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: files.map((f) => ({ resource: JSON.parse(readFileSync(f, 'utf8')) })) }));
    const first = await ror('import', bundle);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/3 resources .*3 created/);
    const again = await ror('import', '--cache-mib', '16', bundle);
    expect(again.stdout).toMatch(/0 created, 0 updated, 3 unchanged/);
    const bad = await ror('import', '--cache-mib', '0', bundle);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--cache-mib/);
  });

  it('rerender renders what was imported again', async () => {
    const r = await ror('rerender');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ror: \d+ resources rendered again/);
    expect(Number(/(\d+) resources/.exec(r.stdout)![1])).toBeGreaterThanOrEqual(3);
  });

  it('refuses a broken file as a whole, naming the problem, and goes on with the next', async () => {
    const broken = join(dir, 'broken.ndjson');
    writeFileSync(broken, '{"resourceType":"Organization","id":"ok-1","name":"A"}\n{"resourceType":"Organization","id":"bad",\n');
    const good = join(dir, 'good.ndjson');
    writeFileSync(good, '{"resourceType":"Organization","id":"ok-2","name":"B"}\n');
    const r = await ror('import', broken, good);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/broken\.ndjson.*line 2/);
    expect(r.stdout).toMatch(/good\.ndjson: 1 resources/);
    const explain = await ror('policy', 'explain', 'Organization/ok-1');
    expect(explain.code).not.toBe(0); // nothing of the broken file was written
    expect((await ror('policy', 'explain', 'Organization/ok-2')).stdout).toMatch(/Organization\/ok-2/);
  });

  it('policy show renders the catalogue as the Annex 2 tables', async () => {
    const r = await ror('policy', 'show');
    expect(r.stdout).toMatch(/Profil 0/);
    expect(r.stdout).toMatch(/Zone de poser/);
  });
});

describe('the demo that npm start serves', () => {
  it('creates the small demo database, serves it and prints how to get a token', async () => {
    const { spawn } = await import('node:child_process');
    const demoDb = join(dir, 'demo.db');
    const child = spawn(tsx, [join(root, 'src/cli/main.ts'), 'demo', '--serve', '--port', '0', '--db', demoDb], { cwd: dir });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 120_000);
        const poll = setInterval(() => {
          const m = /serving .* on (http:\/\/[^\s]+)\/fhir/.exec(out);
          if (m && out.includes('demo-public')) {
            clearInterval(poll);
            clearTimeout(timer);
            resolveUrl(m[1]);
          }
        }, 100);
      });
      expect(out).toMatch(/resources loaded/);
      const token = await fetch(`${url}/auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-public', client_secret: 'demo-public-secret' }) });
      const { access_token } = (await token.json()) as { access_token: string };
      const r = await fetch(`${url}/fhir/HealthcareService?_count=3`, { headers: { authorization: `Bearer ${access_token}` } });
      const bundle = (await r.json()) as { total: number; entry: unknown[] };
      expect(bundle.total).toBeGreaterThan(100);
      expect(bundle.entry).toHaveLength(3);
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});
