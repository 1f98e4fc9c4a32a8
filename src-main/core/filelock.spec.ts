import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './filelock';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withFileLock (a real flock(1))', () => {
  it('makes two holders of the same file take turns, and creates the folder', async () => {
    const file = path.join(dir, 'sub', 'x.lock');
    const log: string[] = [];
    const hold = (name: string) =>
      withFileLock(file, async () => {
        log.push(`${name} in`);
        await tick(150);
        log.push(`${name} out`);
        return name;
      });
    const results = await Promise.all([hold('a'), hold('b')]);
    expect(results).toEqual(['a', 'b']);
    // never interleaved: whoever got it first left before the other came in
    const first = log[0]?.startsWith('a') ? 'a' : 'b';
    const second = first === 'a' ? 'b' : 'a';
    expect(log).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('releases the lock when fn throws', async () => {
    const file = path.join(dir, 'y.lock');
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withFileLock(file, async () => 'again', 2_000)).resolves.toBe('again');
  });

  it('gives up after its timeout with an error that names the file and what holds it', async () => {
    const file = path.join(dir, 'z.lock');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withFileLock(file, () => held);
    await tick(200);
    await expect(withFileLock(file, async () => 'never', 1_000)).rejects.toThrow(/could not lock .*z\.lock within 1 s.*another Flotilla process/);
    release();
    await first;
  });
});
