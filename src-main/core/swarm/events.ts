// The live cluster model: one event stream from a manager (services, nodes, secrets, configs, networks)
// plus task-container events from every node's own engine, folded into {nodes, services, tasks} and
// pushed to subscribers as a snapshot then small diffs. A task container's event on its node shows the task's new state
// at once (starting, running, or shutdown when the managers asked for it: observed.ts), up to 100 ms before Swarm's
// dispatcher has stored what the node's agent reported; the listing it also asks for then confirms it.
// The model follows the swarm, not one engine: when the manager it reads from is lost, the watcher moves to another one
// (failover.ts picks it); while none answers it says so (source 'manager' lost: "no manager of the swarm answers") and
// keeps trying. After any reconnect the model resyncs in full.
//
// How a lost manager is noticed, and what that costs:
// - its event stream ends or fails (engine or machine killed, dockerd restarted, connection reset): at once, with no
//   request; the manager is left at once;
// - a silent loss (a frozen machine, packets dropped) by the probe (probe.ts): pings of the watched manager only (1 s
//   apart while the swarm changes, 4 s while idle), its transport reached every 0.5 s between them with no request;
//   marked stale within 1.5 s of a lost link or a frozen machine, idle or not. A failed listing leaves a manager only
//   if it is not heard otherwise.
// Idle cost, measured (`npm run bench -- scale`, BENCH_NODES=4, 2 min under `flotilla serve` opened 15 s after the last
// change, dockerd's debug log, load average about 6 on 2 cores): 19.2 requests a minute, all to the watched manager (13.1
// pings, 6 listings: the 15 s resync for the first minute after a change, then 60 s): 0.96 per node per minute at 20 nodes.
// With 20 nodes and the resync 30 s apart in that minute: 38 requests in 119 s, 0.96 per node per minute (40, 1.01, at 15 s).
// The move is bounded by design (failover.ts): from the stale mark, the rest of the give-up wait (1.5 s), then one round
// over the other managers (connect + ping 2 s, 1 s more for one that can list, none when the leader was lost): 4.5 s.
import { streamEngineEvents } from '../engine/events';
import type { ClusterModel, ModelEvent } from '../../api/domains/swarm';
import { log } from '../log';
import type { Cluster } from './cluster';
import { buildModel, diffModels, dirtyFor, emptyModel, isSettling, type Dirty, type EngineEventJson, type Timelines } from './cluster-model';
import { requireManager } from './swarm';
import { type RawNode, type RawService, type RawTask } from './mappers';
import { MoveLog, WATCHER_DEFAULTS, cadence, failoverBounds, settleDelay, type FailoverRecord, type WatcherOptions } from './watcher-options';
import { NodeSources } from './node-sources';
import { LEADER_CHECK_MS, candidates, listSwarm, pickManager, ping, type Picked, type Watched } from './failover';
import { Nap, Subscribers, Trailing, engineAnswered, errText, sleep, withDeadline } from './watch-util';
import { Prober, type ProbeHost } from './probe';
import { ObservedStates, hasHealthcheck, isTaskStart } from './observed';
import type { EngineConnection } from '../engine';

export type { WatcherOptions, FailoverRecord } from './watcher-options';

const MANAGER_EVENTS = { type: ['service', 'node', 'secret', 'config', 'network'] };

type Listener = (e: ModelEvent) => void;

export class ClusterWatcher {
  private current: ClusterModel = emptyModel();
  private raw: { nodes: RawNode[]; services: RawService[]; tasks: RawTask[] } = { nodes: [], services: [], tasks: [] };
  private readonly timelines: Timelines = new Map();
  private readonly listeners = new Subscribers<ModelEvent>('swarm model subscriber');
  private readonly ac = new AbortController();
  private readonly nodes: NodeSources;
  private dirty: Dirty = { nodes: true, services: true, tasks: true };
  private refreshing: Promise<void> | undefined;
  private again = false;
  private lastEventAt = 0;
  private started: Promise<void> | undefined;
  private loaded = false;
  private watched: Watched | undefined;
  private originNodeId: string | undefined;
  private switching: Promise<void> | undefined;
  /** set while the model is stale: from a loss until a listing succeeds again */
  private managerLost = false;
  private listRetry: Promise<void> | undefined;
  private readonly moves = new MoveLog();
  private readonly opts: Required<WatcherOptions>;
  private readonly echoes: Trailing[];
  /** what the watched manager's listings took lately (ms, a moving average): paces the settling poll (settleDelay) */
  private listingMs = 0;
  private readonly nap = new Nap();
  /** task states the nodes' engines showed before the managers stored them (observed.ts) */
  private readonly observed = new ObservedStates();
  private rebuildQueued = false;

