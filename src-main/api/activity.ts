// Activity: what happened in the swarm, in words a person reads ("web.2 failed on n1", "n2 is down"), derived
// from two successive states of the live cluster model. Pure and shared: the window (Activity view, desktop
// notifications) and `flotilla events --activity` run this same derivation on the same 'swarm.model' stream, so
// they say the same things. It lives beside the contract (not in the core) because the renderer may import only
// src-main/api; the core's model stream stays as it is (a snapshot then diffs) and needs no second event type.
// Bursts are folded into one notification by ActivityCoalescer (a fake clock drives it in tests).

export const ACTIVITY_KINDS = ['task-failed', 'node-down', 'node-up', 'node-availability', 'update-paused', 'update-rollback', 'deploy-finished'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_LABELS: Record<ActivityKind, string> = {
  'task-failed': 'Task failed',
  'node-down': 'Node down',
  'node-up': 'Node back',
  'node-availability': 'Node paused or drained',
  'update-paused': 'Update paused',
  'update-rollback': 'Rollback',
  'deploy-finished': 'Deploy finished',
};

export interface ActivityItem {
  /** unique within one deriver: `${at}-${seq}` */
  id: string;
  at: number;
  kind: ActivityKind;
  title: string;
  detail?: string;
  nodeId?: string;
  node?: string;
  serviceId?: string;
  service?: string;
  stack?: string;
  taskId?: string;
}

/** the fields read here; both the contract's model (records' values) and the renderer's model fit */
export interface ActivityNode {
  id: string;
  hostname: string;
  status: string;
  availability: string;
}
export interface ActivityService {
  id: string;
  name: string;
  stack?: string;
  mode: string;
  replicas: { desired: number; running: number };
  updateStatus?: { state: string; message?: string };
}
export interface ActivityTask {
  id: string;
  serviceId: string;
  slot?: number;
  nodeId?: string;
  state: string;
  error?: string;
}
export interface ActivityModel {
  nodes: readonly ActivityNode[];
  services: readonly ActivityService[];
  tasks: readonly ActivityTask[];
}

const FAILED = new Set(['failed', 'rejected']);

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of list) m.set(x.id, x);
  return m;
}

/**
 * Turns successive models into activity items. The first model is the baseline (nothing happened, it just is);
 * `reset()` makes the next one a baseline again (another swarm chosen, a fresh subscription).
 */
export class ActivityDeriver {
  private prev: { nodes: Map<string, ActivityNode>; services: Map<string, ActivityService>; tasks: Map<string, ActivityTask> } | undefined;
  private lists: ActivityModel | undefined;
  /** services created since the baseline that have not yet had all their replicas running once */
  private readonly converging = new Set<string>();
  private seq = 0;

  reset(): void {
    this.prev = undefined;
    this.lists = undefined;
    this.converging.clear();
  }

