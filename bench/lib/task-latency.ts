// The events measurement shared by `npm run bench -- events` (the lab) and `npm run bench -- scale` (20 machines):
// time from a task state change on the engine (the task's Status.Timestamp, set by the engine when the state
// changes) to that change arriving in a ClusterWatcher's model. A service is scaled 1 <-> 4 to make the changes.
//
// The breakdown says where each change's time went: the manager's task listings are timed (the watcher's own
// manager connection, wrapped here), and each change is split into "waiting" (engine state change -> the start of
// the listing that carried it: an event or the settling poll had to ask), "listing" (the rest of that request
// after the change) and "fold" (listing answered -> diff delivered). Each change is also tagged by what could have
// started its listing: a container event of that task seen on its node (`event`) or not (`poll`: the watcher's
// settling timer, or a listing made for another change). A change no listing carried (the last listing before it showed
// another state) was shown from the task container's own event on its node, before the managers stored it
// (core/swarm/observed.ts): `node`, split into "waiting" (state change -> the bench saw that event) and "fold" (-> diff).
import { setMaxListeners } from 'node:events';
import type { EngineConnection } from '../../src-main/core/engine';
import { streamEngineEvents } from '../../src-main/core/engine/events';
import * as sw from '../../src-main/core/swarm';
import type { WatcherOptions } from '../../src-main/core/swarm/watcher-options';
import type { ModelEvent } from '../../src-main/api/domains/swarm';

export const pct = (xs: number[], p: number): number => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const avg = (xs: number[]): number => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Part {
  state: string;
  total: number;
  waiting: number;
  listing: number;
  fold: number;
  cause: 'event' | 'poll' | 'node';
}

interface LatencyResult {
  latencies: number[];
  p50: number;
  p95: number;
  byState: Map<string, number[]>;
  parts: Part[];
  listings: number[];
  /** printable lines: the breakdown */
  breakdown: string[];
  mean: { waitingMs: number; listingMs: number; foldMs: number };
}

interface LatencyOptions {
  /** the manager the watcher reads from (its listTasks is wrapped to time the listings) */
  manager: EngineConnection;
  /** how the watcher (and the bench's own event streams) reach each node */
  connectNode: (n: { id: string; hostname: string; addr: string }) => Promise<EngineConnection>;
  /** every node's engine, for the bench's own container-event streams (cause tagging) */
  nodeEngines: Array<() => Promise<EngineConnection>>;
  image: string;
  want: number;
  watcherOptions?: WatcherOptions;
  progress?: (line: string) => void;
  timeoutMs?: number;
}

/** the watcher's cadence as a bench run asks for it: BENCH_SETTLE_MS (settleMs), BENCH_ECHO_MS (echoMs), BENCH_ECHO_AGAIN_MS (echoAgainMs; 0: none) */
export function watcherOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WatcherOptions {
  return {
    ...(env.BENCH_SETTLE_MS ? { settleMs: Number(env.BENCH_SETTLE_MS) } : {}),
    ...(env.BENCH_ECHO_MS ? { echoMs: Number(env.BENCH_ECHO_MS) } : {}),
    ...(env.BENCH_ECHO_AGAIN_MS ? { echoAgainMs: Number(env.BENCH_ECHO_AGAIN_MS) } : {}),
  };
}

