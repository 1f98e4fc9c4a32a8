// The "whole stack" source of the Logs view: `stacks.logs` lines (every service of a stack, merged in time order
// by the host) named as `docker service logs` names them, coloured per service with the Board's colour.
import type { StackLogLine } from '../../../src-main/api/domains/stacks';
import { serviceColor } from '../../components/format';
import type { LogEntry } from './ring-buffer';
import type { Prefix } from './LogList';

/** `service.slot.taskid@node`, docker's prefix without its padding (the list lines prefixes up itself) */
export function stackLineLabel(l: Pick<StackLogLine, 'service' | 'slot' | 'taskId' | 'node'>): string {
  return `${l.service}.${l.slot}${l.taskId ? `.${l.taskId.slice(0, 12)}` : ''}@${l.node}`;
}

/** a stack log line as the ring keeps it */
export function stackEntry(l: StackLogLine): Omit<LogEntry, 'seq'> {
  return { stream: l.stream, text: l.line, timestamp: l.timestamp, taskId: l.taskId, source: { label: stackLineLabel(l), service: l.service } };
}

const cache = new Map<string, Prefix>();
/** the coloured prefix of a whole-stack line: the service's colour on the Board, so a service reads the same in both */
export function stackPrefix(e: LogEntry): Prefix | undefined {
  if (!e.source) return undefined;
  let p = cache.get(e.source.label);
  if (!p) {
    if (cache.size > 5000) cache.clear();
    p = { label: e.source.label, tone: 0, color: serviceColor(e.source.service) };
    cache.set(e.source.label, p);
  }
  return p;
}

/** the select value for a whole-stack source (the service picker holds both) */
export const STACK_VALUE = 'stack:';
