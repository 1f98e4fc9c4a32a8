// Deploy and rollback streams as a per-service progress table: pure, so it is table-tested.
import type { StackEvent } from '../../../src-main/api/domains/stacks';

export interface ServiceProgress {
  service: string;
  action?: 'create' | 'update' | 'remove';
  running: number;
  desired: number;
  state: 'pending' | 'converging' | 'converged' | 'failed';
  errors: string[];
}

export interface DeployRun {
  kind: 'deploy' | 'rollback';
  stack: string;
  status: 'running' | 'converged' | 'failed' | 'error';
  services: ServiceProgress[];
  log: string[];
  warnings: string[];
  /** the history number of the deployment, when done */
  history?: number;
  error?: string;
}

export function startRun(kind: DeployRun['kind'], stack: string): DeployRun {
  return {
    kind,
    stack,
    status: 'running',
    services: [],
    log: [],
    warnings: [],
  };
}

function upsert(services: ServiceProgress[], name: string, patch: Partial<ServiceProgress>): ServiceProgress[] {
  const i = services.findIndex((s) => s.service === name);
  if (i < 0)
    return [
      ...services,
      {
        service: name,
        running: 0,
        desired: 0,
        state: 'pending',
        errors: [],
        ...patch,
      },
    ];
  const next = services.slice();
  next[i] = { ...next[i], ...patch };
  return next;
}

export function applyDeployEvent(run: DeployRun, e: StackEvent): DeployRun {
  switch (e.type) {
    case 'log':
      return { ...run, log: [...run.log, e.message] };
    case 'warning':
      return { ...run, warnings: [...run.warnings, e.message] };
    case 'service':
      return {
        ...run,
        services: upsert(run.services, e.service, { action: e.action }),
        log: [...run.log, `${e.action} service ${e.service}`],
      };
    case 'progress':
      return {
        ...run,
        services: upsert(run.services, e.service, {
          running: e.running,
          desired: e.desired,
          state: e.state,
          errors: e.errors,
        }),
      };
    case 'done': {
      const failed = run.services.some((s) => s.state === 'failed');
      return {
        ...run,
        history: e.history,
        status: failed ? 'failed' : 'converged',
      };
    }
  }
}

export function failRun(run: DeployRun, message: string): DeployRun {
  return { ...run, status: 'error', error: message };
}

/** a short line for the header of the progress panel */
export function runSummary(run: DeployRun): string {
  const n = run.services.length;
  const done = run.services.filter((s) => s.state === 'converged').length;
  const verb = run.kind === 'rollback' ? 'Rollback' : 'Deploy';
  if (run.status === 'running') return `${verb} of ${run.stack}: ${done} of ${n} services converged…`;
  if (run.status === 'converged') return `${verb} of ${run.stack} converged: ${n} service${n === 1 ? '' : 's'} running (deployment ${run.history ?? '?'})`;
  if (run.status === 'failed')
    return `${verb} of ${run.stack} failed: ${run.services
      .filter((s) => s.state === 'failed')
      .map((s) => s.service)
      .join(', ')} did not converge`;
  return `${verb} of ${run.stack} stopped: ${run.error ?? 'unknown error'}`;
}
