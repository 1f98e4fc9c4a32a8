// The live cluster model: one event stream from a manager (services, nodes, secrets, configs, networks)
// plus task-container events from every node's own engine, folded into {nodes, services, tasks} and
// pushed to subscribers as a snapshot then small diffs. The model follows the swarm, not one engine: the
// manager it reads from is pinged every half second, and when it stops answering (or its listings or event
// stream fail) the watcher moves to whichever other manager answers first; while none answers it says so
// (source 'manager' lost: "no manager answers") and keeps trying. After any reconnect the model resyncs in full.
import type { EngineConnection } from '../engine';
import { streamEngineEvents } from '../engine/events';
import type { ClusterModel, ModelEvent } from '../../api/domains/swarm';
import { log } from '../log';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { buildModel, diffModels, dirtyFor, emptyModel, isSettling, type Dirty, type EngineEventJson, type Timelines } from './cluster-model';
import { requireManager } from './swarm';
import { nodeAddr, type RawNode, type RawService, type RawTask } from './mappers';
import { errText, sleep, untilAborted, type Candidate, type Watched, type WatcherOptions } from './watch-util';

export type { WatcherOptions } from './watch-util';

type Listener = (e: ModelEvent) => void;

export class ClusterWatcher {
  private current: ClusterModel = emptyModel();
  private raw: { nodes: RawNode[]; services: RawService[]; tasks: RawTask[] } = { nodes: [], services: [], tasks: [] };
  private readonly timelines: Timelines = new Map();
  private readonly listeners = new Set<Listener>();
  private readonly ac = new AbortController();
  private readonly nodeSources = new Map<string, AbortController>();
  private dirty: Dirty = { nodes: true, services: true, tasks: true };
  private refreshing: Promise<void> | undefined;
  private again = false;
  private lastEventAt = 0;
  private started: Promise<void> | undefined;
  private loaded = false;
  private watched: Watched | undefined;
  private originNodeId: string | undefined;
  private switching: Promise<void> | undefined;
  private readonly opts: Required<WatcherOptions>;

  constructor(
    private readonly cluster: Cluster,
    opts: WatcherOptions = {},
  ) {
    this.opts = {
      resyncMs: 15_000,
      settleMs: 400,
      backoffMinMs: 250,
      backoffMaxMs: 5_000,
      requestTimeoutMs: 10_000,
      probeMs: 500,
      probeTimeoutMs: 2_000,
      failoverTimeoutMs: 3_000,
      failoverRetryMaxMs: 2_000,
      ...opts,
    };
  }

  /** Loads the first full model and starts the sources; resolves once the first snapshot exists. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const info = await requireManager(this.cluster.manager);
      this.originNodeId = info.NodeID;
      this.watched = { conn: this.cluster.manager, name: this.cluster.manager.url, nodeId: info.NodeID, ac: new AbortController() };
      await this.refresh(true);
      this.watched.name = this.hostnameOf(this.watched.nodeId) ?? this.watched.name;
      this.startManagerSource(this.watched);
      void this.timers();
      void this.probe();
    })();
    return this.started;
  }

  model(): ClusterModel {
    return this.current;
  }

  /** the hostname (or URL) of the manager the model reads from now */
  managerName(): string | undefined {
    return this.watched?.name;
  }

  /** Sends the snapshot now, then every diff; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    fn({ type: 'snapshot', model: this.current, at: Date.now() });
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private readonly fatalListeners = new Set<(e: Error) => void>();

  /** called once when the watcher gives up (every manager connection it had was closed by its owner) */
  onFatal(fn: (e: Error) => void): () => void {
    this.fatalListeners.add(fn);
    return () => this.fatalListeners.delete(fn);
  }

  private fatal(e: Error): void {
    for (const fn of this.fatalListeners) fn(e);
    this.stop();
  }

  stop(): void {
    this.ac.abort();
    this.watched?.ac.abort();
    for (const c of this.nodeSources.values()) c.abort();
    this.nodeSources.clear();
    this.listeners.clear();
  }

