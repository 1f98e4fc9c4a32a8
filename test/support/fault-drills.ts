// Fault drills on a real container-machine swarm (3 managers, 1 worker), shared by
// test/integration/faults-drill.test.ts (which asserts) and `npm run bench -- faults` (which reports times).
// Three observers follow the swarm while each fault is injected and lifted: the core's ClusterWatcher in this
// process (timed), `flotilla events --json` and `flotilla serve` with a WebSocket subscription (both must never
// exit, and their models must come back equal to a fresh snapshot). The truth is what a manager's engine lists.
import * as sw from '../../src-main/core/swarm';
import { MachineStore } from '../../src-main/core/machines/store';
import type { RawNode } from '../../src-main/core/swarm/mappers';
import { connectMachine, drift, freshSnapshot, healthy, sleep, until, type DrillSwarm, type Log } from './fault-drills-swarm';
import { EventsChild, ServerChild } from './fault-drills-observers';
import { FAULTS, type DrillContext, type Fault } from './fault-drills-faults';

export { BUSYBOX, drift, freshSnapshot, healthy, makeDrillSwarm, removeDrillSwarm, type DrillSwarm, type Log } from './fault-drills-swarm';
export { ServerChild } from './fault-drills-observers';
export { FAULTS, type Fault } from './fault-drills-faults';

export interface DrillResult {
  fault: string;
  target: string;
  /** the manager the core's model read from before and after the fault */
  watchedBefore: string;
  watchedAfter: string;
  /** from the fault to a manager's engine listing it */
  engineMs: number;
  /** from the fault to the core's model showing it */
  modelMs: number;
  /** the model's delay behind the engine (target <= 2000 ms; negative when the model's own stream was quicker than the 250 ms poll) */
  lagMs: number;
  /** faults on a manager: from the fault until another manager's engine answered a listing naming a leader other than
   * the target (-1: never, or not a manager fault) */
  leaderMs: number;
  /** from the fault until the model read from another manager (only when the watched one was hit) */
  failoverMs?: number;
  /** the watcher's own record of its move (only when the watched one was hit), from its timestamps: from the fault to
   * the loss noticed (wall clock), from the loss noticed to streaming from the new manager, and to its first listing
   * (later while the swarm has no leader); rounds over the candidates; every move the watcher made meanwhile; the design's bounds (notice, move) */
  move?: { to: string; noticedMs: number; streamingMs: number; listedMs: number; rounds: number; moves: number; boundNoticeMs: number; boundMoveMs: number };
  /** from lifting the fault until the engine, then the model, show every node ready and every task running */
  engineRecoverMs: number;
  modelRecoverMs: number;
  /** what still differed from a fresh snapshot once recovered: core, `flotilla events`, server (empty = no drift) */
  drift: { core: string[]; events: string[]; server: string[] };
}

/** the drills' watcher goes idle after 10 s without a change (60 s by default), so the idle drill needs no minute's wait */
const DRILL_ACTIVE_MS = 10_000;

export interface DrillRun {
  results: DrillResult[];
  /** set when `flotilla events` or the server exited, or the server's stream ended */
  exits: string[];
}

/** the manager of that role now (a fresh listing): the leader, or a ready, reachable manager that does not lead */
async function managerOfRole(s: DrillSwarm, role: 'leader' | 'follower'): Promise<string | undefined> {
  const { model } = await freshSnapshot(s);
  const managers = Object.values(model.nodes).filter((n) => n.role === 'manager' && n.status === 'ready');
  return managers.find((n) => (role === 'leader' ? n.leader : !n.leader && n.reachability === 'reachable'))?.hostname;
}

/**
 * Runs the faults one after another on the swarm, each lifted and recovered before the next. The watcher and the two
 * child observers start on the first manager (the leader). A fault that needs the core's watcher on a manager of some
 * role (the leader, or one that does not lead) gets a new watcher started there; the children keep theirs.
 */
