import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineDiff, listHistory, readHistory, recordDeploy } from './history';
import { loadStack } from './loader';

describe('deploy history', () => {
  it('keeps files and variables, never secret contents, numbered per stack', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-hist-'));
    const secret = path.join(home, 'pw.txt');
    fs.writeFileSync(secret, 'TOP-SECRET');
    const content = `services:\n  web:\n    image: "x:\${TAG}"\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ${secret}\n`;
    const loaded = loadStack({ files: [{ file: path.join(home, 'stack.yml'), content }], env: { TAG: '1', OTHER: 'no' } });
    const base = { stack: 'web', engine: 'cluster1', sources: [path.join(home, 'stack.yml')], contents: [{ file: path.join(home, 'stack.yml'), content }], workingDir: home, variables: loaded.variables, options: {}, config: loaded.config! };
    const e1 = await recordDeploy(home, base);
    const e2 = await recordDeploy(home, { ...base, variables: { TAG: '2' } });
    expect([e1.n, e2.n]).toEqual([1, 2]);
    expect(listHistory(home, 'cluster1', 'web').map((e) => e.variables)).toEqual([{ TAG: '1' }, { TAG: '2' }]);
    expect(readHistory(home, 'cluster1', 'web', 1).contents[0].content).toBe(content);
    const stored = fs.readdirSync(path.join(home, 'stacks'), { recursive: true }).map(String);
    for (const f of stored) {
      const p = path.join(home, 'stacks', f);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p, 'utf8')).not.toContain('TOP-SECRET');
    }
    expect(Object.keys(e1.objectFiles)).toEqual([secret]);
    expect(() => readHistory(home, 'cluster1', 'web', 9)).toThrow('no deployment 9 of stack web');
    fs.rmSync(home, { recursive: true });
  });
  it('line diff', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual(['  a', '+ B', '- b', '  c']);
  });
});
