import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlotillaError } from '../../api/errors';
import { hashVariables, lineDiff, listHistory, readHistory, recordDeploy } from './history';
import { valuesForRollback } from './index';
import { loadStack } from './loader';

const tmpHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-hist-'));
const filesUnder = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((p) => fs.statSync(p).isFile());

describe('deploy history', () => {
  it('keeps the files as written and the variable names with hashes, never values or secret contents, numbered per stack', async () => {
    const home = tmpHome();
    const secret = path.join(home, 'pw.txt');
    fs.writeFileSync(secret, 'TOP-SECRET');
    const content = `services:\n  web:\n    image: "x:\${TAG}"\n    environment: ['PW=\${DB_PASSWORD}']\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ${secret}\n`;
    const loaded = loadStack({ files: [{ file: path.join(home, 'stack.yml'), content }], env: { TAG: '1', DB_PASSWORD: 'hunter2-value', OTHER: 'no' } });
    expect(loaded.variables).toEqual({ TAG: '1', DB_PASSWORD: 'hunter2-value' });
    const base = { stack: 'web', engine: 'cluster1', sources: [path.join(home, 'stack.yml')], contents: [{ file: path.join(home, 'stack.yml'), content }], workingDir: home, variables: loaded.variables, options: {}, config: loaded.config! };
    const e1 = await recordDeploy(home, base);
    const e2 = await recordDeploy(home, { ...base, variables: { TAG: '2', DB_PASSWORD: 'hunter2-value' } });
    expect([e1.n, e2.n]).toEqual([1, 2]);
    const entries = listHistory(home, 'cluster1', 'web');
    expect(entries.map((e) => e.variables)).toEqual([
      ['DB_PASSWORD', 'TAG'],
      ['DB_PASSWORD', 'TAG'],
    ]);
    // equal values hash equal, a changed one differently
    expect(entries[0].variableHashes.DB_PASSWORD).toBe(entries[1].variableHashes.DB_PASSWORD);
    expect(entries[0].variableHashes.TAG).not.toBe(entries[1].variableHashes.TAG);
    expect(entries[0].variableHashes.TAG).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(readHistory(home, 'cluster1', 'web', 1).contents[0].content).toBe(content);
    for (const f of filesUnder(path.join(home, 'stacks'))) {
      const text = fs.readFileSync(f, 'latin1');
      expect(text).not.toContain('TOP-SECRET');
      expect(text).not.toContain('hunter2-value');
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(Object.keys(e1.objectFiles)).toEqual([secret]);
    expect(() => readHistory(home, 'cluster1', 'web', 9)).toThrow('no deployment 9 of stack web');
    fs.rmSync(home, { recursive: true });
  });

  it('rewrites an entry an older Flotilla kept with values, on first read, and closes its mode', () => {
    const home = tmpHome();
    const dir = path.join(home, 'stacks', 'cluster1', 'web', 'history', '1');
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'files', '1-stack.yml'), 'services:\n  web:\n    image: x\n', { mode: 0o644 });
    const old = { n: 1, time: '2026-01-01T00:00:00.000Z', stack: 'web', engine: 'cluster1', files: ['1-stack.yml'], sources: ['/s/stack.yml'], workingDir: '/s', variables: { DB_PASSWORD: 'old-plain-text' }, options: {}, objectFiles: {}, services: ['web'] };
    fs.writeFileSync(path.join(dir, 'deploy.json'), JSON.stringify(old), { mode: 0o644 });
    const [entry] = listHistory(home, 'cluster1', 'web');
    expect(entry.variables).toEqual(['DB_PASSWORD']);
    expect(entry.variableHashes).toEqual(hashVariables(home, { DB_PASSWORD: 'old-plain-text' }));
    const onDisk = fs.readFileSync(path.join(dir, 'deploy.json'), 'utf8');
    expect(onDisk).not.toContain('old-plain-text');
    expect(fs.statSync(path.join(dir, 'deploy.json')).mode & 0o777).toBe(0o600);
    expect(readHistory(home, 'cluster1', 'web', 1).entry).toEqual(entry);
    fs.rmSync(home, { recursive: true });
  });

  it('rollback takes values only where they match the hash kept, and names the ones it lacks', async () => {
    const home = tmpHome();
    const content = 'services:\n  web:\n    image: "x:${TAG}"\n    environment: ["PW=${DB_PASSWORD}"]\n';
    const loaded = loadStack({ files: [{ file: path.join(home, 'stack.yml'), content }], env: { TAG: '1', DB_PASSWORD: 's3cret' } });
    const entry = await recordDeploy(home, { stack: 'web', engine: 'c', sources: ['stack.yml'], contents: [{ file: 'stack.yml', content }], workingDir: home, variables: loaded.variables, options: {}, config: loaded.config! });
    expect(valuesForRollback(home, entry, { TAG: '1', DB_PASSWORD: 's3cret', PATH: '/bin' })).toEqual({ TAG: '1', DB_PASSWORD: 's3cret' });
    const refusal = (() => {
      try {
        valuesForRollback(home, entry, { TAG: '2' });
      } catch (e) {
        return e;
      }
    })();
    expect(refusal).toBeInstanceOf(FlotillaError);
    expect((refusal as FlotillaError).message).toBe(
      'deployment 1 of stack web used DB_PASSWORD, TAG, and Flotilla keeps only a hash of each value, never the value: DB_PASSWORD is not set and TAG has a different value now; set them to the values deployment 1 used (the Variables panel, or the environment for the CLI) and roll back again',
    );
    // a .env file the deployment read supplies its values again
    const dotEnv = path.join(home, '.env');
    fs.writeFileSync(dotEnv, 'DB_PASSWORD=s3cret\n');
    expect(valuesForRollback(home, { ...entry, dotEnvFile: dotEnv }, { TAG: '1' })).toEqual({ TAG: '1', DB_PASSWORD: 's3cret' });
    fs.rmSync(home, { recursive: true });
  });

  it('line diff', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual(['  a', '+ B', '- b', '  c']);
  });
});
