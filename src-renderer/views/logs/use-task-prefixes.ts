// The prefix of each line of a service's logs: its task as service.slot@node, with a colour per task.
import { useMemo } from 'react';
import type { BoardModel } from '../../stores/cluster';
import type { Prefix } from './LogList';
import type { LogEntry } from './ring-buffer';
import { taskTone } from './task-colours';

export function useTaskPrefixes(model: BoardModel | undefined): (e: LogEntry) => Prefix | undefined {
  return useMemo(() => {
    const tasks = new Map((model?.tasks ?? []).map((t) => [t.id, t]));
    const services = new Map((model?.services ?? []).map((s) => [s.id, s]));
    const nodes = new Map((model?.nodes ?? []).map((n) => [n.id, n]));
    const cache = new Map<string, Prefix>();
    return (e: LogEntry): Prefix | undefined => {
      if (!e.taskId) return undefined;
      let p = cache.get(e.taskId);
      if (!p) {
        const t = tasks.get(e.taskId);
        const svc = t ? services.get(t.serviceId) : undefined;
        const node = t?.nodeId ? nodes.get(t.nodeId) : undefined;
        const label = t && svc ? `${svc.name}.${t.slot ?? node?.hostname ?? t.id.slice(0, 6)}` : e.taskId.slice(0, 12);
        p = { label: node ? `${label}@${node.hostname}` : label, tone: taskTone(e.taskId) };
        cache.set(e.taskId, p);
      }
      return p;
    };
  }, [model]);
}
