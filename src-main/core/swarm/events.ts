// The live cluster model: one event stream from the manager (services, nodes, secrets, configs, networks)
// plus task-container events from every node's own engine, folded into {nodes, services, tasks} and
// pushed to subscribers as a snapshot then small diffs. Sources reconnect on their own; after a
// reconnect (an engine restart) the model resyncs in full.
import type { EngineConnection } from '../engine';
import { streamEngineEvents } from '../engine/events';
import type { ClusterModel, ModelEvent } from '../../api/domains/swarm';
import { log } from '../log';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { buildModel, diffModels, dirtyFor, emptyModel, isSettling, type Dirty, type EngineEventJson, type Timelines } from './cluster-model';
import { requireManager } from './swarm';
import { nodeAddr, type RawNode, type RawService, type RawTask } from './mappers';

export interface WatcherOptions {
  /** full resync period as a safety net (ms, default 15 s) */
  resyncMs?: number;
  /** poll period while tasks are between states or a service updates (ms, default 400) */
  settleMs?: number;
  /** reconnect backoff bounds (ms) */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** a listing the manager has not answered by then is abandoned and retried (ms, default 10 s) */
  requestTimeoutMs?: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

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
  private readonly opts: Required<WatcherOptions>;

  constructor(
    private readonly cluster: Cluster,
    opts: WatcherOptions = {},
  ) {
    this.opts = { resyncMs: 15_000, settleMs: 400, backoffMinMs: 250, backoffMaxMs: 5_000, requestTimeoutMs: 10_000, ...opts };
  }

  /** Loads the first full model and starts the sources; resolves once the first snapshot exists. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await requireManager(this.cluster.manager);
      await this.refresh(true);
      void this.runSource('manager', this.cluster.manager, { type: ['service', 'node', 'secret', 'config', 'network'] });
      void this.timers();
    })();
    return this.started;
  }

  model(): ClusterModel {
    return this.current;
  }

  /** Sends the snapshot now, then every diff; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    fn({ type: 'snapshot', model: this.current, at: Date.now() });
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private readonly fatalListeners = new Set<(e: Error) => void>();

  /** called once when the watcher gives up (its manager connection was closed) */
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

  private async load(d: Dirty): Promise<void> {
    const docker = this.cluster.manager.docker;
    // a request that never gets an answer would hold every later refresh (they coalesce into this one) and freeze the model
    const o = { abortSignal: AbortSignal.any([this.ac.signal, AbortSignal.timeout(this.opts.requestTimeoutMs)]) };
    try {
      const [nodes, services, tasks] = await Promise.all([
        d.nodes ? (docker.listNodes(o) as Promise<RawNode[]>) : Promise.resolve(this.raw.nodes),
        d.services ? (docker.listServices(o) as Promise<RawService[]>) : Promise.resolve(this.raw.services),
        d.tasks || d.services ? (docker.listTasks(o) as Promise<RawTask[]>) : Promise.resolve(this.raw.tasks),
      ]);
      this.raw = { nodes, services, tasks };
      this.loaded = true;
    } catch (e) {
      // the manager is restarting, unreachable or too slow: keep the last model; the timers and the source loop retry
      if (!this.ac.signal.aborted && /engine connection was closed/.test((e as Error).message)) {
        // the connection itself is gone (its engine was removed or stopped): retrying it cannot help; end
        // the model so the subscriber starts over on a fresh connection
        this.fatal(e as Error);
        return;
      }
      if (!this.ac.signal.aborted) log.warn(`swarm model: listing from the manager failed (${(e as Error).message}); keeping the last model and retrying`);
      this.dirty = { nodes: this.dirty.nodes || d.nodes, services: this.dirty.services || d.services, tasks: this.dirty.tasks || d.tasks };
      if (!this.loaded) throw e;
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

  /** Keeps one event source open: reconnects with backoff, and resyncs in full after each reconnect. */
  private async runSource(name: string, conn: EngineConnection | (() => Promise<EngineConnection>), filters: Record<string, string[]>, own?: AbortSignal): Promise<void> {
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
            if (!first || !connected) this.emit({ type: 'source', source: name, connected: true, at: Date.now() });
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
        first = false;
        if (connected) this.emit({ type: 'source', source: name, connected: false, error: (e as Error).message, at: Date.now() });
        connected = false;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.opts.backoffMaxMs);
        void this.refresh(true);
      }
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
