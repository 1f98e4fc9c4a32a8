import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './filelock';
import { MachineStore } from './machines/store';
import { listHistory } from './stacks/history';
import { CONFIG_VERSION } from './machines/types';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// the other processes: test/support/lock-child.ts, bundled once for plain node
let childJs: string;
let bundleDir: string;
beforeAll(() => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-lock-child-'));
  childJs = path.join(bundleDir, 'lock-child.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('../../test/support/lock-child.ts', import.meta.url))], outfile: childJs, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
});
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function child(...args: string[]): { proc: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> } {
  const proc = spawn(process.execPath, [childJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { proc, done };
}

/** a child holding `lock`, once it says so */
async function holder(lock: string): Promise<ChildProcess> {
  const c = child('hold', lock);
  await new Promise<void>((resolve, reject) => {
    c.proc.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    void c.done.then((r) => reject(new Error(`the holder exited (${r.code}): ${r.err}`)));
  });
  return c.proc;
}

describe('withFileLock in one process', () => {
  it('makes two holders of the same file take turns, creates the folder and removes the file after', async () => {
    const file = path.join(dir, 'sub', 'x.lock');
    const log: string[] = [];
    const hold = (name: string) =>
      withFileLock(file, async () => {
        log.push(`${name} in`);
        expect(fs.existsSync(file)).toBe(true);
        await tick(100);
        log.push(`${name} out`);
        return name;
      });
    const results = await Promise.all([hold('a'), hold('b')]);
    expect(results).toEqual(['a', 'b']);
    // never interleaved: whoever got it first left before the other came in
    const first = log[0]?.startsWith('a') ? 'a' : 'b';
    const second = first === 'a' ? 'b' : 'a';
    expect(log).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('releases the lock when fn throws', async () => {
    const file = path.join(dir, 'y.lock');
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(file)).toBe(false);
    await expect(withFileLock(file, async () => 'again', 2_000)).resolves.toBe('again');
  });

  it('gives up after its timeout with an error that names the file, the holder and the fix', async () => {
    const file = path.join(dir, 'z.lock');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withFileLock(file, () => held);
    await tick(50);
    await expect(withFileLock(file, async () => 'never', 1_000)).rejects.toThrow(
      new RegExp(`could not lock .*z\\.lock within 1 s: process ${process.pid} \\(this one\\) holds it.*if no such process runs, delete`),
    );
    release();
    await first;
  });

  it('takes over a lock file whose holder is gone: a dead pid, or a live pid with another start time (reused)', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('close', r));
    const file = path.join(dir, 'stale.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: dead.pid, start: '1', token: 'old' }));
    await expect(withFileLock(file, async () => JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }, 2_000)).resolves.toMatchObject({ pid: process.pid });
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, start: 'not-my-start-time', token: 'old' }));
    await expect(withFileLock(file, async () => 'taken', 2_000)).resolves.toBe('taken');
  });
});

