// Choosing the manager the cluster model reads from when the one it read from is lost (see events.ts).
//
// Every candidate is tried at once: connect, ping, then list the nodes. The first that lists wins. When the swarm
// has no leader (the leader was the manager just lost: Swarm takes several seconds to elect another), no manager can
// list, but each live one still answers a ping and streams events: then the first that answered a ping is taken
// once `graceMs` has passed without a listing. That bounds a move by design: failoverTimeoutMs (connect + ping) +
// graceMs, 2 s + 1 s by default, instead of waiting for the election (18 s was measured under load when the move
// waited for a listing).
import type { EngineConnection } from '../engine';
import type { Cluster } from './cluster';
import { log } from '../log';
import { nodeAddr, type RawNode, type RawService, type RawTask } from './mappers';
import type { Dirty } from './cluster-model';
import { errText, sleep, untilAborted, withDeadline } from './watch-util';

/** the manager the model reads from; its controller ends its event stream and requests when it is left */
export interface Watched {
  conn: EngineConnection;
  /** its hostname once the listing names it, else its URL */
  name: string;
  nodeId?: string;
  ac: AbortController;
  /** the last time it proved alive (an event, a listing or a ping answered): the probe skips a ping after one */
  aliveAt: number;
  /** set while a ping has been unanswered for longer than probeTimeoutMs (the model is marked stale meanwhile) */
  slowSince?: number;
  /** the last time its transport was reached (EngineConnection.reach, between pings while the watcher is idle) */
  reachedAt?: number;
}

export interface Candidate {
  name: string;
  nodeId?: string;
  connect(): Promise<EngineConnection>;
}

/** the managers to try, the one just left last (it may answer again: a slow ping is not a dead manager) */
export function candidates(nodes: RawNode[], from: Watched, cluster: Cluster, originNodeId: string | undefined): Candidate[] {
  const managers = nodes.filter((n) => n.Spec?.Role === 'manager' || n.ManagerStatus);
  const rank = (n: RawNode): number => (n.ID === from.nodeId ? 3 : n.ManagerStatus?.Leader ? 0 : n.ManagerStatus?.Reachability === 'reachable' ? 1 : 2);
  const list: Candidate[] = managers
    .sort((a, b) => rank(a) - rank(b))
    .map((n) => {
      const ref = { id: n.ID, hostname: n.Description?.Hostname ?? n.ID, addr: nodeAddr(n) };
      // the engine the caller gave stays the way to its own node; a closed one (its owner let it go) is opened again
      const connect = n.ID === originNodeId ? async () => cluster.manager : () => cluster.connectNode(ref);
      return { name: ref.hostname, nodeId: n.ID, connect };
    });
  if (!list.some((c) => c.nodeId === from.nodeId)) list.push({ name: from.name, nodeId: from.nodeId, connect: async () => from.conn });
  return list;
}

export interface PickOptions {
  /** connect and ping, then list, each within this (ms) */
  timeoutMs: number;
  /** after the first ping answered, how long to wait for a manager that also lists (ms); undefined: only one that lists */
  graceMs?: number;
  signal: AbortSignal;
  cluster: Cluster;
  originNodeId: string | undefined;
  nodes: RawNode[];
}

/** a manager that answered, and whether it could list the swarm (false: it answered a ping only, e.g. no leader yet) */
export interface Picked {
  watched: Watched;
  listed: boolean;
}

// dockerode's typings know no options on ping; docker-modem honours abortSignal
export function ping(conn: EngineConnection, signal: AbortSignal): Promise<unknown> {
  const fn = conn.docker.ping.bind(conn.docker) as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
  // raced too: the modem's abort does not end a connection still being dialled (a frozen host accepts TCP, never TLS)
  return untilAborted(fn({ abortSignal: signal }), signal, 'aborted');
}

/** Connects to a candidate and pings it; then `listed` says whether it could list the nodes. */
async function reach(c: Candidate, o: PickOptions): Promise<{ watched: Watched; listed: Promise<void> }> {
  const slow = `no answer within ${o.timeoutMs / 1000} s`;
  let signal = withDeadline([o.signal], o.timeoutMs);
  let conn = await untilAborted(c.connect(), signal, slow);
  try {
    await untilAborted(ping(conn, signal), signal, slow);
  } catch (e) {
    if (!/connection was closed/.test(errText(e)) || c.nodeId !== o.originNodeId) throw e;
    // the caller's connection to this node was closed: reach the node the way every other node is reached
    const node = o.nodes.find((n) => n.ID === c.nodeId) ?? { ID: '' };
    conn = await untilAborted(o.cluster.connectNode({ id: c.nodeId ?? '', hostname: c.name, addr: nodeAddr(node) }), signal, slow);
    await untilAborted(ping(conn, signal), signal, slow);
  }
  const watched: Watched = { conn, name: c.name, nodeId: c.nodeId, ac: new AbortController(), aliveAt: Date.now() };
  signal = withDeadline([o.signal], o.timeoutMs);
  const listed = untilAborted(conn.docker.listNodes({ abortSignal: signal } as object), signal, slow).then(() => undefined);
  return { watched, listed };
}

