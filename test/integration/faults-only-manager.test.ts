// The swarm's only manager frozen (`docker pause` of its machine), then thawed, on a real one-machine container swarm
// (made here, removed at the end). No other manager can be read from, so the model must say so (source 'manager' lost,
// "no manager of the swarm answers") and keep retrying, and once the machine is back it must clear that by itself
// (source 'manager' connected again, reading from the same manager) and equal a fresh snapshot. Observed in the core's
// ClusterWatcher (default failover timings) and in `flotilla events --json`, which must not exit. Needs `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sw from '../../src-main/core/swarm';
import type { ModelEvent } from '../../src-main/api/domains/swarm';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerName } from '../../src-main/core/machines/drivers/container';
import { connectMachine, drift, freshSnapshot, healthy, hostDocker, makeDrillSwarm, removeDrillSwarm, until, type DrillSwarm } from '../support/fault-drills-swarm';
import { EventsChild, ServerChild } from '../support/fault-drills-observers';

type SourceEvent = Extract<ModelEvent, { type: 'source' }>;
let s: DrillSwarm | undefined;
const log = (l: string): void => void process.stderr.write(`[only-manager] ${l}\n`);

beforeAll(async () => {
  s = await makeDrillSwarm(`${process.env.FLOTILLA_DRILL_PREFIX ?? ''}fonly${process.pid % 1000}`, log, { managers: 1, workers: 0 });
}, 600_000);

afterAll(async () => {
  if (!s) return;
  await hostDocker(['unpause', containerName(s.managers[0])]).catch(() => undefined);
  const left = await removeDrillSwarm(s);
  expect(left, 'what the swarm left behind').toEqual([]);
}, 300_000);

describe('the only manager frozen and thawed', () => {
  it('the model says no manager answers, then clears the mark by itself and equals a fresh snapshot; events and serve never exit', async () => {
    const d = s!;
    const manager = d.managers[0];
    const store = new MachineStore(d.home);
    const pool = sw.pooledConnector(async () => (await connectMachine(store, manager)).conn);
    const watcher = new sw.ClusterWatcher({ manager: d.conns.get(manager)!, connectNode: pool.connectNode }, { backoffMaxMs: 1000 });
    const sources: SourceEvent[] = [];
    watcher.subscribe((e) => void (e.type === 'source' && e.source === 'manager' && sources.push(e)));
    const events = new EventsChild(d, manager);
    const server = new ServerChild(d);
    // the last word on the manager source of each observer: the core's watcher, `flotilla events`, the server's stream
    const observers = { core: () => sources.at(-1), events: () => events.lastManagerSource, server: () => server.lastManagerSource };
    const models = { core: () => watcher.model(), events: () => events.model, server: () => server.model };
    const every = (fn: (k: keyof typeof observers) => boolean): boolean => (['core', 'events', 'server'] as const).every(fn);
    const said = (): string => JSON.stringify({ core: observers.core(), events: observers.events(), server: observers.server() });
    try {
      await watcher.start();
      await server.subscribe(`machine:${manager}`);
      await until('every observer has the swarm', async () => every((k) => healthy(models[k]())), 120_000);
      const frozenAt = Date.now();
      await hostDocker(['pause', containerName(manager)]);
      try {
        // every round over the managers (only this one) fails: said as such, and retried
        await until('every observer to say no manager answers', async () => every((k) => observers[k]()?.connected === false && /no manager of the swarm answers/.test(observers[k]()?.error ?? '')), 60_000, 100).catch((e: Error) => {
          throw new Error(`${e.message}: ${said()}`);
        });
        log(`no manager answers: said ${Date.now() - frozenAt} ms after the pause`);
        // a long freeze, as a user's: many rounds, the retry backoff at its ceiling
        await new Promise((r) => setTimeout(r, 20_000));
        expect(observers.core()?.connected).toBe(false);
      } finally {
        await hostDocker(['unpause', containerName(manager)]);
      }
      const thawedAt = Date.now();
      await until('every observer to read from the manager again', async () => every((k) => observers[k]()?.connected === true), 90_000, 100).catch((e: Error) => {
        throw new Error(`${e.message}: ${said()}`);
      });
      log(`the mark cleared ${Date.now() - thawedAt} ms after the thaw`);
      expect(observers.core()?.via).toBe(manager);
      expect(watcher.managerName()).toBe(manager);
      // and it stays fresh: nothing marks it stale again, and the models agree with the engine
      await new Promise((r) => setTimeout(r, 5_000));
      expect(every((k) => observers[k]()?.connected === true), said()).toBe(true);
      let last: string[] = ['not compared'];
      await until('agreement with a fresh snapshot', async () => {
        const fresh = (await freshSnapshot(d)).model;
        last = (['core', 'events', 'server'] as const).flatMap((k) => drift(models[k](), fresh).map((x) => `${k} ${x}`));
        return last.length === 0;
      }, 60_000, 500).catch(() => undefined);
      expect(last).toEqual([]);
      expect(events.exited, events.stderr).toBeUndefined();
      expect(server.exited, server.output).toBeUndefined();
      expect(server.ended).toBeUndefined();
    } finally {
      watcher.stop();
      events.stop();
      await server.stop();
      await pool.close();
    }
  }, 400_000);

  it('a first listing the manager does not answer in time is made again, not fatal: the watcher starts and lists', async () => {
    const d = s!;
    const manager = d.managers[0];
    const conn = d.conns.get(manager)!;
    // Fault injection on a real engine (not a mock: every call reaches it): the first task listing is held unanswered
    // until the watcher's deadline aborts it, as a loaded manager did in a rehearsal (over 10 s); later ones go through.
    const docker = conn.docker as unknown as { listTasks: (q?: { abortSignal?: AbortSignal }) => Promise<unknown> };
    const real = docker.listTasks.bind(docker);
    let held = 0;
    docker.listTasks = (q) => {
      if (held++ > 0 || !q?.abortSignal) return real(q);
      const signal = q.abortSignal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by the deadline')), { once: true }));
    };
    const watcher = new sw.ClusterWatcher({ manager: conn, connectNode: () => Promise.reject(new Error('no node engines in this test')) }, { requestTimeoutMs: 1_500 });
    try {
      await watcher.start();
      expect(held, 'the held listing, then the one made again').toBeGreaterThanOrEqual(2);
      expect(healthy(watcher.model())).toBe(true);
      expect(Object.values(watcher.model().nodes).map((n) => n.hostname)).toEqual([manager]);
    } finally {
      watcher.stop();
      docker.listTasks = real;
    }
  }, 120_000);
});
