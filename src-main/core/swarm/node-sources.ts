// The cluster watcher's per-node sources (events.ts): one container-event stream per ready node's own engine (task
// containers only), started and stopped as nodes come and go, reconnected with backoff. A reconnect asks for a full
// resync (the stream may have missed changes); a lost node is said as source `node HOSTNAME`.
import type { EngineConnection } from '../engine';
import { streamEngineEvents } from '../engine/events';
import type { ModelEvent } from '../../api/domains/swarm';
import type { Cluster } from './cluster';
import type { EngineEventJson } from './cluster-model';
import { nodeAddr, type RawNode } from './mappers';
import { sleep } from './watch-util';

export interface NodeSourceHooks {
  backoffMinMs: number;
  backoffMaxMs: number;
  emit(e: ModelEvent): void;
  /** an event of one node's engine, with that engine's connection (to ask it more) */
  onEvent(e: EngineEventJson, from: EngineConnection): void;
  resync(): void;
}

const TASK_CONTAINERS = { type: ['container'], label: ['com.docker.swarm.task.id'] };

export class NodeSources {
  private readonly sources = new Map<string, AbortController>();

  constructor(
    private readonly cluster: Cluster,
    private readonly signal: AbortSignal,
    private readonly hooks: NodeSourceHooks,
  ) {}

  /** One source per ready node of `nodes`; the others' sources stop (and are said lost). */
  sync(nodes: RawNode[]): void {
    if (this.signal.aborted) return;
    const want = new Map(nodes.filter((n) => n.Status?.State === 'ready' && nodeAddr(n)).map((n) => [n.ID, n]));
    for (const [id, c] of this.sources) {
      if (!want.has(id)) {
        c.abort();
        this.sources.delete(id);
        const n = nodes.find((x) => x.ID === id);
        const state = n?.Status?.State;
        this.hooks.emit({ type: 'source', source: `node ${n?.Description?.Hostname ?? id}`, connected: false, error: n ? `the managers see the node ${state}` : 'the node left the swarm', at: Date.now() });
      }
    }
    for (const [id, n] of want) {
      if (this.sources.has(id)) continue;
      const c = new AbortController();
      this.sources.set(id, c);
      const ref = { id, hostname: n.Description?.Hostname ?? id, addr: nodeAddr(n) };
      void this.run(`node ${ref.hostname}`, () => this.cluster.connectNode(ref), c.signal);
    }
  }

  stop(): void {
    for (const c of this.sources.values()) c.abort();
    this.sources.clear();
  }

  /** Keeps one node's source open: reconnects with backoff, and resyncs in full after each reconnect. */
  private async run(name: string, conn: () => Promise<EngineConnection>, own: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([this.signal, own]);
    const h = this.hooks;
    let backoff = h.backoffMinMs;
    let first = true;
    let connected = false;
    while (!signal.aborted) {
      try {
        const c = await conn();
        await streamEngineEvents<EngineEventJson>(c, TASK_CONTAINERS, signal, (e) => h.onEvent(e, c), () => {
          backoff = h.backoffMinMs;
          if (!first || !connected) h.emit({ type: 'source', source: name, connected: true, at: Date.now() });
          connected = true;
          // a (re)connected source may have missed changes: resync everything
          if (!first) h.resync();
          first = false;
        });
        if (signal.aborted) break;
        throw new Error('event stream ended');
      } catch (e) {
        if (signal.aborted) break;
        first = false;
        if (connected) h.emit({ type: 'source', source: name, connected: false, error: (e as Error).message, at: Date.now() });
        connected = false;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, h.backoffMaxMs);
        h.resync();
      }
    }
  }
}
