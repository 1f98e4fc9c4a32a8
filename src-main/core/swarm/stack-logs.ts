// Whole-stack logs: every service of a stack read through serviceLogs (the same demultiplexing, line cutting
// and task/node attribution as `service logs`), merged in time order, each line named by its service, slot and
// node so a caller can print docker's `service.slot.taskid@node` prefix.
//
// The backlog (each service's --tail / --since lines) is gathered and sorted by timestamp before anything is
// sent: the engine sends a service's tasks one after another, so arrival order is not time order. With follow,
// the backlog stops a moment before it was asked for (a line still on its way from a worker would otherwise
// come later than newer lines already sent), and the live part takes over from there: each service's stream
// from a few seconds back, lines already sent dropped per task, then a short reorder window (Reorder) that
// puts the streams' lines back in time order, since lines of different tasks reach the manager at different
// delays (seen on the lab under load: a second and more).
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

/** How long a live line is held for lines of other tasks written before it and still on their way. */
export const REORDER_MS = 1500;

/**
 * Lines of several streams back in time order. A line is held `windowMs` after it arrives; when one comes due,
 * every held line up to its timestamp leaves, sorted. A line later than the window (older than one already
 * sent) is sent at once: logs are never dropped, and the order is as good as the window allows.
 */
export class Reorder<T> {
  private held: Array<{ k: string; at: number; i: number; v: T }> = [];
  private n = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sent = '';

  constructor(
    private readonly out: (v: T) => void,
    private readonly windowMs = REORDER_MS,
    private readonly now: () => number = Date.now,
  ) {}

  push(timestamp: string | undefined, v: T): void {
    const k = timestamp ? timeKey(timestamp) : this.sent;
    if (k <= this.sent && !this.held.length) return this.out(v);
    this.held.push({ k, at: this.now(), i: this.n++, v });
    this.schedule();
  }

  /** sends every held line whose window has passed, with the older lines held beside it */
  release(): void {
    const now = this.now();
    let cut: string | undefined;
    for (const h of this.held) if (now - h.at >= this.windowMs && (cut === undefined || h.k > cut)) cut = h.k;
    if (cut !== undefined) this.send((h) => h.k <= (cut as string));
    this.schedule();
  }

  /** sends everything held, in order (the streams ended) */
  flush(): void {
    this.send(() => true);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }

  private send(due: (h: { k: string }) => boolean): void {
    const go = this.held.filter(due).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    this.held = this.held.filter((h) => !due(h));
    for (const h of go) {
      if (h.k > this.sent) this.sent = h.k;
      this.out(h.v);
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.held.length) return;
    const first = Math.min(...this.held.map((h) => h.at));
    this.timer = setTimeout(() => this.release(), Math.max(0, first + this.windowMs - this.now()));
  }
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

/** With follow, the backlog stops this long before it was asked for: lines still in transit from a worker then. */
const BACKLOG_MARGIN_S = 2;

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

  // 1. the backlog, whole, sorted; with follow, only up to `cut` (the live part sends the rest in order)
  const startedAt = Date.now() / 1000;
  const cut = opts.follow ? timeKey(new Date((startedAt - BACKLOG_MARGIN_S) * 1000).toISOString()) : undefined;
  const backlog: Array<{ svc: RawService; l: LogLine }> = [];
  await Promise.all(services.map((svc) => serviceLogs(manager, svc.ID, { ...opts, follow: false, timestamps: true }, (l) => backlog.push({ svc, l }))));
  if (opts.signal?.aborted) return;
  const lastSent = new Map<string, string>();
  for (const { svc, l } of byTime(backlog.map((b) => ({ ...b, timestamp: b.l.timestamp })))) {
    if (cut !== undefined && l.timestamp && timeKey(l.timestamp) > cut) break;
    if (l.taskId && l.timestamp) lastSent.set(l.taskId, timeKey(l.timestamp));
    onLine(await shape(svc, l));
  }
  if (cut === undefined) return;

  // 2. live: from a little before the cut (engines' clocks differ slightly); per task, lines up to the last one
  // sent are dropped, and for a task that sent none, lines up to the cut; then back in time order
  const since = String(Math.max(0, startedAt - BACKLOG_MARGIN_S - 5).toFixed(3));
  let chain = Promise.resolve(); // naming may wait for a lookup: lines still leave in the order they were released
  const reorder = new Reorder<{ svc: RawService; l: LogLine }>(({ svc, l }) => {
    chain = chain.then(async () => onLine(await shape(svc, l)));
  });
  try {
    await Promise.all(
      services.map((svc) =>
        serviceLogs(manager, svc.ID, { follow: true, timestamps: true, since, signal: opts.signal }, (l) => {
          const after = (l.taskId && lastSent.get(l.taskId)) || cut;
          if (l.timestamp && timeKey(l.timestamp) <= after) return;
          reorder.push(l.timestamp, { svc, l });
        }),
      ),
    );
    if (!opts.signal?.aborted) reorder.flush();
  } finally {
    reorder.dispose();
  }
  await chain;
}
