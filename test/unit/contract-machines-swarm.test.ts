// machines.swarmCreate: the one-click swarm in the contract (defaults 1 manager + 2 workers, bounds,
// per-machine events with the result on the last), and the host telling every client that machines
// and engines changed when a run ends, even a failed one.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contract, isStream } from '../../src-main/api/contract';
import { createHost, type Host } from '../../src-main/host';
import type { HostMessage } from '../../src-main/api/protocol';

const def = contract['machines.swarmCreate'];

describe('machines.swarmCreate contract', () => {
  it('is a stream whose input defaults to 1 manager and 2 workers', () => {
    expect(isStream('machines.swarmCreate')).toBe(true);
    expect(def.input.parse({ name: 'lab' })).toEqual({ name: 'lab', managers: 1, workers: 2, options: {} });
  });

  it('refuses a swarm without a manager, too many machines, unknown keys and an empty name', () => {
    expect(def.input.safeParse({ name: 'lab', managers: 0 }).success).toBe(false);
    expect(def.input.safeParse({ name: 'lab', workers: 20 }).success).toBe(false);
    expect(def.input.safeParse({ name: 'lab', replicas: 3 }).success).toBe(false);
    expect(def.input.safeParse({ name: '' }).success).toBe(false);
  });

  it('carries per-machine steps, raw log lines and a final event with the result', () => {
    expect(def.event.parse({ machine: 'lab-w1', step: 'starting the container', detail: 'flotilla-lab-w1' })).toMatchObject({ machine: 'lab-w1' });
    expect(def.event.parse({ machine: 'lab-m1', log: 'Setting up docker.io' }).log).toBe('Setting up docker.io');
    const last = def.event.parse({ machine: 'lab', step: 'done', done: true, result: { managers: ['lab-m1'], workers: ['lab-w1', 'lab-w2'], clusterId: 'abc' } });
    expect(last.result?.workers).toEqual(['lab-w1', 'lab-w2']);
    expect(def.event.safeParse({ machine: 'lab', result: { managers: 'lab-m1' } }).success).toBe(false);
  });
});

describe('machines.swarmCreate on the host', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-swarmcreate-'));
  let host: Host | undefined;
  afterAll(async () => {
    await host?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('fails a bad swarm name with the reason and still broadcasts machines.changed and engines.changed', async () => {
    host = createHost({ transport: 'in-process', home });
    const got: HostMessage[] = [];
    const conn = host.dispatcher.connect((m) => got.push(m));
    // "-bad" is not a valid machine name (names start with a letter or digit), so nothing is created
    conn.receive({ t: 'subscribe', id: 1, method: 'machines.swarmCreate', params: { name: '-bad', driver: 'container' } });
    await expect.poll(() => got.some((m) => m.t === 'error' && m.id === 1), { timeout: 10_000 }).toBe(true);
    const err = got.find((m) => m.t === 'error' && m.id === 1);
    expect(JSON.stringify(err)).toMatch(/-bad/);
    const names = got.filter((m) => m.t === 'broadcast').map((m) => (m as { name: string }).name);
    expect(names).toContain('machines.changed');
    expect(names).toContain('engines.changed');
    expect(fs.existsSync(path.join(home, 'machines', '-bad-m1'))).toBe(false);
  });
});