// several node processes at once: slow on a busy machine
describe('withFileLock across processes', { timeout: 60_000 }, () => {
  it('makes 4 processes take turns: no two are ever inside at once', async () => {
    const lock = path.join(dir, 'turns.lock');
    const log = path.join(dir, 'turns.log');
    const runs = [1, 2, 3, 4].map(() => child('turns', lock, log, '5'));
    for (const r of await Promise.all(runs.map((c) => c.done))) expect(r).toMatchObject({ code: 0, err: '' });
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4 * 5 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const pid = lines[i]!.replace(/^in /, '');
      expect([lines[i], lines[i + 1]]).toEqual([`in ${pid}`, `out ${pid}`]);
    }
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(4);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('waits for a holder in another process, and takes over at once when it is SIGKILLed', async () => {
    const lock = path.join(dir, 'kill.lock');
    const h = await holder(lock);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8'))).toMatchObject({ pid: h.pid });
    await expect(withFileLock(lock, async () => 'never', 700)).rejects.toThrow(new RegExp(`process ${h.pid} holds it`));
    h.kill('SIGKILL');
    await new Promise((r) => h.once('close', r));
    expect(fs.existsSync(lock)).toBe(true); // a SIGKILLed holder cannot clean up
    const t0 = Date.now();
    await expect(withFileLock(lock, async () => JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number }, 30_000)).resolves.toMatchObject({ pid: process.pid });
    // at once: no stale timeout to sit out (a heartbeat lock would wait for it, 10 s by default for proper-lockfile)
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('lets 3 waiters share out a SIGKILLed holder’s lock one at a time', async () => {
    const lock = path.join(dir, 'many.lock');
    const log = path.join(dir, 'many.log');
    const h = await holder(lock);
    const runs = [1, 2, 3].map(() => child('turns', lock, log, '3'));
    await tick(300);
    expect(fs.existsSync(log)).toBe(false); // all three wait
    h.kill('SIGKILL');
    for (const r of await Promise.all(runs.map((c) => c.done))) expect(r).toMatchObject({ code: 0, err: '' });
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3 * 3 * 2);
    for (let i = 0; i < lines.length; i += 2) expect(lines[i + 1]).toBe(lines[i]!.replace(/^in /, 'out '));
  });

  it('is released when its holder exits from inside the lock', async () => {
    const lock = path.join(dir, 'exit.lock');
    expect(await child('exit-holding', lock).done).toMatchObject({ code: 0 });
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('what the lock guards', { timeout: 60_000 }, () => {
  it('loses no machine config update when 4 processes read-modify-write it at once', async () => {
    const store = new MachineStore(dir);
    await store.reserve('m1');
    await store.save({
      configVersion: CONFIG_VERSION,
      name: 'm1',
      driver: 'container',
      createdAt: new Date().toISOString(),
      state: 'ready',
      spec: { cpus: 1, memoryMb: 1024, diskGb: 20, options: {} },
      engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
      driverData: {},
      sshKey: 'id_ed25519',
    });
    const runs = [1, 2, 3, 4].map(() => child('update', dir, 'm1', '10'));
    for (const r of await Promise.all(runs.map((c) => c.done))) expect(r).toMatchObject({ code: 0, err: '' });
    expect((await store.load('m1')).spec.options.count).toBe(40);
    expect(await store.names()).toEqual(['m1']);
    expect(fs.readdirSync(store.machinesDir)).toEqual(['m1']); // no lock file left
  });

  it('gives deploys recorded by 3 processes at once distinct, consecutive history numbers', async () => {
    const runs = [1, 2, 3].map(() => child('deploys', dir, '4'));
    const numbers: number[] = [];
    for (const r of await Promise.all(runs.map((c) => c.done))) {
      expect(r).toMatchObject({ code: 0, err: '' });
      numbers.push(...(JSON.parse(r.out) as number[]));
    }
    expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(listHistory(dir, 'lab', 'web').map((e) => e.n)).toEqual(numbers);
  });

  it('gives QEMU machines leasing addresses from 4 processes at once distinct addresses', async () => {
    const runs = [1, 2, 3, 4].map(() => child('leases', dir, '3'));
    const ips: string[] = [];
    for (const r of await Promise.all(runs.map((c) => c.done))) {
      expect(r).toMatchObject({ code: 0, err: '' });
      ips.push(...(JSON.parse(r.out) as string[]));
    }
    expect(ips.sort((x, y) => Number(x.split('.')[3]) - Number(y.split('.')[3]))).toEqual(Array.from({ length: 12 }, (_, i) => `10.89.0.${11 + i}`));
    expect(Object.keys((JSON.parse(fs.readFileSync(path.join(dir, 'sw.json'), 'utf8')) as { leases: Record<string, string> }).leases)).toHaveLength(12);
    expect(fs.existsSync(path.join(dir, 'sw.json.lock'))).toBe(false);
  });
});
