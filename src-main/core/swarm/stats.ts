// Live resources of a swarm: CPU %, memory, network and block I/O of every running task, read from each node's own
// engine stats stream (GET /containers/{id}/stats?stream=true, the stream `docker stats` reads), and of every node as
// the sum over its running tasks (what `docker stats` would show summed), beside the node's CPUs and memory from its
// swarm node description (Description.Resources, which the node's engine reports from its own `info`).
//
// Why summed container stats and not a node figure: the engines offer no host CPU or used-memory figure (GET /info has
// NCPU and MemTotal only; the stats' system_cpu_usage is the host's total CPU time, not its busy time), and reading
// /proc needs a shell on the node, which an engine reached over TCP+TLS does not give. So a node's CPU % is its tasks'
// CPU % summed (100 = one CPU busy; up to cpus * 100), and containers that are not swarm tasks are not counted.
//
// Cost (stated in README "Live resources" and measured by `npm run bench -- stats`), only while subscribed:
//  - per node: one stats stream (one long-lived HTTP request; an SSH channel for ssh:// engines) per running task
//    container on it; the engine pushes one sample a second down each. Requests per node per minute: only the
//    stream (re)opens, i.e. ~0 in a steady state plus one per task that starts on it.
//  - the manager: a task listing every `discoverMs` (default 5 s: 12 a minute), a node and a service listing when an
//    unknown node or service shows up and at most every `refreshMs` (default 60 s).
//  - nothing at all when nobody subscribes: every stream is closed when the signal aborts.
// `stream: false` takes one sample like `docker stats --no-stream`: one request per running task (the engine waits for
// a second reading itself so the CPU % has a delta), plus the three manager listings.
import type { EngineConnection } from '../engine';
import type { NodeStats, StatsSample, TaskStats } from '../../api/domains/stats';
import type { Cluster } from './cluster';
import { engineCall } from './errors';
import { nodeAddr, type RawNode, type RawService, type RawTask } from './mappers';
import { rawTasks } from './tasks';
import { requireManager } from './swarm';
import { figures, type ContainerFigures, type RawStats } from './stats-math';

/** Counts what the stats reader asks of the engines (the bench reads it; tests may too). */
export class StatsMeter {
  /** per node id: requests made to its engine (stats streams opened, one-shot samples) */
  readonly nodeRequests = new Map<string, number>();
  /** per node id: stats streams open right now, and the most open at once */
  readonly openStreams = new Map<string, number>();
  readonly maxStreams = new Map<string, number>();
  /** per node id: samples the engine pushed */
  readonly samples = new Map<string, number>();
  /** task, node and service listings asked of the manager */
  managerRequests = 0;

  request(node: string): void {
    this.nodeRequests.set(node, (this.nodeRequests.get(node) ?? 0) + 1);
  }
  opened(node: string, delta: 1 | -1): void {
    const n = (this.openStreams.get(node) ?? 0) + delta;
    this.openStreams.set(node, n);
    this.maxStreams.set(node, Math.max(n, this.maxStreams.get(node) ?? 0));
  }
  sampled(node: string): void {
    this.samples.set(node, (this.samples.get(node) ?? 0) + 1);
  }
  /** streams open now over every node */
  totalOpen(): number {
    return [...this.openStreams.values()].reduce((a, b) => a + b, 0);
  }
}

export interface StatsOptions {
  /** false: one sample, then return (as `docker stats --no-stream`) */
  stream: boolean;
  signal: AbortSignal;
  /** how often a sample is emitted while streaming (default 2000 ms) */
  intervalMs?: number;
  /** how often the manager is asked which tasks run where (default 5000 ms) */
  discoverMs?: number;
  /** the longest the node and service names are kept before they are listed again (default 60 s) */
  refreshMs?: number;
  meter?: StatsMeter;
}

interface Target {
  task: RawTask & { NodeID: string };
  containerId: string;
  service: string;
  serviceId: string;
  node: RawNode;
}

interface Reader {
  latest?: ContainerFigures;
  stop(): void;
}

const running = (t: RawTask): t is RawTask & { NodeID: string } => t.Status.State === 'running' && Boolean(t.NodeID) && Boolean(t.Status.ContainerStatus?.ContainerID);

/** The container name swarm gives a task: service.slot.taskid, or service.nodeid.taskid for a global service's task. */
export function taskContainerName(service: string, slot: number | undefined, nodeId: string, taskId: string): string {
  return `${service}.${slot ? slot : nodeId}.${taskId}`;
}

/** task listings that may fail in a row (a loaded manager) before the stream gives up */
const MAX_DISCOVER_FAILURES = 3;

