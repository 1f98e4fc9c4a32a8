// Long machine operations (create, one-click swarm, new certificates) as the person sees them: one row
// per machine with the steps it went through and the one it is on, plus the whole swarm's own steps.
// Built only from the host's events (never a timer): a step is done when the next one starts.
import type { MachineEvent, SwarmCreateEvent } from '../../../src-main/api/domains/machines';

export type OpKind = 'swarm' | 'create' | 'certs';
export type OpStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface StepSeen {
  name: string;
  detail?: string;
}

export interface MachineProgress {
  machine: string;
  /** swarm ops: the role the machine gets */
  role?: 'manager' | 'worker';
  steps: StepSeen[];
  /** raw log lines of this machine seen so far */
  logLines: number;
}

export interface Operation {
  id: string;
  kind: OpKind;
  /** the swarm name, or the machine name */
  name: string;
  title: string;
  status: OpStatus;
  error?: string;
  /** machines in the order they were announced (swarm: managers, then workers) */
  order: string[];
  machines: Record<string, MachineProgress>;
  /** steps about the whole swarm ('forming the swarm', 'done') */
  groupSteps: StepSeen[];
  /** raw log, prefixed by machine, capped at LOG_CAP lines */
  log: string[];
  logDropped: number;
  result?: SwarmCreateEvent['result'];
}

export const LOG_CAP = 3000;

/** machine names of a one-click swarm, as the core names them (NAME-m1.., NAME-w1..) */
export function swarmMachineNames(name: string, managers: number, workers: number): { managers: string[]; workers: string[] } {
  return {
    managers: Array.from({ length: managers }, (_, i) => `${name}-m${i + 1}`),
    workers: Array.from({ length: workers }, (_, i) => `${name}-w${i + 1}`),
  };
}

export function newOperation(p: { id: string; kind: OpKind; name: string; title: string; managers?: string[]; workers?: string[]; machines?: string[] }): Operation {
  const machines: Record<string, MachineProgress> = {};
  const order: string[] = [];
  const add = (m: string, role?: 'manager' | 'worker'): void => {
    order.push(m);
    machines[m] = { machine: m, role, steps: [], logLines: 0 };
  };
  for (const m of p.managers ?? []) add(m, 'manager');
  for (const m of p.workers ?? []) add(m, 'worker');
  for (const m of p.machines ?? []) add(m);
  return { id: p.id, kind: p.kind, name: p.name, title: p.title, status: 'running', order, machines, groupSteps: [], log: [], logDropped: 0 };
}

function pushStep(steps: StepSeen[], name: string, detail?: string): StepSeen[] {
  const last = steps[steps.length - 1];
  // the same step again (e.g. "waiting for SSH" with a new detail) updates it in place
  if (last && last.name === name) return [...steps.slice(0, -1), { name, detail: detail ?? last.detail }];
  return [...steps, { name, detail }];
}

/** One host event applied to an operation; returns a new object when something changed. */
export function applyMachineEvent(op: Operation, e: MachineEvent | SwarmCreateEvent): Operation {
  let next: Operation = op;
  const isGroup = op.kind === 'swarm' && e.machine === op.name && !op.machines[e.machine];
  if (e.log !== undefined) {
    const line = op.order.length > 1 || isGroup ? `[${e.machine}] ${e.log}` : e.log;
    const log = [...next.log, line];
    const drop = Math.max(0, log.length - LOG_CAP);
    next = { ...next, log: drop ? log.slice(drop) : log, logDropped: next.logDropped + drop };
    if (!isGroup) {
      const m = next.machines[e.machine] ?? { machine: e.machine, steps: [], logLines: 0 };
      next = { ...next, machines: { ...next.machines, [e.machine]: { ...m, logLines: m.logLines + 1 } }, order: next.order.includes(e.machine) ? next.order : [...next.order, e.machine] };
    }
  }
  if (e.step !== undefined) {
    if (isGroup) next = { ...next, groupSteps: pushStep(next.groupSteps, e.step, e.detail) };
    else {
      const m = next.machines[e.machine] ?? { machine: e.machine, steps: [], logLines: 0 };
      next = { ...next, machines: { ...next.machines, [e.machine]: { ...m, steps: pushStep(m.steps, e.step, e.detail) } }, order: next.order.includes(e.machine) ? next.order : [...next.order, e.machine] };
    }
  }
  if (e.done) next = { ...next, status: 'done', result: 'result' in e ? e.result : undefined };
  return next;
}

/** The stream failed: the operation failed with the host's message (which names the machine and the fix). */
export function failOperation(op: Operation, message: string): Operation {
  return op.status === 'running' ? { ...op, status: 'failed', error: message } : op;
}

/** The stream ended without a done event (the host stopped, or it was cancelled). */
export function endOperation(op: Operation): Operation {
  return op.status === 'running' ? { ...op, status: 'failed', error: 'the operation ended before it finished; look at the raw log, then retry' } : op;
}

export type MachinePhase = 'waiting' | 'working' | 'ready' | 'failed' | 'done';

/** Where one machine of an operation is: its phase and what it is doing now. */
export function machinePhase(op: Operation, machine: string): { phase: MachinePhase; current?: StepSeen } {
  const m = op.machines[machine];
  const current = m?.steps[m.steps.length - 1];
  if (op.status === 'done') return { phase: 'done', current };
  if (op.status === 'failed' || op.status === 'cancelled') {
    // the host's message names the machines that failed; the others got as far as they got
    const named = op.error ? new RegExp(`(^|[^\\w.-])${machine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w.-]|$)`).test(op.error) : false;
    return { phase: named || op.order.length === 1 ? 'failed' : 'ready', current };
  }
  if (!m || m.steps.length === 0) return { phase: 'waiting' };
  // in a swarm, a machine's own create is over once the swarm starts forming and it has not joined yet
  if (op.kind === 'swarm' && op.groupSteps.length > 0 && !current?.name.startsWith('swarm ')) return { phase: 'ready', current };
  return { phase: 'working', current };
}

/** "3 of 3 machines ready" style summary of a swarm op. */
export function operationSummary(op: Operation): string {
  if (op.status === 'done') return op.kind === 'swarm' ? `swarm ${op.name} is ready` : op.kind === 'certs' ? `new certificates for ${op.name}` : `${op.order.join(', ')} ready`;
  if (op.status === 'failed') return op.error ?? 'failed';
  if (op.status === 'cancelled') return 'cancelled';
  const group = op.groupSteps[op.groupSteps.length - 1];
  if (group) return group.detail ? `${group.name}: ${group.detail}` : group.name;
  const started = op.order.filter((m) => (op.machines[m]?.steps.length ?? 0) > 0).length;
  return `${started} of ${op.order.length} machine${op.order.length === 1 ? '' : 's'} under way`;
}
