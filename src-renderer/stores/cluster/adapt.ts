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

export function merge<T extends { id: string }>(list: T[], upsert: T[], remove: string[]): T[] {
  if (!upsert.length && !remove.length) return list;
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