  private emit(e: ModelEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn(`swarm model subscriber failed: ${(err as Error).message}`);
      }
    }
  }

  private hostnameOf(nodeId: string | undefined): string | undefined {
    return nodeId ? this.raw.nodes.find((n) => n.ID === nodeId)?.Description?.Hostname : undefined;
  }

  /** Marks listings stale and refreshes them (coalesced: at most one refresh runs, one more queues). */
  markDirty(d: Partial<Dirty>): Promise<void> {
    this.dirty = { nodes: this.dirty.nodes || Boolean(d.nodes), services: this.dirty.services || Boolean(d.services), tasks: this.dirty.tasks || Boolean(d.tasks) };
    return this.refresh(false);
  }

  private refresh(full: boolean): Promise<void> {
    if (full) this.dirty = { nodes: true, services: true, tasks: true };
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const d0 = this.dirty;
    if (!d0.nodes && !d0.services && !d0.tasks) return Promise.resolve(); // e.g. a network event: nothing to list
    // The loop's own promise is cleared when it settles. (It used to clear itself in a `finally` inside the
    // async function: when the loop ended without awaiting, that ran before the assignment, so `refreshing`
    // kept a settled promise forever and every later refresh was skipped: the model froze after the first
    // network event, e.g. on any stack deploy.)
    const run = (async () => {
      await Promise.resolve();
      do {
        this.again = false;
        const d = this.dirty;
        this.dirty = { nodes: false, services: false, tasks: false };
        if (!d.nodes && !d.services && !d.tasks) break;
        await this.load(d);
      } while (this.again && !this.ac.signal.aborted);
    })();
    this.refreshing = run;
    const clear = (): void => {
      if (this.refreshing !== run) return;
      this.refreshing = undefined;
      // marked dirty after the loop's last check: run again rather than wait for the next event
      if (this.again && !this.ac.signal.aborted) this.refresh(false).catch((e: Error) => log.warn(`swarm model: refresh failed (${e.message})`));
    };
    run.then(clear, clear);
    return run;
  }

  private requeue(d: Dirty): void {
    this.dirty = { nodes: this.dirty.nodes || d.nodes, services: this.dirty.services || d.services, tasks: this.dirty.tasks || d.tasks };
  }

  private async load(d: Dirty): Promise<void> {
    const w = this.watched;
    if (!w || w.ac.signal.aborted) {
      // the manager is being replaced: the switch refreshes in full once another one answers
      this.requeue(d);
      return;
    }
    const docker = w.conn.docker;
    // a request that never gets an answer would hold every later refresh (they coalesce into this one) and freeze the
    // model; leaving this manager (w.ac) abandons it at once
    const o = { abortSignal: AbortSignal.any([this.ac.signal, w.ac.signal, AbortSignal.timeout(this.opts.requestTimeoutMs)]) };
    try {
      // the signal ends a request the engine is slow to answer, but not a connection still being dialled: race it too
      const [nodes, services, tasks] = await untilAborted(
        Promise.all([
          d.nodes ? (docker.listNodes(o) as Promise<RawNode[]>) : Promise.resolve(this.raw.nodes),
          d.services ? (docker.listServices(o) as Promise<RawService[]>) : Promise.resolve(this.raw.services),
          d.tasks || d.services ? (docker.listTasks(o) as Promise<RawTask[]>) : Promise.resolve(this.raw.tasks),
        ]),
        o.abortSignal,
        `no answer within ${this.opts.requestTimeoutMs / 1000} s`,
      );
      if (w !== this.watched) {
        // answered by a manager left meanwhile: the new one's listing is the one to show
        this.requeue(d);
        return;
      }
      this.raw = { nodes, services, tasks };
      this.loaded = true;
    } catch (e) {
      this.requeue(d);
      if (this.ac.signal.aborted || w.ac.signal.aborted) return;
      if (!this.loaded) throw e;
      // the manager is restarting, unreachable, too slow or without a leader: keep the last model and find one that answers
      log.warn(`swarm model: listing from ${w.name} failed (${errText(e)}); keeping the last model`);
      void this.failover(w, `listing the swarm from ${w.name} failed (${errText(e)})`);
      return;
    }
    const next = buildModel(this.raw.nodes, this.raw.services, this.raw.tasks, this.timelines);
    const changes = diffModels(this.current, next);
    this.current = next;
    if (changes.length) this.emit({ type: 'diff', changes, at: Date.now() });
    if (d.nodes) this.syncNodeSources();
  }

  /** One container-event source per ready node; started/stopped as nodes come and go. */
  private syncNodeSources(): void {
    if (this.ac.signal.aborted) return;
    const want = new Map(this.raw.nodes.filter((n) => n.Status?.State === 'ready' && nodeAddr(n)).map((n) => [n.ID, n]));
    for (const [id, c] of this.nodeSources) {
      if (!want.has(id)) {
        c.abort();
        this.nodeSources.delete(id);
        const n = this.raw.nodes.find((x) => x.ID === id);
        const state = n?.Status?.State;
        this.emit({ type: 'source', source: `node ${n?.Description?.Hostname ?? id}`, connected: false, error: n ? `the managers see the node ${state}` : 'the node left the swarm', at: Date.now() });
      }
    }
    for (const [id, n] of want) {
      if (this.nodeSources.has(id)) continue;
      const c = new AbortController();
      this.nodeSources.set(id, c);
      const ref = { id, hostname: n.Description?.Hostname ?? id, addr: nodeAddr(n) };
      void this.runSource(`node ${ref.hostname}`, () => this.cluster.connectNode(ref), { type: ['container'], label: ['com.docker.swarm.task.id'] }, c.signal);
    }
  }

  private startManagerSource(w: Watched): void {
    void this.runSource('manager', w.conn, { type: ['service', 'node', 'secret', 'config', 'network'] }, w.ac.signal, {
      via: w.name,
      onBroken: (e) => void this.failover(w, `the event stream from ${w.name} broke (${errText(e)})`),
    });
  }

  /**
   * Keeps one event source open: reconnects with backoff, and resyncs in full after each reconnect. The manager's
   * source does not retry by itself: `onBroken` hands it to the failover, which may pick another manager.
   */
  private async runSource(
    name: string,
    conn: EngineConnection | (() => Promise<EngineConnection>),
    filters: Record<string, string[]>,
    own?: AbortSignal,
    manager?: { via: string; onBroken(e: Error): void },
  ): Promise<void> {
    const signal = own ? AbortSignal.any([this.ac.signal, own]) : this.ac.signal;
    let backoff = this.opts.backoffMinMs;
    let first = true;
    let connected = false;
    while (!signal.aborted) {
      try {
        const c = typeof conn === 'function' ? await conn() : conn;
        await streamEngineEvents<EngineEventJson>(
          c,
          filters,
          signal,
          (e) => {
            this.lastEventAt = Date.now();
            this.markDirty(dirtyFor(e)).catch((err: Error) => log.warn(`swarm model: refresh failed (${err.message})`));
          },
          () => {
            backoff = this.opts.backoffMinMs;
            if (!first || !connected) this.emit({ type: 'source', source: name, connected: true, ...(manager ? { via: manager.via } : {}), at: Date.now() });
            connected = true;
            // a (re)connected source may have missed changes: resync everything
            if (!first) void this.refresh(true);
            first = false;
          },
        );
        if (signal.aborted) break;
        throw new Error('event stream ended');
      } catch (e) {
        if (signal.aborted) break;
        if (manager) return manager.onBroken(e as Error);
        first = false;
        if (connected) this.emit({ type: 'source', source: name, connected: false, error: (e as Error).message, at: Date.now() });
        connected = false;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.opts.backoffMaxMs);
        void this.refresh(true);
      }
    }
  }

  /** Pings the watched manager: no answer within probeTimeoutMs hands it to the failover. */
  private async probe(): Promise<void> {
    while (!this.ac.signal.aborted) {
      await sleep(this.opts.probeMs, this.ac.signal);
      const w = this.watched;
      if (!w || this.switching || this.ac.signal.aborted) continue;
      const timeout = AbortSignal.timeout(this.opts.probeTimeoutMs);
      // dockerode's typings know no options on ping; docker-modem honours abortSignal
      const ping = w.conn.docker.ping.bind(w.conn.docker) as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      try {
        const signal = AbortSignal.any([this.ac.signal, w.ac.signal, timeout]);
        // raced too: the modem's abort does not end a connection still being dialled (a frozen host accepts TCP, never TLS)
        await untilAborted(ping({ abortSignal: signal }), signal, 'aborted');
      } catch (e) {
        if (this.ac.signal.aborted || w.ac.signal.aborted) continue;
        const why = timeout.aborted ? `no answer to a ping within ${this.opts.probeTimeoutMs / 1000} s` : errText(e);
        await this.failover(w, `${w.name} stopped answering (${why})`);
      }
    }
  }

  /** the managers to try, the leader first, then the reachable ones, the one just left last */
  private candidates(from: Watched): Candidate[] {
    const managers = this.raw.nodes.filter((n) => n.Spec?.Role === 'manager' || n.ManagerStatus);
    const rank = (n: RawNode): number => (n.ID === from.nodeId ? 3 : n.ManagerStatus?.Leader ? 0 : n.ManagerStatus?.Reachability === 'reachable' ? 1 : 2);
    const list: Candidate[] = managers
      .sort((a, b) => rank(a) - rank(b))
      .map((n) => {
        const ref = { id: n.ID, hostname: n.Description?.Hostname ?? n.ID, addr: nodeAddr(n) };
        // the engine the caller gave stays the way to its own node; a closed one (its owner let it go) is opened again
        const viaNode = (): Promise<EngineConnection> => this.cluster.connectNode(ref);
        const connect = n.ID === this.originNodeId ? async () => this.cluster.manager : viaNode;
        return { name: ref.hostname, nodeId: n.ID, connect };
      });
    if (!list.some((c) => c.nodeId === from.nodeId)) list.push({ name: from.name, nodeId: from.nodeId, connect: async () => from.conn });
    return list;
  }

  /** Connects to a candidate and lists the nodes through it: a manager that can answer for the swarm. */
  private async tryManager(c: Candidate): Promise<Watched> {
    const limit = AbortSignal.timeout(this.opts.failoverTimeoutMs);
    const signal = AbortSignal.any([this.ac.signal, limit]);
    const slow = `no answer within ${this.opts.failoverTimeoutMs / 1000} s`;
    const conn = await untilAborted(c.connect(), signal, slow);
    try {
      await untilAborted(conn.docker.listNodes({ abortSignal: signal } as object), signal, slow);
    } catch (e) {
      if (!/connection was closed/.test(errText(e)) || c.nodeId !== this.originNodeId) throw e;
      // the caller's connection to this node was closed: reach the node the way every other node is reached
      const fresh = await untilAborted(this.cluster.connectNode({ id: c.nodeId ?? '', hostname: c.name, addr: nodeAddr(this.raw.nodes.find((n) => n.ID === c.nodeId) ?? { ID: '' }) }), signal, slow);
      await untilAborted(fresh.docker.listNodes({ abortSignal: signal } as object), signal, slow);
      return { conn: fresh, name: c.name, nodeId: c.nodeId, ac: new AbortController() };
    }
    return { conn, name: c.name, nodeId: c.nodeId, ac: new AbortController() };
  }

  /** Leaves the manager `from` for whichever manager answers first; single-flight. */
  private failover(from: Watched, reason: string): Promise<void> {
    if (this.watched !== from || this.ac.signal.aborted) return this.switching ?? Promise.resolve();
    this.switching ??= this.switchManager(from, reason).finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  private async switchManager(from: Watched, reason: string): Promise<void> {
    from.ac.abort(); // its event stream and pending listings end now
    const since = new Date().toISOString();
    log.warn(`swarm model: ${reason}; trying the other managers`);
    this.emit({ type: 'source', source: 'manager', connected: false, error: `${reason}; trying the other managers`, at: Date.now() });
    let wait = this.opts.backoffMinMs;
    let told = false;
    while (!this.ac.signal.aborted) {
      const cands = this.candidates(from);
      const attempts = cands.map((c) => this.tryManager(c));
      let next: Watched | undefined;
      try {
        next = await Promise.any(attempts);
      } catch (e) {
        const errors = e instanceof AggregateError ? e.errors : [e];
        const why = cands.map((c, i) => `${c.name}: ${errText(errors[i])}`).join('; ');
        if (errors.every((x) => /connection was closed/.test(errText(x))) && cands.length === 1) {
          // nothing left to ask: the only connection was closed by its owner; the subscriber starts over
          this.fatal(new Error(why));
          return;
        }
        if (!told) {
          told = true;
          this.emit({
            type: 'source',
            source: 'manager',
            connected: false,
            error: `no manager of the swarm answers (${why}); showing the swarm as of ${since}; retrying by itself: start a manager's machine or engine, or restore its network`,
            at: Date.now(),
          });
        }
        await sleep(wait, this.ac.signal);
        wait = Math.min(wait * 2, this.opts.failoverRetryMaxMs);
        continue;
      }
      // the losers' connections belong to the pool (or the caller): nothing to close here
      if (this.ac.signal.aborted) return;
      this.watched = next;
      log.info(`swarm model: reading the swarm from ${next.name} now`);
      await this.refresh(true).catch(() => undefined);
      this.startManagerSource(next);
      return;
    }
  }

  /** Safety-net resync, and short polling while the cluster is settling (tasks between states). */
  private async timers(): Promise<void> {
    let lastFull = Date.now();
    while (!this.ac.signal.aborted) {
      await sleep(this.opts.settleMs, this.ac.signal);
      if (this.ac.signal.aborted) break;
      const now = Date.now();
      try {
        if (now - lastFull >= this.opts.resyncMs) {
          lastFull = now;
          await this.refresh(true);
        } else if (isSettling(this.current) && now - this.lastEventAt < 120_000) {
          await this.markDirty({ tasks: true, nodes: true });
        }
      } catch (e) {
        // this loop is the model's safety net: one failed refresh must not end it
        log.warn(`swarm model: refresh failed (${(e as Error).message}); retrying`);
      }
    }
  }
}

/** Convenience for one subscriber: starts a watcher, streams events until the signal aborts. */
export async function watchClusterModel(cluster: Cluster, signal: AbortSignal, onEvent: Listener, opts?: WatcherOptions): Promise<void> {
  const w = new ClusterWatcher(cluster, opts);
  try {
    await w.start();
    w.subscribe(onEvent);
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      w.onFatal((e) => reject(new FlotillaError('UNREACHABLE', `the swarm model lost its manager connection (${e.message}); subscribe again`)));
    });
  } finally {
    w.stop();
  }
}