  constructor(
    private readonly cluster: Cluster,
    opts: WatcherOptions = {},
  ) {
    this.opts = { ...WATCHER_DEFAULTS, ...opts };
    this.echoes = [this.opts.echoMs, this.opts.echoAgainMs].filter((ms) => ms > 0).map((ms) => new Trailing(ms, () => void this.markDirty({ tasks: true }).catch(() => undefined), this.ac.signal));
    this.nodes = new NodeSources(cluster, this.ac.signal, {
      backoffMinMs: this.opts.backoffMinMs,
      backoffMaxMs: this.opts.backoffMaxMs,
      emit: (e) => this.emit(e),
      onEvent: (e, from) => this.onEngineEvent(e, from),
      resync: () => void this.refresh(true).catch(() => undefined),
    });
  }

  /** Loads the first full model and starts the sources; resolves once the first snapshot exists. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const info = await requireManager(this.cluster.manager);
      this.originNodeId = info.NodeID;
      this.watched = { conn: this.cluster.manager, name: this.cluster.manager.url, nodeId: info.NodeID, ac: new AbortController(), aliveAt: Date.now() };
      await this.firstListing(this.watched);
      this.watched.name = this.hostnameOf(this.watched.nodeId) ?? this.watched.name;
      void this.runManagerSource(this.watched);
      void this.timers();
      void new Prober(this.probeHost()).run();
    })();
    return this.started;
  }

  model = (): ClusterModel => this.current;

  /** The first full listing. One the manager did not answer in time (a loaded machine: seen over 10 s) is made again,
   * twice, after 0.5 then 1 s; an answer that refuses (not a manager, no leader) fails at once, as the engine said it. */
  private async firstListing(w: Watched): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.refresh(true);
        return;
      } catch (e) {
        if (attempt >= 3 || engineAnswered(e) || this.ac.signal.aborted) throw e;
        log.warn(`swarm model: the first listing from ${w.name} failed (${errText(e)}); listing again (${attempt + 1} of 3)`);
        await sleep(this.opts.backoffMinMs * 2 ** attempt, this.ac.signal);
      }
    }
  }

  /** the hostname (or URL) of the manager the model reads from now */
  managerName = (): string | undefined => this.watched?.name;

  /** the moves from a lost manager so far (the last 20), oldest first, with their timestamps */
  failovers(): readonly FailoverRecord[] {
    return this.moves.all();
  }

  /** true while the watcher pings each probeMs (the swarm changed lately, tasks settle, or the model is stale); false
   * while idle (watcher-options.ts cadence) */
  watchful(): boolean {
    return this.cadence().watchful;
  }

  /** the failover bounds by design (watcher-options.ts failoverBounds) */
  failoverBoundMs(): { noticeMs: number; moveMs: number } {
    return failoverBounds(this.opts);
  }

  /** Sends the snapshot now, then every diff; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    fn({ type: 'snapshot', model: this.current, at: Date.now() });
    return this.listeners.add(fn);
  }

  private readonly fatalListeners = new Subscribers<Error>('swarm model fatal listener');

  /** called once when the watcher gives up (every manager connection it had was closed by its owner) */
  onFatal(fn: (e: Error) => void): () => void {
    return this.fatalListeners.add(fn);
  }

  private fatal(e: Error): void {
    this.fatalListeners.emit(e);
    this.stop();
  }

  stop(): void {
    this.ac.abort();
    this.watched?.ac.abort();
    this.nodes.stop();
    this.listeners.clear();
  }

  private emit = (e: ModelEvent): void => this.listeners.emit(e);

  private lostManager(error: string): void {
    this.managerLost = true;
    this.emit({ type: 'source', source: 'manager', connected: false, error, at: Date.now() });
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
    // The loop's own promise is cleared when it settles (a `finally` inside it ran before the assignment when it did not
    // await, so a settled promise stayed in `refreshing` and every later refresh was skipped: the model froze).
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
    const listedFrom = Date.now();
    try {
      // a request never answered would hold every later refresh (they coalesce) and freeze the model: deadlines, w.ac on
      // leaving; while stale, a listing that waits on a dead leader is made again once a leader answers (listSwarm)
      const { nodes, services, tasks } = await listSwarm(w.conn, d, this.raw, {
        signals: [this.ac.signal, w.ac.signal],
        timeoutMs: this.opts.requestTimeoutMs,
        leaderCheckMs: this.managerLost ? LEADER_CHECK_MS : undefined, // stale: a listing may wait on a dead leader
      });
      if (w !== this.watched) {
        // answered by a manager left meanwhile: the new one's listing is the one to show
        this.requeue(d);
        return;
      }
      this.raw = { nodes, services, tasks };
      const took = Date.now() - listedFrom;
      this.listingMs = this.listingMs ? this.listingMs * 0.7 + took * 0.3 : took;
      this.nap.wake(); // the timer's next look counts from this listing
      this.loaded = true;
      w.aliveAt = Date.now();
    } catch (e) {
      this.requeue(d);
      if (this.ac.signal.aborted || w.ac.signal.aborted) return;
      if (!this.loaded) throw e;
      const why = `listing the swarm from ${w.name} failed after ${((Date.now() - listedFrom) / 1000).toFixed(1)} s (${errText(e)})`;
      log.warn(`swarm model: ${why}; keeping the last model`);
      void this.listingFailed(w, e, why);
      return;
    }
    this.rebuild();
    if (this.managerLost && w === this.watched) {
      // fresh again (after the diff that makes the model true): the loss is over; stay watchful a while (cadence)
      this.managerLost = false;
      this.lastEventAt = Date.now();
      this.moves.stamp(w.name, 'listedAt');
      log.info(`swarm model: ${w.name} listed the swarm (in ${Date.now() - listedFrom} ms): the model is fresh again`);
      this.emit({ type: 'source', source: 'manager', connected: true, via: w.name, at: Date.now() });
    }
    if (d.nodes) this.nodes.sync(this.raw.nodes);
  }

  /** A listing failed: the manager is left only if it is not heard otherwise (the probe's pings while the listing waited,
   * else one more ping). A follower's listing waits on a dead leader while the swarm elects another; leaving it for that
   * made a second move after every killed watched leader. */
  private async listingFailed(w: Watched, e: unknown, why: string): Promise<void> {
    let alive = engineAnswered(e) || Date.now() - w.aliveAt <= this.opts.probeGiveUpMs;
    if (!alive) alive = await ping(w.conn, withDeadline([this.ac.signal, w.ac.signal], this.opts.probeGiveUpMs)).then(() => true, () => false);
    if (this.ac.signal.aborted || w.ac.signal.aborted || w !== this.watched) return;
    if (alive) {
      // the engine answers but cannot speak for the swarm (no leader yet, demoted...): stay unless another can
      w.aliveAt = Date.now();
      this.retryListing(w, why);
    } else void this.failover(w, why);
  }

  /** A manager that answers but cannot list (no leader yet, or it left the swarm): another that lists is taken when there
   * is one; else the listing is retried with backoff, the model marked stale. */
  private retryListing(w: Watched, why: string): void {
    if (this.listRetry) return;
    this.lostManager(`${why}; reading from ${w.name}, retrying by itself`);
    const startedAt = Date.now();
    this.listRetry = (async () => {
      let wait = this.opts.backoffMinMs;
      const going = (): boolean => w === this.watched && this.managerLost && !w.ac.signal.aborted && !this.ac.signal.aborted;
      while (going()) {
        const signal = AbortSignal.any([this.ac.signal, w.ac.signal]);
        await sleep(wait, signal);
        wait = Math.min(wait * 2, this.opts.failoverRetryMaxMs);
        await this.refresh(true).catch(() => undefined);
        if (!going()) return;
        // still no listing here: another manager that can list (this one may be cut off from the rest)
        const other = await this.otherLister(w, signal);
        if (other && going()) {
          log.info(`swarm model: ${other.watched.name} can list the swarm, ${w.name} cannot: reading from ${other.watched.name}`);
          w.ac.abort();
          this.moves.record({ from: w.name, reason: why, lostAt: startedAt, leftAt: Date.now(), rounds: 1, to: other.watched.name });
          this.adopt(other.watched);
          return;
        }
      }
    })().finally(() => {
      this.listRetry = undefined;
    });
  }

  /** The model from the last listing and the states the nodes showed since; subscribers get what changed. */
  private rebuild(): void {
    const next = buildModel(this.raw.nodes, this.raw.services, this.observed.apply(this.raw.tasks), this.timelines);
    const changes = diffModels(this.current, next);
    this.current = next;
    if (changes.length) this.emit({ type: 'diff', changes, at: Date.now() });
  }

  /** A node's engine showed a task's new state: shown now, not after the managers stored it (observed.ts). The events of
   * one moment (a scale of many tasks) are folded in one rebuild. */
  private noteObserved(e: EngineEventJson, started?: { healthcheck: boolean }): void {
    if (!this.loaded || this.ac.signal.aborted) return;
    if (!this.observed.note(e, (id) => this.raw.tasks.find((t) => t.ID === id)?.DesiredState, Date.now(), started) || this.rebuildQueued) return;
    this.rebuildQueued = true;
    setImmediate(() => {
      this.rebuildQueued = false;
      if (!this.ac.signal.aborted) this.rebuild();
    });
  }

  private onEngineEvent(e: EngineEventJson, from?: EngineConnection): void {
    this.lastEventAt = Date.now();
    // a started container is running only without a healthcheck (else once healthy): its node says which
    if (from && isTaskStart(e) && this.loaded) {
      const id = e.Actor?.ID ?? '';
      from.docker
        .getContainer(id)
        .inspect({ abortSignal: withDeadline([this.ac.signal], this.opts.probeGiveUpMs) } as object)
        .then((c: { Config?: { Healthcheck?: { Test?: string[] } } }) => this.noteObserved(e, { healthcheck: hasHealthcheck(c.Config) }))
        .catch(() => undefined); // not answered: the managers' listing says it
    } else this.noteObserved(e);
    const d = dirtyFor(e);
    this.markDirty(d).catch((err: Error) => log.warn(`swarm model: refresh failed (${err.message})`));
    if (d.tasks) for (const echo of this.echoes) echo.poke(); // tasks listed again when the dispatcher has stored them (WatcherOptions.echoMs, echoAgainMs)
  }

  /** The watched manager's event stream. It does not retry by itself: a break hands the manager to the failover. */
  private async runManagerSource(w: Watched): Promise<void> {
    const signal = AbortSignal.any([this.ac.signal, w.ac.signal]);
    try {
      await streamEngineEvents<EngineEventJson>(
        w.conn,
        MANAGER_EVENTS,
        signal,
        (e) => {
          w.aliveAt = Date.now();
          this.onEngineEvent(e);
        },
        () => {
          w.aliveAt = Date.now();
          this.moves.stamp(w.name, 'streamingAt');
          if (this.managerLost) void this.refresh(true); // a moved model may have missed changes: resync everything
          else this.emit({ type: 'source', source: 'manager', connected: true, via: w.name, at: Date.now() });
        },
      );
      if (signal.aborted) return;
      throw new Error('event stream ended');
    } catch (e) {
      if (signal.aborted) return;
      void this.failover(w, `the event stream from ${w.name} broke (${errText(e)})`);
    }
  }

  /** what the probe (probe.ts) reads and does: the watched manager, the stale mark, the move to another one */
  private probeHost(): ProbeHost {
    return {
      signal: this.ac.signal,
      opts: this.opts,
      watched: () => (this.switching ? undefined : this.watched),
      pingPeriodMs: () => this.cadence().probeMs,
      markStale: (w, why) => {
        if (w !== this.watched || w.ac.signal.aborted || this.managerLost) return false;
        this.lostManager(why);
        return true;
      },
      answered: (w) => {
        // it answered after all: the stream never broke, the model missed nothing
        if (w !== this.watched || !this.managerLost || this.switching || this.listRetry) return;
        this.managerLost = false;
        this.emit({ type: 'source', source: 'manager', connected: true, via: w.name, at: Date.now() });
      },
      otherLister: (w, signal) => this.otherLister(w, signal),
      failover: (w, reason, picked) => this.failover(w, reason, picked),
    };
  }

  /** the ping and resync periods now (watcher-options.ts cadence: fast while watchful, slow while idle) */
  private cadence(): { watchful: boolean; probeMs: number; resyncMs: number } {
    const w = this.watched;
    const reached = Boolean(w?.conn.reach) && w?.reachedAt !== Number.POSITIVE_INFINITY;
    return cadence({ stale: this.managerLost, changedAt: this.lastEventAt, settling: isSettling(this.current), reached, now: Date.now() }, this.opts);
  }

  /** Leaves the manager `from` for whichever manager answers first; single-flight. */
  private failover(from: Watched, reason: string, picked?: Picked): Promise<void> {
    if (this.watched !== from || this.ac.signal.aborted) return this.switching ?? Promise.resolve();
    this.switching ??= this.switchManager(from, reason, picked).finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  /** another manager than `w` that answers and lists the swarm now (all asked at once), or undefined */
  private otherLister(w: Watched, signal: AbortSignal): Promise<Picked | undefined> {
    const others = candidates(this.raw.nodes, w, this.cluster, this.originNodeId).filter((c) => c.nodeId !== w.nodeId);
    const o = { timeoutMs: this.opts.failoverTimeoutMs, signal, cluster: this.cluster, originNodeId: this.originNodeId, nodes: this.raw.nodes };
    return pickManager(others, o).catch(() => undefined);
  }

  private async switchManager(from: Watched, reason: string, found?: Picked): Promise<void> {
    from.ac.abort(); // its event stream and pending listings end now
    log.warn(`swarm model: ${reason}; trying the other managers`);
    const now = Date.now();
    const move = this.moves.record({ from: from.name, reason, lostAt: from.slowSince ?? now, leftAt: now, rounds: 0 });
    this.lostManager(`${reason}; trying the other managers`);
    let wait = this.opts.backoffMinMs;
    let told = false;
    // the leader was left: none lists before Swarm elects another (10 s or more): the first to answer a ping is taken
    const ledSwarm = this.raw.nodes.some((n) => n.ID === from.nodeId && n.ManagerStatus?.Leader);
    while (!this.ac.signal.aborted) {
      move.rounds++;
      if (found) {
        move.to = found.watched.name;
        log.info(`swarm model: reading the swarm from ${found.watched.name} now`);
        return this.adopt(found.watched);
      }
      const cands = candidates(this.raw.nodes, from, this.cluster, this.originNodeId);
      const o = { timeoutMs: this.opts.failoverTimeoutMs, graceMs: ledSwarm ? 0 : this.opts.failoverGraceMs, signal: this.ac.signal, cluster: this.cluster, originNodeId: this.originNodeId, nodes: this.raw.nodes };
      try {
        const picked = await pickManager(cands, o);
        if (this.ac.signal.aborted) return;
        move.to = picked.watched.name;
        log.info(`swarm model: reading the swarm from ${picked.watched.name} now${picked.listed ? '' : ' (it cannot list the swarm yet)'}`);
        this.adopt(picked.watched);
        return;
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
          this.lostManager(`no manager of the swarm answers (${why}); retrying by itself: start a manager's machine or engine, or restore its network`);
        }
        await sleep(wait, this.ac.signal);
        wait = Math.min(wait * 2, this.opts.failoverRetryMaxMs);
      }
    }
  }

  /** reads from `w` from now on: its event stream first, then (on open) a full resync */
  private adopt(w: Watched): void {
    // the losers' connections belong to the pool (or the caller): nothing to close here
    this.watched = w;
    this.managerLost = true;
    void this.runManagerSource(w);
  }

  /** tasks between states (or a service updating) within two minutes of the last change: the timer polls */
  private settling(): boolean {
    return isSettling(this.current) && Date.now() - this.lastEventAt < 120_000;
  }

  /** Safety-net resync, and short polling while the cluster is settling (tasks between states). */
  private async timers(): Promise<void> {
    let lastFull = Date.now();
    while (!this.ac.signal.aborted) {
      // woken by a listing: the resync is still checked (listings made for events must not keep it from ever coming),
      // the settling poll waits its full time from that listing
      const woken = await this.nap.sleep(settleDelay(this.opts, { settling: this.settling(), sinceChangeMs: Date.now() - this.lastEventAt, listingMs: this.listingMs }), this.ac.signal);
      if (this.ac.signal.aborted) break;
      const now = Date.now();
      try {
        if (now - lastFull >= this.cadence().resyncMs) {
          lastFull = now;
          await this.refresh(true);
        } else if (!woken && this.settling()) {
          await this.markDirty({ tasks: true, nodes: true });
        }
      } catch (e) {
        // this loop is the model's safety net: one failed refresh must not end it
        log.warn(`swarm model: refresh failed (${(e as Error).message}); retrying`);
      }
    }
  }
}