  next(model: ActivityModel, at: number): ActivityItem[] {
    const prev = this.prev;
    const lists = this.lists;
    // unchanged lists keep their maps (the renderer's model keeps identity for what a diff did not touch)
    this.prev = {
      nodes: lists && lists.nodes === model.nodes && prev ? prev.nodes : byId(model.nodes),
      services: lists && lists.services === model.services && prev ? prev.services : byId(model.services),
      tasks: lists && lists.tasks === model.tasks && prev ? prev.tasks : byId(model.tasks),
    };
    this.lists = model;
    if (!prev) return [];
    const out: ActivityItem[] = [];
    const cur = this.prev;
    const add = (kind: ActivityKind, title: string, more: Omit<ActivityItem, 'id' | 'at' | 'kind' | 'title'>): void => {
      out.push({ id: `${at}-${++this.seq}`, at, kind, title, ...more });
    };
    const hostname = (id: string | undefined): string | undefined => (id ? (cur.nodes.get(id)?.hostname ?? prev.nodes.get(id)?.hostname) : undefined);

    if (model.nodes !== lists?.nodes) {
      for (const n of model.nodes) {
        const p = prev.nodes.get(n.id);
        if (p === n) continue;
        const ref = { nodeId: n.id, node: n.hostname };
        if (!p) {
          if (n.status === 'ready') add('node-up', `${n.hostname} joined the swarm`, ref);
          continue;
        }
        if (p.status === 'ready' && n.status !== 'ready') add('node-down', `${n.hostname} is ${n.status}`, { ...ref, detail: `was ready, now ${n.status}` });
        else if (p.status !== 'ready' && n.status === 'ready') add('node-up', `${n.hostname} is back`, { ...ref, detail: `was ${p.status}, now ready` });
        if (p.availability !== n.availability) {
          const verb = n.availability === 'drain' ? 'drained' : n.availability === 'pause' ? 'paused' : 'active again';
          add('node-availability', `${n.hostname} ${n.availability === 'active' ? 'is' : 'was'} ${verb}`, { ...ref, detail: `availability ${p.availability} → ${n.availability}` });
        }
      }
      for (const [id, p] of prev.nodes) if (!cur.nodes.has(id)) add('node-down', `${p.hostname} left the swarm`, { nodeId: id, node: p.hostname, detail: 'removed from the swarm' });
    }

    if (model.services !== lists?.services || model.tasks !== lists?.tasks) {
      for (const s of model.services) {
        const p = prev.services.get(s.id);
        const ref = { serviceId: s.id, service: s.name, ...(s.stack ? { stack: s.stack } : {}) };
        if (!p) {
          if (s.mode === 'replicated' || s.mode === 'global') this.converging.add(s.id);
        } else if (p !== s) {
          const was = p.updateStatus?.state;
          const now = s.updateStatus?.state;
          const detail = s.updateStatus?.message ? { detail: s.updateStatus.message } : {};
          if (now !== was && now) {
            if (now === 'paused' || now === 'rollback_paused') add('update-paused', `${now === 'paused' ? 'update' : 'rollback'} of ${s.name} paused`, { ...ref, ...detail });
            else if (now === 'rollback_started') add('update-rollback', `${s.name} is rolling back`, { ...ref, ...detail });
            else if (now === 'rollback_completed') add('update-rollback', `${s.name} rolled back`, { ...ref, ...detail });
            else if (now === 'completed') add('deploy-finished', `update of ${s.name} completed`, { ...ref, detail: `${s.replicas.running}/${s.replicas.desired} running` });
          }
        }
        if (this.converging.has(s.id) && s.replicas.desired > 0 && s.replicas.running >= s.replicas.desired) {
          this.converging.delete(s.id);
          add('deploy-finished', `${s.name} deployed`, { ...ref, detail: `${s.replicas.running}/${s.replicas.desired} running` });
        }
      }
      for (const id of this.converging) if (!cur.services.has(id)) this.converging.delete(id);
    }

    if (model.tasks !== lists?.tasks) {
      for (const t of model.tasks) {
        if (!FAILED.has(t.state)) continue;
        const p = prev.tasks.get(t.id);
        if (p === t || (p && FAILED.has(p.state))) continue;
        const s = cur.services.get(t.serviceId) ?? prev.services.get(t.serviceId);
        const name = s?.name ?? t.serviceId.slice(0, 12);
        const node = hostname(t.nodeId);
        const label = t.slot ? `${name}.${t.slot}` : name;
        add('task-failed', `${label} ${t.state === 'rejected' ? 'was rejected' : 'failed'}${node ? ` on ${node}` : ''}`, {
          taskId: t.id,
          serviceId: t.serviceId,
          service: name,
          ...(s?.stack ? { stack: s.stack } : {}),
          ...(t.nodeId ? { nodeId: t.nodeId } : {}),
          ...(node ? { node } : {}),
          ...(t.error ? { detail: t.error } : {}),
        });
      }
    }
    return out;
  }
}

