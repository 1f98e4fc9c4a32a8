// The cluster model {nodes, services, tasks} built from the engine's listings, diffed into small changes
// for subscribers, and the client-side fold of those changes. Pure: tested from recorded listings/events.
import type { ClusterModel, ModelChange, Task } from '../../api/domains/swarm';
import { toNode, toService, toTask, type RawNode, type RawService, type RawTask } from './mappers';

export function emptyModel(): ClusterModel {
  return { nodes: {}, services: {}, tasks: {} };
}

export type Timelines = Map<string, Array<{ state: string; at: string }>>;
const TIMELINE_MAX = 20;

/** Builds the model from raw listings; `timelines` remembers the states each task was seen in. */
export function buildModel(nodes: RawNode[], services: RawService[], tasks: RawTask[], timelines: Timelines = new Map()): ClusterModel {
  const model = emptyModel();
  const names = new Map(services.map((s) => [s.ID, s.Spec.Name]));
  const byService = new Map<string, Task[]>();
  const seen = new Set<string>();
  for (const raw of tasks) {
    const t = toTask(raw, names.get(raw.ServiceID));
    seen.add(t.id);
    const tl = timelines.get(t.id) ?? [];
    if (tl.at(-1)?.state !== t.state) {
      tl.push({ state: t.state, at: t.timestamps.status });
      if (tl.length > TIMELINE_MAX) tl.splice(0, tl.length - TIMELINE_MAX);
      timelines.set(t.id, tl);
    }
    t.timeline = [...tl];
    model.tasks[t.id] = t;
    const list = byService.get(t.serviceId) ?? [];
    list.push(t);
    byService.set(t.serviceId, list);
  }
  for (const id of [...timelines.keys()]) if (!seen.has(id)) timelines.delete(id);
  for (const n of nodes) model.nodes[n.ID] = toNode(n);
  for (const s of services) model.services[s.ID] = toService(s, byService.get(s.ID) ?? []);
  return model;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The smallest list of upserts/removals that turns `prev` into `next`. */
export function diffModels(prev: ClusterModel, next: ClusterModel): ModelChange[] {
  const changes: ModelChange[] = [];
  for (const [id, v] of Object.entries(next.nodes)) if (!same(prev.nodes[id], v)) changes.push({ op: 'upsert', kind: 'node', value: v });
  for (const id of Object.keys(prev.nodes)) if (!(id in next.nodes)) changes.push({ op: 'remove', kind: 'node', id });
  for (const [id, v] of Object.entries(next.services)) if (!same(prev.services[id], v)) changes.push({ op: 'upsert', kind: 'service', value: v });
  for (const id of Object.keys(prev.services)) if (!(id in next.services)) changes.push({ op: 'remove', kind: 'service', id });
  for (const [id, v] of Object.entries(next.tasks)) if (!same(prev.tasks[id], v)) changes.push({ op: 'upsert', kind: 'task', value: v });
  for (const id of Object.keys(prev.tasks)) if (!(id in next.tasks)) changes.push({ op: 'remove', kind: 'task', id });
  return changes;
}

/** Folds changes into a model (returns a new model; the UI store and the tests use this). */
export function applyChanges(model: ClusterModel, changes: ModelChange[]): ClusterModel {
  const next: ClusterModel = { nodes: { ...model.nodes }, services: { ...model.services }, tasks: { ...model.tasks } };
  for (const c of changes) {
    if (c.op === 'remove') {
      if (c.kind === 'node') delete next.nodes[c.id];
      else if (c.kind === 'service') delete next.services[c.id];
      else delete next.tasks[c.id];
    } else if (c.kind === 'node') next.nodes[c.value.id] = c.value;
    else if (c.kind === 'service') next.services[c.value.id] = c.value;
    else next.tasks[c.value.id] = c.value;
  }
  return next;
}

export interface EngineEventJson {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

export interface Dirty {
  nodes: boolean;
  services: boolean;
  tasks: boolean;
}

/** Which listings an engine event makes stale (anything else leaves the model as it is). */
export function dirtyFor(e: EngineEventJson): Dirty {
  switch (e.Type) {
    case 'node':
      return { nodes: true, services: false, tasks: false };
    case 'service':
      return { nodes: false, services: true, tasks: true };
    case 'container':
      // a swarm task's container changed on some node: its task state follows
      return e.Actor?.Attributes?.['com.docker.swarm.task.id'] ? { nodes: false, services: false, tasks: true } : { nodes: false, services: false, tasks: false };
    default:
      return { nodes: false, services: false, tasks: false };
  }
}

const SETTLED = new Set(['running', 'complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

/** True while some task is between states or some service is updating: the model then polls briefly. */
export function isSettling(model: ClusterModel): boolean {
  for (const t of Object.values(model.tasks)) {
    if (!SETTLED.has(t.state)) return true;
    if (t.desiredState === 'shutdown' && t.state === 'running') return true;
    if (t.desiredState === 'running' && t.state !== 'running' && !SETTLED.has(t.state)) return true;
  }
  // a manager the raft lost but the listing still calls ready: its status changes within Swarm's heartbeat
  for (const n of Object.values(model.nodes)) if (n.reachability === 'unreachable' && n.status === 'ready') return true;
  for (const s of Object.values(model.services)) {
    const st = s.updateStatus?.state;
    if (st === 'updating' || st === 'rollback_started') return true;
    if (s.mode === 'replicated' && s.replicas.running !== s.replicas.desired) return true;
  }
  return false;
}
