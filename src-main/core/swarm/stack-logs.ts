// Whole-stack logs: every service of a stack read through serviceLogs (the same demultiplexing, line cutting
// and task/node attribution as `service logs`), merged in time order, each line named by its service, slot and
// node so a caller can print docker's `service.slot.taskid@node` prefix.
//
// The backlog (each service's --tail / --since lines) is gathered and sorted by timestamp before anything is
// sent: the engine sends a service's tasks one after another, so arrival order is not time order. With follow,
// the live part then starts where the backlog ended (a few seconds back, lines already sent dropped per task)
// and passes lines on as they arrive.
import type { EngineConnection } from '../engine';
import type { StackLogLine } from '../../api/domains/stacks';
import type { LogLine } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { engineCall } from './errors';
import { serviceLogs, type LogOptions } from './logs';
import type { RawService } from './mappers';
import { rawNodes } from './nodes';
import { rawTasks } from './tasks';

const NAMESPACE = 'com.docker.stack.namespace';

/** RFC 3339 with its fraction padded to 9 digits, so two timestamps compare as text (the engine drops trailing zeros). */
export function timeKey(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : ts;
}

/** Stable sort by timestamp (lines without one keep their place relative to each other at the front). */
export function byTime<T extends { timestamp?: string }>(lines: T[]): T[] {
  return lines
    .map((l, i) => ({ l, i, k: l.timestamp ? timeKey(l.timestamp) : '' }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.l);
}

/** The services of a stack (by the label `docker stack deploy` sets), by name; refused with docker's words when there are none. */
export async function stackServiceList(manager: EngineConnection, stack: string): Promise<RawService[]> {
  const all = (await engineCall(() => manager.docker.listServices({ filters: { label: [`${NAMESPACE}=${stack}`] } }))) as RawService[];
  if (!all.length) throw new FlotillaError('NOT_FOUND', `Nothing found in stack: ${stack} (list stacks with \`flotilla stack ls\`)`);
  return all.sort((a, b) => (a.Spec.Name < b.Spec.Name ? -1 : a.Spec.Name > b.Spec.Name ? 1 : 0));
}

/** Names lines: task -> slot, node -> name, read once and again only for a task or node not seen yet. */
class Namer {
  private slots = new Map<string, number>();
  private nodes = new Map<string, string>();
  private loading: Promise<void> | undefined;
  constructor(private readonly manager: EngineConnection) {}

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const [tasks, nodes] = await Promise.all([rawTasks(this.manager), rawNodes(this.manager)]);
      for (const t of tasks) this.slots.set(t.ID, t.Slot ?? 0);
      for (const n of nodes) this.nodes.set(n.ID, n.Spec?.Name || n.Description?.Hostname || n.ID);
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async name(l: LogLine): Promise<{ slot: number; node: string }> {
    const known = (): boolean => (!l.taskId || this.slots.has(l.taskId)) && (!l.nodeId || this.nodes.has(l.nodeId));
    if (!known()) await this.load().catch(() => undefined);
    // a task removed before it could be read keeps slot 0 and its node's ID, as docker's resolver falls back to IDs
    return { slot: (l.taskId && this.slots.get(l.taskId)) || 0, node: (l.nodeId && this.nodes.get(l.nodeId)) || l.nodeId || '' };
  }
}

export type StackLogOptions = Omit<LogOptions, 'until'>;

/**
 * Every service's logs of `stack`, in time order, through `onLine`. Lines carry timestamps only when asked
 * (they are always requested, to sort by). Resolves when every service's logs end (or the signal aborts).
 */
export async function stackLogs(manager: EngineConnection, stack: string, opts: StackLogOptions, onLine: (l: StackLogLine) => void): Promise<void> {
  const services = await stackServiceList(manager, stack);
  const namer = new Namer(manager);
  const shape = async (svc: RawService, l: LogLine): Promise<StackLogLine> => {
    const { slot, node } = await namer.name(l);
    const replicas = svc.Spec.Mode?.Replicated?.Replicas;
    const out: StackLogLine = { ...l, service: svc.Spec.Name, serviceId: svc.ID, slot, node, ...(replicas !== undefined ? { replicas } : {}) };
    if (!opts.timestamps) delete out.timestamp;
    return out;
  };

  // 1. the backlog, whole, sorted
  const startedAt = Date.now() / 1000;
  const backlog: Array<{ svc: RawService; l: LogLine }> = [];
  await Promise.all(services.map((svc) => serviceLogs(manager, svc.ID, { ...opts, follow: false, timestamps: true }, (l) => backlog.push({ svc, l }))));
  if (opts.signal?.aborted) return;
  const lastSent = new Map<string, string>();
  for (const { svc, l } of byTime(backlog.map((b) => ({ ...b, timestamp: b.l.timestamp })))) {
    if (l.taskId && l.timestamp) lastSent.set(l.taskId, timeKey(l.timestamp));
    onLine(await shape(svc, l));
  }
  if (!opts.follow) return;

  // 2. live: from a little before the backlog was asked for (engines' clocks differ slightly); per task, lines up to
  // the last one sent are dropped, and for a task that sent none, lines older than the backlog request
  const since = String(Math.max(0, startedAt - 5).toFixed(3));
  const floor = timeKey(new Date(startedAt * 1000).toISOString());
  let chain = Promise.resolve(); // naming may wait for a lookup: lines still leave in the order they came
  await Promise.all(
    services.map((svc) =>
      serviceLogs(manager, svc.ID, { follow: true, timestamps: true, since, signal: opts.signal }, (l) => {
        const after = (l.taskId && lastSent.get(l.taskId)) || floor;
        if (l.timestamp && timeKey(l.timestamp) <= after) return;
        chain = chain.then(async () => onLine(await shape(svc, l)));
      }),
    ),
  );
  await chain;
}