export async function runDrills(s: DrillSwarm, log: Log, faults: Fault[] = FAULTS, opts: { showMs?: number; recoverMs?: number } = {}): Promise<DrillRun> {
  const showMs = opts.showMs ?? 90_000;
  const recoverMs = opts.recoverMs ?? 150_000;
  const store = new MachineStore(s.home);
  const pool = sw.pooledConnector(async (node) => {
    for (const m of [...s.managers, ...s.workers]) if (s.ips.get(m) === node.addr) return (await connectMachine(store, m)).conn;
    throw new Error(`no machine at ${node.addr}`);
  });
  const watchFrom = (m: string): sw.ClusterWatcher => new sw.ClusterWatcher({ manager: s.conns.get(m)!, connectNode: pool.connectNode }, { backoffMaxMs: 1000, activeMs: DRILL_ACTIVE_MS });
  let watcher = watchFrom(s.managers[0]);
  const events = new EventsChild(s, s.managers[0]);
  const server = new ServerChild(s);
  const results: DrillResult[] = [];
  const exits: string[] = [];
  try {
    await watcher.start();
    await server.subscribe(`machine:${s.managers[0]}`);
    await until('every observer has the model', async () => healthy(watcher.model()) && healthy(events.model) && healthy(server.model), 60_000);
    for (const f of faults) {
      if (f.watch) {
        const want = await until(`a ${f.watch} manager`, () => managerOfRole(s, f.watch!), 60_000, 500);
        if (watcher.managerName() !== want) {
          watcher.stop();
          watcher = watchFrom(want);
          await watcher.start();
          await until('the new watcher has the model', async () => healthy(watcher.model()), 60_000);
        }
      }
      if (f.idle) await until('the watcher idle (slow pings)', async () => !watcher.watchful(), 120_000, 250);
      const model = watcher.model();
      const target = f.target({ s, watcher, model });
      const ctx: DrillContext = { s, watcher, target };
      const watchedBefore = watcher.managerName() ?? '';
      const movesBefore = watcher.failovers().length;
      log(`${f.name}: ${target} (model via ${watchedBefore})`);
      const t0 = Date.now();
      await f.inject(ctx);
      let engineAt = 0;
      let modelAt = 0;
      let failoverAt = 0;
      let leaderAt = 0;
      const avoid = [target];
      // the core's model and the manager it reads from are sampled on their own clock: in the engine's loop below they
      // were read only between two fresh snapshots, which take seconds while the swarm has no leader (each manager's
      // listing waits up to 4 s), so a move made in 1.4 s was printed as "failover 8.3 s"
      const sampleCore = (): void => {
        if (!modelAt && f.shows(watcher.model(), ctx)) modelAt = Date.now();
        if (!failoverAt && watchedBefore === target && watcher.managerName() !== target) failoverAt = Date.now();
      };
      const sampler = setInterval(sampleCore, 25);
      // when a manager other than the target first answers a listing naming a leader other than the target (the swarm
      // has one again): asked of each of them every 250 ms, each asking on its own clock (a manager's listing waits
      // while the swarm elects)
      const probing = f.watch ? s.managers.filter((m) => m !== target) : [];
      const leaderProbe = setInterval(() => {
        for (const m of probing) {
          if (leaderAt) return;
          const q = { filters: JSON.stringify({ role: ['manager'] }), abortSignal: AbortSignal.timeout(3000) };
          (s.conns.get(m)!.docker.listNodes(q) as Promise<RawNode[]>).then(
            (nodes) => {
              const leader = nodes.find((n) => n.ManagerStatus?.Leader)?.Description?.Hostname;
              if (!leaderAt && leader && leader !== target) leaderAt = Date.now();
            },
            () => undefined,
          );
        }
      }, 250);
      try {
        while ((!engineAt || !modelAt) && Date.now() - t0 < showMs) {
          sampleCore();
          if (!engineAt) {
            const fresh = await freshSnapshot(s, avoid).catch(() => undefined);
            if (fresh && f.shows(fresh.model, ctx)) engineAt = Date.now();

          }
          await sleep(100);
        }
      } finally {
        clearInterval(sampler);
        clearInterval(leaderProbe);
      }
      sampleCore();
      // the watcher's own timestamps of its move: the loss noticed, streaming from the new manager, its first listing
      const movesMade = watcher.failovers().slice(movesBefore);
      const mv = watchedBefore === target ? movesMade.find((x) => x.from === target && x.to && x.to !== target) : undefined;
      const bound = watcher.failoverBoundMs();
      const move = mv?.to
        ? {
            to: mv.to,
            noticedMs: mv.lostAt - t0,
            streamingMs: mv.streamingAt ? mv.streamingAt - mv.lostAt : -1,
            listedMs: mv.listedAt ? mv.listedAt - mv.lostAt : -1,
            rounds: mv.rounds,
            moves: movesMade.length,
            boundNoticeMs: bound.noticeMs,
            boundMoveMs: bound.moveMs,
          }
        : undefined;
      const lift = Date.now();
      await f.lift(ctx);
      let engineUp = 0;
      let modelUp = 0;
      while ((!engineUp || !modelUp) && Date.now() - lift < recoverMs) {
        if (!modelUp && healthy(watcher.model())) modelUp = Date.now();
        if (!engineUp) {
          const fresh = await freshSnapshot(s).catch(() => undefined);
          if (fresh && healthy(fresh.model)) engineUp = Date.now();
        }
        await sleep(200);
      }
      // once recovered the three models must equal a fresh snapshot (given time to settle: tasks replaced after the
      // fault); the three are compared with the same snapshots, at once
      const observers = { core: () => watcher.model(), events: () => events.model, server: () => server.model };
      const last: DrillResult['drift'] = { core: ['not compared'], events: ['not compared'], server: ['not compared'] };
      await until(
        'agreement',
        async () => {
          const fresh = await freshSnapshot(s);
          for (const k of ['core', 'events', 'server'] as const) if (last[k].length) last[k] = drift(observers[k](), fresh.model);
          return last.core.length + last.events.length + last.server.length === 0;
        },
        30_000,
        500,
      ).catch(() => undefined);
      const r: DrillResult = {
        fault: f.name,
        target,
        watchedBefore,
        watchedAfter: watcher.managerName() ?? '',
        engineMs: engineAt ? engineAt - t0 : -1,
        modelMs: modelAt ? modelAt - t0 : -1,
        lagMs: engineAt && modelAt ? modelAt - engineAt : -1,
        ...(failoverAt ? { failoverMs: failoverAt - t0 } : {}),
        leaderMs: leaderAt ? leaderAt - t0 : -1,
        ...(move ? { move } : {}),
        engineRecoverMs: engineUp ? engineUp - lift : -1,
        modelRecoverMs: modelUp ? modelUp - lift : -1,
        drift: last,
      };
      results.push(r);
      const mvText = move ? `, a leader listed at ${r.leaderMs} ms, loss noticed at ${move.noticedMs} ms, streaming from ${move.to} ${move.streamingMs} ms later (listing ${move.listedMs} ms, ${move.rounds} round(s), ${move.moves} move(s) during the fault)` : '';
      log(`${f.name}: engine ${r.engineMs} ms, model ${r.modelMs} ms (lag ${r.lagMs} ms)${r.failoverMs ? `, failover ${r.failoverMs} ms` : ''}${mvText}; recovered: engine ${r.engineRecoverMs} ms, model ${r.modelRecoverMs} ms; drift ${JSON.stringify(r.drift)}`);
      if (events.exited) exits.push(`flotilla events: ${events.exited} (${events.stderr.trim()})`);
      if (server.exited) exits.push(`flotilla serve: ${server.exited} (${server.output.trim().slice(-500)})`);
      if (server.ended) exits.push(`the server's swarm.model stream: ${server.ended}`);
      if (exits.length) break;
    }
  } finally {
    watcher.stop();
    events.stop();
    await server.stop();
    await pool.close();
  }
  return { results, exits };
}
