// Applying the 'swarm.model' stream to the board's model: a snapshot replaces it, a diff upserts and
// removes by id. Everything not named in a diff keeps its identity (that is what makes cards skip).
import type { BoardModel, BoardNode, BoardService, BoardTask } from './types';

export interface ModelDiff {
  upsert?: { nodes?: BoardNode[]; services?: BoardService[]; tasks?: BoardTask[] };
  remove?: { nodes?: string[]; services?: string[]; tasks?: string[] };
}
export type ModelEvent = ({ type: 'snapshot' } & { model: BoardModel }) | ({ type: 'diff' } & ModelDiff);

function merge<T extends { id: string }>(list: T[], upsert: T[] | undefined, remove: string[] | undefined): T[] {
  if (!upsert?.length && !remove?.length) return list;
  const gone = new Set(remove ?? []);
  const byId = new Map((upsert ?? []).map((x) => [x.id, x]));
  const out: T[] = [];
  for (const x of list) {
    if (gone.has(x.id)) continue;
    const u = byId.get(x.id);
    if (u) {
      out.push(u);
      byId.delete(x.id);
    } else out.push(x);
  }
  for (const u of byId.values()) out.push(u);
  return out;
}

export function applyModelEvent(model: BoardModel, e: ModelEvent): BoardModel {
  if (e.type === 'snapshot') return e.model;
  if (e.type !== 'diff') return model;
  const nodes = merge(model.nodes, e.upsert?.nodes, e.remove?.nodes);
  const services = merge(model.services, e.upsert?.services, e.remove?.services);
  const tasks = merge(model.tasks, e.upsert?.tasks, e.remove?.tasks);
  if (nodes === model.nodes && services === model.services && tasks === model.tasks) return model;
  return { nodes, services, tasks };
}