/**
 * Tries every candidate at once; resolves with the first that lists, or (with graceMs) the first that answered a
 * ping once graceMs passed without a listing, or when every other one failed. Rejects with an AggregateError of
 * every candidate's error (in the candidates' order) when none answers.
 */
export function pickManager(cands: Candidate[], o: PickOptions): Promise<Picked> {
  return new Promise<Picked>((resolve, reject) => {
    const errors: unknown[] = cands.map(() => new Error('not tried'));
    let pending = cands.length;
    let pinged: Watched | undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (p: Picked | undefined): void => {
      if (done) return;
      done = true;
      if (grace) clearTimeout(grace);
      if (p) resolve(p);
      else reject(new AggregateError(errors, 'no manager answers'));
    };
    const settled = (): void => {
      if (--pending > 0) return;
      finish(pinged && o.graceMs !== undefined ? { watched: pinged, listed: false } : undefined);
    };
    if (!cands.length) return finish(undefined);
    cands.forEach((c, i) => {
      reach(c, o).then(
        ({ watched, listed }) => {
          if (!pinged) {
            pinged = watched;
            if (o.graceMs !== undefined) grace = setTimeout(() => finish({ watched, listed: false }), o.graceMs);
          }
          listed.then(
            () => finish({ watched, listed: true }),
            (e: unknown) => {
              errors[i] = e;
              settled();
            },
          );
        },
        (e: unknown) => {
          errors[i] = e;
          settled();
        },
      );
    });
  });
}

/** while the model is stale, how often a pending listing asks whether a leader answers again (listSwarm) */
export const LEADER_CHECK_MS = 500;

export interface SwarmListing {
  nodes: RawNode[];
  services: RawService[];
  tasks: RawTask[];
}

export interface ListOptions {
  /** the listing ends when one of these aborts (the watcher stopped, the manager left) */
  signals: AbortSignal[];
  /** each listing's deadline (ms) */
  timeoutMs: number;
  /** set while the model is stale: after this long without an answer, check every this often whether a leader answers */
  leaderCheckMs?: number;
}

/**
 * Lists what `d` says is out of date through `conn` (the rest is taken from `last`).
 *
 * With `leaderCheckMs` (the model is stale, e.g. just after a move because the leader died): a follower forwards a
 * listing to the leader it knows, and while that one is dead the listing waits; it did not come back when Swarm elected
 * another one (the drills saw it wait out the whole 10 s deadline, then a new listing answer in 2 s). So while the
 * listing is pending, the managers alone are listed every `leaderCheckMs` (a small request, answered only through a
 * leader); once one answers, the pending listing is abandoned and made again, once.
 */
export async function listSwarm(conn: EngineConnection, d: Dirty, last: SwarmListing, o: ListOptions): Promise<SwarmListing> {
  const docker = conn.docker;
  const list = (extra: AbortSignal[]): Promise<SwarmListing> => {
    const abortSignal = withDeadline([...o.signals, ...extra], o.timeoutMs);
    const q = { abortSignal };
    // the signal ends a request the engine is slow to answer, but not a connection still being dialled: race it too
    return untilAborted(
      Promise.all([
        d.nodes ? (docker.listNodes(q) as Promise<RawNode[]>) : Promise.resolve(last.nodes),
        d.services ? (docker.listServices(q) as Promise<RawService[]>) : Promise.resolve(last.services),
        d.tasks || d.services ? (docker.listTasks(q) as Promise<RawTask[]>) : Promise.resolve(last.tasks),
      ]).then(([nodes, services, tasks]) => ({ nodes, services, tasks })),
      abortSignal,
      `no answer within ${o.timeoutMs / 1000} s`,
    );
  };
  const every = o.leaderCheckMs;
  if (every === undefined) return list([]);
  const first = new AbortController();
  const pending = list([first.signal]);
  const checking = new AbortController();
  const stopChecking = (): void => checking.abort();
  pending.then(stopChecking, stopChecking);
  const checks = AbortSignal.any([...o.signals, checking.signal]);
  const leaderAnswered = (async (): Promise<boolean> => {
    while (!checks.aborted) {
      await sleep(every, checks);
      if (checks.aborted) return false;
      const q = { filters: JSON.stringify({ role: ['manager'] }), abortSignal: withDeadline([checks], Math.max(2 * every, 2_000)) };
      const ok = await untilAborted(docker.listNodes(q), q.abortSignal, 'no answer').then(
        () => true,
        () => false,
      );
      if (ok && !checks.aborted) return true;
    }
    return false;
  })();
  const won = await Promise.race([pending.then((v) => ({ v })), leaderAnswered.then((ok) => (ok ? undefined : pending.then((v) => ({ v }))))]);
  if (won) return won.v;
  log.info(`swarm model: a leader answers through ${conn.url} again; the listing that waited is made again`);
  first.abort();
  pending.catch(() => undefined);
  return list([]);
}
