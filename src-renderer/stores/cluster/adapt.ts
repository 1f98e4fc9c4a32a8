// Applying the 'swarm.model' stream to the board's model: a snapshot replaces it, a diff upserts and
// removes by id. Everything not named in a diff keeps its object identity (that is what lets cards skip).
import type { ModelEvent, Node, Service, Task, ModelChange } from '../../../src-main/api/domains/swarm';
import type { BoardModel, BoardNode, BoardService, BoardTask } from './types';

export function toBoardNode(n: Node): BoardNode {
  return n;
}

export function toBoardService(s: Service): BoardService {
  return {
    id: s.id,
    name: s.name,
    stack: s.stack,
    mode: s.mode,
    replicas: s.replicas,
    image: s.image,
    updateStatus: s.updateStatus,
    ports: s.ports,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function toBoardTask(t: Task): BoardTask {
  const updated = Date.parse(t.timestamps.status || t.timestamps.updated);
  return {
    id: t.id,
    serviceId: t.serviceId,
    slot: t.slot > 0 ? t.slot : undefined,
    nodeId: t.nodeId || undefined,
    image: t.image,
    state: t.state,
    desiredState: t.desiredState,
    error: t.error || undefined,
    message: t.message,
    updatedAt: Number.isFinite(updated) ? updated : 0,
    containerId: t.containerId,
  };
}

// Where each id sits in a list the store made, so a diff of upserts replaces its items in place instead of looking
// every item of a 5,000-task list up (the common diff: tasks changing state). Kept per list; a list with the same
// ids at the same places shares its map.
const positions = new WeakMap<readonly { id: string }[], Map<string, number>>();

function positionsOf<T extends { id: string }>(list: readonly T[]): Map<string, number> | undefined {
  let at = positions.get(list);
  // a list grown or shrunk in place since (the store never does that) is looked at again
  if (!at || at.size !== list.length) {
    at = new Map();
    for (let i = 0; i < list.length; i++) {
      // two items of one id (never from the core): no positions, the plain merge handles it
      if (at.has(list[i].id)) return undefined;
      at.set(list[i].id, i);
    }
    positions.set(list, at);
  }
  return at;
}

/** `list` with `upsert` replacing items of the same id in place (new ids appended, the last of an id winning) and `remove` left out */
export function merge<T extends { id: string }>(list: T[], upsert: T[], remove: string[]): T[] {
  if (!upsert.length && !remove.length) return list;
  const at = remove.length ? undefined : positionsOf(list);
  if (at) {
    const out = list.slice();
    let added: Map<string, number> | undefined;
    for (const u of upsert) {
      const i = added?.get(u.id) ?? at.get(u.id);
      if (i !== undefined && out[i].id === u.id) out[i] = u;
      else if (i !== undefined) return plainMerge(list, upsert, remove);
      else {
        added ??= new Map();
        added.set(u.id, out.length);
        out.push(u);
      }
    }
    if (added) positions.set(out, new Map([...at, ...added]));
    else positions.set(out, at);
    return out;
  }
  return plainMerge(list, upsert, remove);
}

function plainMerge<T extends { id: string }>(list: T[], upsert: T[], remove: string[]): T[] {
  const gone = new Set(remove);
  const byId = new Map(upsert.map((x) => [x.id, x]));
  const out: T[] = [];
  for (const x of list) {
    if (gone.has(x.id)) continue;
    const u = byId.get(x.id);
    if (u) {
      out.push(u);
      byId.delete(x.id);
    } else out.push(x);
  }
  for (const u of byId.values()) if (!gone.has(u.id)) out.push(u);
  return out;
}

export function applyChanges(model: BoardModel, changes: ModelChange[]): BoardModel {
  const up = { node: [] as BoardNode[], service: [] as BoardService[], task: [] as BoardTask[] };
  const rm = { node: [] as string[], service: [] as string[], task: [] as string[] };
  for (const c of changes) {
    if (c.op === 'remove') rm[c.kind].push(c.id);
    else if (c.kind === 'node') up.node.push(toBoardNode(c.value));
    else if (c.kind === 'service') up.service.push(toBoardService(c.value));
    else up.task.push(toBoardTask(c.value));
  }
  const nodes = merge(model.nodes, up.node, rm.node);
  const services = merge(model.services, up.service, rm.service);
  const tasks = merge(model.tasks, up.task, rm.task);
  if (nodes === model.nodes && services === model.services && tasks === model.tasks) return model;
  return { nodes, services, tasks };
}

export function applyModelEvent(model: BoardModel, e: ModelEvent): BoardModel {
  if (e.type === 'snapshot') {
    return {
      nodes: Object.values(e.model.nodes).map(toBoardNode),
      services: Object.values(e.model.services).map(toBoardService),
      tasks: Object.values(e.model.tasks).map(toBoardTask),
    };
  }
  if (e.type === 'diff') return applyChanges(model, e.changes);
  return model;
}
