// Issue 22, item 2: every disagreement the generated-file differential (stacks-config-parity.test.ts) found between
// `flotilla stack config` and `docker stack config` is a fixture under test/fixtures/stacks/parity, each with a
// `# docker rule:` comment naming the docker/cli or compose-go code it follows. A fixture either has NAME.out.yml,
// the exact text docker prints, or `# refuse: <field path>` and `# docker says: <text>` headers. Both sides are
// checked: Flotilla's core (what the CLI command prints) and the real docker CLI 28 binary (it needs no engine).
// FLOTILLA_PARITY_WRITE=1 writes the .out.yml files from docker's output (then read and review them).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderConfig } from '../../src-main/core/stacks/index';
import { loadStack } from '../../src-main/core/stacks/loader';

const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => fs.existsSync(p));
const DIR = path.resolve(__dirname, '../fixtures/stacks/parity');
const fixtures = fs.readdirSync(DIR).filter((f) => f.endsWith('.yml') && !f.endsWith('.out.yml')).sort();
// a fixed HOME: `~/x` in a volume expands from it on both sides
const HOME = '/root';
const dockerConfigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-parity-fx-'));
afterAll(() => fs.rmSync(dockerConfigDir, { recursive: true, force: true }));

function docker(file: string): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(DOCKER!, ['stack', 'config', '-c', file], { cwd: DIR, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME, DOCKER_CONFIG: dockerConfigDir, TZ: 'UTC' }, encoding: 'utf8', timeout: 30_000 }, (e, out, err) => resolve({ ok: !e, out, err: err.trim() }));
  });
}

function flotilla(file: string): { ok: boolean; out: string; path: string; err: string } {
  const r = loadStack({ files: [{ file, content: fs.readFileSync(file, 'utf8') }], env: { HOME }, home: HOME, workingDir: DIR, forConfig: true });
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err || !r.config) return { ok: false, out: '', path: err?.path ?? '', err: err?.message ?? 'no config' };
  return { ok: true, out: renderConfig(r.config), path: '', err: '' };
}

const header = (text: string, key: string): string | undefined => new RegExp(`^# ${key}: (.*)$`, 'm').exec(text)?.[1];

describe('stack config fixtures from the differential: Flotilla and docker stack config agree', () => {
  it('there is at least one fixture per rule the differential found (20)', () => expect(fixtures.length).toBeGreaterThanOrEqual(20));

  it.each(fixtures)('%s', async (name) => {
    expect(DOCKER, 'the docker CLI is needed (CLI 28 at /usr/local/bin/docker is the reference)').toBeDefined();
    const file = path.join(DIR, name);
    const text = fs.readFileSync(file, 'utf8');
    expect(header(text, 'docker rule'), 'each fixture names the docker rule it follows').toBeTruthy();
    const refuse = header(text, 'refuse');
    const d = await docker(file);
    const f = flotilla(file);
    if (refuse !== undefined) {
      const says = header(text, 'docker says');
      expect(says, `${name}: a refusal fixture gives "# docker says:"`).toBeTruthy();
      expect(d.ok, `docker accepted ${name}:\n${d.out}`).toBe(false);
      expect(d.err).toContain(says);
      expect(f.ok, `flotilla accepted ${name}:\n${f.out}`).toBe(false);
      expect(f.path, f.err).toBe(refuse);
      return;
    }
    const outFile = file.replace(/\.yml$/, '.out.yml');
    if (process.env.FLOTILLA_PARITY_WRITE && d.ok) fs.writeFileSync(outFile, d.out);
    const expected = fs.readFileSync(outFile, 'utf8');
    expect(d.ok, d.err).toBe(true);
    expect(d.out, 'docker stack config prints the stored expected text').toBe(expected);
    expect(f.ok, `flotilla refused ${name}: ${f.path}: ${f.err}`).toBe(true);
    expect(f.out).toBe(expected);
  });
});