/** The contract's model (records) as the deriver reads it. */
export function activityModelOf(m: { nodes: Record<string, ActivityNode>; services: Record<string, ActivityService>; tasks: Record<string, ActivityTask> }): ActivityModel {
  return { nodes: Object.values(m.nodes), services: Object.values(m.services), tasks: Object.values(m.tasks) };
}

// ---- coalescing ----

export interface ActivityNotice {
  kind: ActivityKind;
  title: string;
  body?: string;
  items: ActivityItem[];
}

const distinct = (xs: Array<string | undefined>): string[] => [...new Set(xs.filter((x): x is string => !!x))];

function names(xs: string[], max = 3): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`;
}

/** One notice for a burst of items of one kind. */
export function summarize(kind: ActivityKind, items: ActivityItem[]): ActivityNotice {
  const first = items[0];
  if (items.length === 1) return { kind, title: first.title, ...(first.detail ? { body: first.detail } : {}), items };
  const n = items.length;
  const services = distinct(items.map((i) => i.service));
  const nodes = distinct(items.map((i) => i.node));
  const stacks = distinct(items.map((i) => i.stack));
  let title: string;
  if (kind === 'task-failed') title = `${n} tasks failed in ${names(services)}`;
  else if (kind === 'node-down') title = `${nodes.length} nodes down or gone: ${names(nodes)}`;
  else if (kind === 'node-up') title = `${nodes.length} nodes back: ${names(nodes)}`;
  else if (kind === 'node-availability') title = `${n} availability changes on ${names(nodes)}`;
  else if (kind === 'update-paused') title = `updates paused: ${names(services)}`;
  else if (kind === 'update-rollback') title = `rollbacks: ${names(services)}`;
  else title = stacks.length === 1 && items.every((i) => i.stack === stacks[0]) ? `stack ${stacks[0]} deployed (${services.length} services)` : `deploys finished: ${names(services)}`;
  const errors = distinct(items.map((i) => i.detail));
  return { kind, title, ...(errors.length ? { body: names(errors, 2) } : {}), items };
}

/** the timers the coalescer uses: the real ones, or a fake clock's */
export interface CoalescerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CoalescerOptions {
  /** how long the first item of a burst waits for the others (ms, default 2 s) */
  windowMs?: number;
  /** after a notice, more of the same kind are held this long and then sent as one (ms, default 30 s): a crash
   * loop gives a notice every 30 s, not one per restart */
  quietMs?: number;
  clock?: CoalescerClock;
}

const realClock: CoalescerClock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Folds bursts per kind: the first item of a kind waits `windowMs` for more, then one notice goes out (summarize);
 * items of that kind arriving in the next `quietMs` are held and sent as one notice when it ends.
 */
export class ActivityCoalescer {
  private readonly pending = new Map<ActivityKind, ActivityItem[]>();
  private readonly timers = new Map<ActivityKind, unknown>();
  private readonly windowMs: number;
  private readonly quietMs: number;
  private readonly clock: CoalescerClock;

  constructor(
    private readonly notify: (n: ActivityNotice) => void,
    opts: CoalescerOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 2_000;
    this.quietMs = opts.quietMs ?? 30_000;
    this.clock = opts.clock ?? realClock;
  }

  push(item: ActivityItem): void {
    const list = this.pending.get(item.kind);
    if (list) list.push(item);
    else this.pending.set(item.kind, [item]);
    if (!this.timers.has(item.kind)) this.timers.set(item.kind, this.clock.setTimeout(() => this.flush(item.kind), this.windowMs));
  }

  private flush(kind: ActivityKind): void {
    const items = this.pending.get(kind);
    this.pending.delete(kind);
    if (!items?.length) {
      this.timers.delete(kind); // a quiet period passed with nothing new: the next item opens a new burst
      return;
    }
    this.timers.set(kind, this.clock.setTimeout(() => this.flush(kind), this.quietMs));
    this.notify(summarize(kind, items));
  }

  /** drops what is held and every timer (another swarm chosen, the window closing) */
  dispose(): void {
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
    this.pending.clear();
  }
}