export async function measureTaskLatency(o: LatencyOptions): Promise<LatencyResult> {
  const listings: Array<{ start: number; end: number; states: Map<string, string> }> = [];
  const docker = o.manager.docker as unknown as { listTasks: (x?: object) => Promise<unknown> };
  const listTasks = docker.listTasks.bind(docker);
  docker.listTasks = async (x?: object) => {
    const start = Date.now();
    const r = await listTasks(x);
    const states = new Map<string, string>();
    if (Array.isArray(r)) for (const t of r as Array<{ ID?: string; Status?: { State?: string } }>) if (t.ID && t.Status?.State) states.set(t.ID, t.Status.State);
    listings.push({ start, end: Date.now(), states });
    return r;
  };
  const name = `bench-events-${Date.now().toString(36)}`;
  const { id } = await sw.createService(o.manager, { name, image: o.image, args: ['sleep', '3600'], replicas: 1, stopGracePeriod: '1s' });
  const watcher = new sw.ClusterWatcher({ manager: o.manager, connectNode: o.connectNode }, o.watcherOptions ?? {});
  const seen = new Map<string, string>();
  const latencies: number[] = [];
  const byState = new Map<string, number[]>();
  const parts: Part[] = [];
  const taskEventAt = new Map<string, number>();
  const evAc = new AbortController();
  setMaxListeners(0, evAc.signal); // one event stream per node follows it: 20 at the scale bench's size, not a leak
  let unattributed = 0;
  try {
    await watcher.start();
    for (const connect of o.nodeEngines) {
      void connect()
        .then((c) =>
          streamEngineEvents<{ Actor?: { Attributes?: Record<string, string> } }>(c, { type: ['container'], label: ['com.docker.swarm.task.id'] }, evAc.signal, (e) => {
            const t = e.Actor?.Attributes?.['com.docker.swarm.task.id'];
            if (t) taskEventAt.set(t, Date.now());
          }).finally(() => void c.close()),
        )
        .catch(() => undefined);
    }
    watcher.subscribe((e: ModelEvent) => {
      if (e.type !== 'diff') return;
      const now = Date.now();
      for (const c of e.changes) {
        if (c.op !== 'upsert' || c.kind !== 'task' || c.value.serviceId !== id) continue;
        if (seen.get(c.value.id) === c.value.state) continue;
        const first = !seen.has(c.value.id);
        seen.set(c.value.id, c.value.state);
        if (first && c.value.state === 'new') continue;
        const at = Date.parse(c.value.timestamps.status);
        if (!Number.isFinite(at)) continue;
        const ms = now - at;
        latencies.push(ms);
        (byState.get(c.value.state) ?? byState.set(c.value.state, []).get(c.value.state)!).push(ms);
        // the listing that carried it: the last one that ended before it arrived
        const l = [...listings].reverse().find((x) => x.end <= now);
        const ev = taskEventAt.get(c.value.id);
        // not what the last listing said: shown from the task container's event on its node (the bench's own stream may
        // not have that event yet, and still hold the task's previous one: the fold then counts from the state change)
        if (l && l.states.get(c.value.id) !== c.value.state && ev !== undefined && ev >= at - 1000) {
          parts.push({ state: c.value.state, total: ms, waiting: Math.max(0, ev - at), listing: 0, fold: Math.max(0, now - Math.max(ev, at)), cause: 'node' });
          continue;
        }
        // none, or one that ended before the change: the diff came through another manager (after a failover), or from a
        // container event the bench's own stream has not delivered yet
        if (!l || l.end < at) {
          unattributed++;
          continue;
        }
        // a change made while its listing ran waited for nothing: only the rest of that listing counts
        const waiting = Math.max(0, l.start - at);
        // a state's container event comes just before or after the agent stamps the state
        const cause = ev !== undefined && ev >= at - 1000 && ev <= l.start + 5 ? 'event' : 'poll';
        parts.push({ state: c.value.state, total: ms, waiting, listing: l.end - Math.max(l.start, at), fold: now - l.end, cause });
      }
    });
    let replicas = 1;
    const started = Date.now();
    while (latencies.length < o.want && Date.now() - started < (o.timeoutMs ?? 600_000)) {
      replicas = replicas === 1 ? 4 : 1;
      await sw.scaleService(o.manager, id, replicas);
      // wait until the model settles on the new count
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        const s = watcher.model().services[id];
        const pending = Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.desiredState !== t.state && !['shutdown', 'complete', 'failed', 'rejected'].includes(t.state));
        if (s && s.replicas.running === replicas && pending.length === 0) break;
        await sleep(100);
      }
      o.progress?.(`${latencies.length}/${o.want} changes`);
    }
  } finally {
    watcher.stop();
    evAc.abort();
    docker.listTasks = listTasks;
    await sw.removeService(o.manager, id).catch(() => undefined);
  }
  if (latencies.length === 0) throw new Error('no task state change reached the model');
  // p50/p95 over at least `want` changes: fewer is a failed run, not a smaller sample
  if (latencies.length < o.want) throw new Error(`only ${latencies.length} of ${o.want} task state changes reached the model in time: is the machine loaded or a node down?`);
  const row = (label: string, ps: Part[]): string =>
    `  ${label.padEnd(10)} n=${String(ps.length).padEnd(4)} mean ${avg(ps.map((p) => p.total))} ms = waiting ${avg(ps.map((p) => p.waiting))} + listing ${avg(ps.map((p) => p.listing))} + fold ${avg(ps.map((p) => p.fold))}; p50 ${pct(
      ps.map((p) => p.total),
      50,
    )}, p95 ${pct(
      ps.map((p) => p.total),
      95,
    )}`;
  const lt = listings.map((l) => l.end - l.start);
  const breakdown = [
    '  breakdown (waiting: state change -> its listing started, or for `node` -> its container event seen; listing: the rest of that task listing; fold: -> model diff):',
    row('all', parts),
    ...(['event', 'poll', 'node'] as const).map((c) => row(`by ${c}`, parts.filter((p) => p.cause === c))),
    ...[...new Set(parts.map((p) => p.state))].map((st) => row(st, parts.filter((p) => p.state === st))),
    `  task listings by the watcher: ${listings.length}, each p50 ${pct(lt, 50)} ms, p95 ${pct(lt, 95)} ms; not broken down: ${unattributed} (read through another manager after a failover, or shown from a container event the bench's own stream had not seen yet)`,
  ];
  return {
    latencies,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    byState,
    parts,
    listings: lt,
    breakdown,
    mean: { waitingMs: avg(parts.map((p) => p.waiting)), listingMs: avg(parts.map((p) => p.listing)), foldMs: avg(parts.map((p) => p.fold)) },
  };
}