/** Reads the stats of every running task of the swarm; emits samples until the signal aborts (or once, without stream). */
export async function watchSwarmStats(cluster: Cluster, opts: StatsOptions, emit: (s: StatsSample) => void): Promise<void> {
  const { manager } = cluster;
  const meter = opts.meter ?? new StatsMeter();
  const discoverMs = opts.discoverMs ?? 5000;
  const refreshMs = opts.refreshMs ?? 60_000;
  await requireManager(manager);
  meter.managerRequests++;

  const nodes = new Map<string, RawNode>();
  const services = new Map<string, string>();
  let listedAt = 0;
  const listNames = async (): Promise<void> => {
    meter.managerRequests += 2;
    const [ns, ss] = await Promise.all([engineCall(() => manager.docker.listNodes()) as Promise<RawNode[]>, engineCall(() => manager.docker.listServices()) as Promise<RawService[]>]);
    nodes.clear();
    for (const n of ns) nodes.set(n.ID, n);
    services.clear();
    for (const s of ss) services.set(s.ID, s.Spec.Name);
    listedAt = Date.now();
  };
  const discover = async (): Promise<Target[]> => {
    meter.managerRequests++;
    const tasks = (await rawTasks(manager, { 'desired-state': ['running'] })).filter(running);
    const stale = Date.now() - listedAt > refreshMs;
    if (stale || tasks.some((t) => !nodes.has(t.NodeID) || !services.has(t.ServiceID))) await listNames();
    return tasks.flatMap((t) => {
      const node = nodes.get(t.NodeID);
      const service = services.get(t.ServiceID);
      return node && service ? [{ task: t, containerId: t.Status.ContainerStatus!.ContainerID!, service, serviceId: t.ServiceID, node }] : [];
    });
  };
  const nodeErrors = new Map<string, string>();
  const connect = async (n: RawNode): Promise<EngineConnection | undefined> => {
    try {
      const c = await cluster.connectNode({ id: n.ID, hostname: n.Description?.Hostname ?? n.ID, addr: nodeAddr(n) });
      nodeErrors.delete(n.ID);
      return c;
    } catch (e) {
      nodeErrors.set(n.ID, `the engine of node ${n.Description?.Hostname ?? n.ID} cannot be reached: ${(e as Error).message}`);
      return undefined;
    }
  };

  if (!opts.stream) {
    const targets = await discover();
    const got = new Map<string, ContainerFigures>();
    await Promise.all(
      targets.map(async (t) => {
        const conn = await connect(t.node);
        if (!conn) return;
        meter.request(t.node.ID);
        try {
          const raw = (await statsRequest(conn, t.containerId, false, opts.signal)) as RawStats;
          meter.sampled(t.node.ID);
          got.set(t.containerId, figures(raw));
        } catch {
          // the task stopped between the listing and the request: it is left out, as docker stats leaves out a gone container
        }
      }),
    );
    if (!opts.signal.aborted) emit(buildSample(nodes, targets, (id) => got.get(id), nodeErrors));
    return;
  }

  const readers = new Map<string, Reader>();
  let targets: Target[] = [];
  /** no sample before the first listing: an empty one would say the swarm runs nothing */
  let discovered = false;
  const reconcile = async (): Promise<void> => {
    targets = await discover();
    discovered = true;
    const want = new Set(targets.map((t) => t.containerId));
    for (const [id, r] of readers) {
      if (!want.has(id)) {
        r.stop();
        readers.delete(id);
      }
    }
    for (const t of targets) {
      if (readers.has(t.containerId) || opts.signal.aborted) continue;
      const reader: Reader = { stop: () => undefined };
      readers.set(t.containerId, reader);
      void (async () => {
        const conn = await connect(t.node);
        if (!conn || opts.signal.aborted || readers.get(t.containerId) !== reader) {
          if (readers.get(t.containerId) === reader) readers.delete(t.containerId);
          return;
        }
        openReader(conn, t, reader, meter, () => {
          // the stream ended (the container stopped, or the connection dropped): the next reconcile reopens it if the task still runs
          if (readers.get(t.containerId) === reader) readers.delete(t.containerId);
        });
      })();
    }
  };

  if (opts.signal.aborted) return;
  await new Promise<void>((resolve, reject) => {
    let busy = false;
    let failures = 0;
    const tick = (): void => {
      if (busy || opts.signal.aborted) return;
      busy = true;
      reconcile()
        .then(() => {
          failures = 0;
        })
        .catch((e: unknown) => {
          // one listing lost to a slow manager keeps the streams and tries again at the next tick; a manager that
          // stops answering (MAX_DISCOVER_FAILURES in a row) ends the stream with the reason, to be subscribed again
          if (++failures >= MAX_DISCOVER_FAILURES || !discovered) finish(e instanceof Error ? e : new Error(String(e)));
        })
        .finally(() => {
          busy = false;
        });
    };
    const emitTimer = setInterval(() => {
      if (opts.signal.aborted || !discovered) return;
      try {
        emit(buildSample(nodes, targets, (id) => readers.get(id)?.latest, nodeErrors));
      } catch (e) {
        // the subscriber refused a sample (or it failed the contract): the stream ends with that error
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    }, opts.intervalMs ?? 2000);
    const finish = (err?: Error): void => {
      clearInterval(discoverTimer);
      clearInterval(emitTimer);
      opts.signal.removeEventListener('abort', onAbort);
      for (const r of readers.values()) r.stop();
      readers.clear();
      if (err && !opts.signal.aborted) reject(err);
      else resolve();
    };
    const onAbort = (): void => finish();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const discoverTimer = setInterval(tick, discoverMs);
    tick();
  });
}

/** Opens one container's stats stream on its node's engine and keeps the latest figures in `reader`. */
function openReader(conn: EngineConnection, t: Target, reader: Reader, meter: StatsMeter, onEnd: () => void): void {
  const ac = new AbortController();
  let ended = false;
  let counted = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    if (counted) meter.opened(t.node.ID, -1);
    onEnd();
  };
  reader.stop = () => {
    ac.abort();
    end();
  };
  meter.request(t.node.ID);
  statsRequest(conn, t.containerId, true, ac.signal)
    .then((res) => {
      const stream = res as NodeJS.ReadableStream & { destroy?: () => void };
      if (ended) {
        stream.destroy?.();
        return;
      }
      counted = true;
      meter.opened(t.node.ID, 1);
      const prevStop = reader.stop;
      reader.stop = () => {
        stream.destroy?.();
        prevStop();
      };
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
          if (!line) continue;
          try {
            reader.latest = figures(JSON.parse(line) as RawStats);
            meter.sampled(t.node.ID);
          } catch {
            // a line that is not JSON is skipped; the next second brings another
          }
        }
        // an engine sample is a few KiB: a line that never ends is not a sample, drop it rather than grow
        if (buf.length > 1 << 20) buf = '';
      });
      stream.on('end', end);
      stream.on('close', end);
      stream.on('error', end);
    })
    .catch(end);
}

