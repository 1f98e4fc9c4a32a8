// Pure helpers of the Services view: the list's order and filter, update-status words, ports text and
// a service's task history shaped like `docker service ps` (slots in order, newest task first).
import type { BoardModel, BoardPort, BoardService, BoardTask } from '../../stores/cluster';
import { shortImage } from '../../components/format';

export const UPDATE_LABEL: Record<string, string> = {
  updating: 'updating',
  paused: 'update paused',
  completed: 'updated',
  rollback_started: 'rolling back',
  rollback_paused: 'rollback paused',
  rollback_completed: 'rolled back',
};

export function updateTone(state: string | undefined): 'ok' | 'info' | 'warn' | 'err' | '' {
  if (!state) return '';
  if (state === 'completed') return 'ok';
  if (state === 'updating') return 'info';
  if (state.includes('paused')) return 'err';
  return 'warn';
}

export function portsText(ports: BoardPort[] | undefined): string {
  if (!ports?.length) return '';
  return ports.map((p) => `${p.published ?? '*'}→${p.target}/${p.protocol}${p.mode === 'host' ? ' (host)' : ''}`).join(', ');
}

/** services ordered by stack then name; every word of the filter must match name, stack, image or ports */
export function serviceRows(services: BoardService[], filter: string): BoardService[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return services
    .filter((s) => {
      if (!words.length) return true;
      const hay = [s.name, s.stack, s.image, s.mode, portsText(s.ports), s.updateStatus?.state].filter(Boolean).join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => (a.stack ?? '').localeCompare(b.stack ?? '') || a.name.localeCompare(b.name));
}

export interface HistoryRow {
  task: BoardTask;
  /** NAME as docker service ps prints it: svc.slot, or svc.node for global services */
  name: string;
  /** an older task of the same slot (shown indented, like docker's `\_`) */
  older: boolean;
  image: string;
  node: string;
}

/** The service's tasks like `docker service ps`: per slot (or node), newest first. */
export function taskHistory(model: BoardModel, service: BoardService): HistoryRow[] {
  const hostnames = new Map(model.nodes.map((n) => [n.id, n.hostname]));
  const tasks = model.tasks.filter((t) => t.serviceId === service.id);
  const slotOf = (t: BoardTask): string => (t.slot !== undefined ? `s${String(t.slot).padStart(6, '0')}` : `n${hostnames.get(t.nodeId ?? '') ?? t.nodeId ?? ''}`);
  tasks.sort((a, b) => (slotOf(a) < slotOf(b) ? -1 : slotOf(a) > slotOf(b) ? 1 : b.updatedAt - a.updatedAt));
  const rows: HistoryRow[] = [];
  let last = '';
  for (const t of tasks) {
    const slot = slotOf(t);
    const node = t.nodeId ? (hostnames.get(t.nodeId) ?? t.nodeId.slice(0, 12)) : '';
    rows.push({
      task: t,
      name: t.slot !== undefined ? `${service.name}.${t.slot}` : `${service.name}.${node || t.nodeId?.slice(0, 12) || '?'}`,
      older: slot === last,
      image: shortImage(t.image),
      node,
    });
    last = slot;
  }
  return rows;
}

/** why the service is not all running, in a line (for the list); undefined when all is well */
export function serviceProblem(model: BoardModel, service: BoardService): string | undefined {
  if (service.replicas.running >= service.replicas.desired) return undefined;
  const failed = model.tasks
    .filter((t) => t.serviceId === service.id && (t.state === 'failed' || t.state === 'rejected') && (t.error || t.message))
    .sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (failed) return `${failed.state}: ${failed.error ?? failed.message}`;
  const pending = model.tasks.find((t) => t.serviceId === service.id && t.desiredState === 'running' && t.state === 'pending');
  if (pending) return `pending${pending.error ? `: ${pending.error}` : pending.message ? `: ${pending.message}` : ''}`;
  return undefined;
}