/** GET /containers/{id}/stats through the engine connection's modem (the abort signal kept out of the query). */
function statsRequest(conn: EngineConnection, containerId: string, stream: boolean, signal: AbortSignal): Promise<unknown> {
  const modem = conn.docker.modem as unknown as { dial: (o: Record<string, unknown>, cb: (err: unknown, data: unknown) => void) => void };
  return new Promise((resolve, reject) =>
    modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/stats?`,
        method: 'GET',
        isStream: stream,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stream },
      },
      (err, data) => (err ? reject(err) : resolve(data)),
    ),
  );
}

/** One sample: every node of the swarm (hostname order) with its running tasks (service, slot order) and their sums. */
export function buildSample(nodes: Map<string, RawNode>, targets: Target[], latest: (containerId: string) => ContainerFigures | undefined, errors: Map<string, string>): StatsSample {
  const byNode = new Map<string, TaskStats[]>();
  for (const t of targets) {
    const f = latest(t.containerId);
    const row: TaskStats = {
      id: t.task.ID,
      serviceId: t.serviceId,
      service: t.service,
      slot: t.task.Slot ?? 0,
      nodeId: t.task.NodeID,
      containerId: t.containerId,
      name: taskContainerName(t.service, t.task.Slot, t.task.NodeID, t.task.ID),
      cpuPercent: f?.cpuPercent ?? 0,
      memoryBytes: f?.memoryBytes ?? 0,
      memoryLimitBytes: f?.memoryLimitBytes ?? 0,
      memoryPercent: f?.memoryPercent ?? 0,
      netRxBytes: f?.netRxBytes ?? 0,
      netTxBytes: f?.netTxBytes ?? 0,
      blockReadBytes: f?.blockReadBytes ?? 0,
      blockWriteBytes: f?.blockWriteBytes ?? 0,
      pids: f?.pids ?? 0,
      sampled: Boolean(f),
    };
    (byNode.get(t.task.NodeID) ?? byNode.set(t.task.NodeID, []).get(t.task.NodeID)!).push(row);
  }
  const out: NodeStats[] = [...nodes.values()].map((n) => {
    const tasks = (byNode.get(n.ID) ?? []).sort((a, b) => a.service.localeCompare(b.service) || a.slot - b.slot || a.id.localeCompare(b.id));
    const sum = (k: 'cpuPercent' | 'memoryBytes' | 'netRxBytes' | 'netTxBytes' | 'blockReadBytes' | 'blockWriteBytes'): number => tasks.reduce((a, t) => a + t[k], 0);
    const err = errors.get(n.ID);
    return {
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
      cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
      memoryTotalBytes: n.Description?.Resources?.MemoryBytes ?? 0,
      cpuPercent: sum('cpuPercent'),
      memoryUsedBytes: sum('memoryBytes'),
      netRxBytes: sum('netRxBytes'),
      netTxBytes: sum('netTxBytes'),
      blockReadBytes: sum('blockReadBytes'),
      blockWriteBytes: sum('blockWriteBytes'),
      tasks,
      ...(err ? { error: err } : {}),
    };
  });
  out.sort((a, b) => a.hostname.localeCompare(b.hostname));
  return { at: Date.now(), nodes: out };
}
