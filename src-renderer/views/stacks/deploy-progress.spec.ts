// Deploy stream events to the per-service progress table.
import { describe, expect, it } from 'vitest';
import type { StackEvent } from '../../../src-main/api/domains/stacks';
import { applyDeployEvent, failRun, runSummary, startRun } from './deploy-progress';

const play = (events: StackEvent[]) => events.reduce(applyDeployEvent, startRun('deploy', 'shop'));

describe('deploy progress', () => {
  it('follows each service until every one converged', () => {
    const run = play([
      { type: 'log', message: 'Creating network shop_default' },
      { type: 'service', service: 'shop_web', action: 'create', id: 'a' },
      { type: 'service', service: 'shop_db', action: 'update', id: 'b' },
      { type: 'progress', service: 'shop_web', running: 1, desired: 2, state: 'converging', errors: [] },
      { type: 'progress', service: 'shop_db', running: 1, desired: 1, state: 'converged', errors: [] },
    ]);
    expect(run.status).toBe('running');
    expect(run.services.map((s) => [s.service, s.action, `${s.running}/${s.desired}`, s.state])).toEqual([
      ['shop_web', 'create', '1/2', 'converging'],
      ['shop_db', 'update', '1/1', 'converged'],
    ]);
    expect(runSummary(run)).toBe('Deploy of shop: 1 of 2 services converged…');
    const done = [
      { type: 'progress', service: 'shop_web', running: 2, desired: 2, state: 'converged', errors: [] },
      { type: 'done', history: 4, services: [] },
    ].reduce((r, e) => applyDeployEvent(r, e as StackEvent), run);
    expect(done.status).toBe('converged');
    expect(done.history).toBe(4);
    expect(runSummary(done)).toBe('Deploy of shop converged: 2 services running (deployment 4)');
    expect(done.log).toEqual(['Creating network shop_default', 'create service shop_web', 'update service shop_db']);
  });

  it('keeps the failing tasks’ errors and ends failed when a service did not converge', () => {
    const run = play([
      { type: 'warning', message: 'image x could not be accessed on a registry' },
      { type: 'progress', service: 'shop_web', running: 0, desired: 1, state: 'failed', errors: ['rejected: No such image: x'] },
      { type: 'done', history: 1, services: [] },
    ]);
    expect(run.status).toBe('failed');
    expect(run.services[0].errors).toEqual(['rejected: No such image: x']);
    expect(run.warnings).toHaveLength(1);
    expect(runSummary(run)).toBe('Deploy of shop failed: shop_web did not converge');
  });

  it('an error from the host stops the run with its message', () => {
    const run = failRun(startRun('rollback', 'shop'), 'no deployment 9 of stack shop');
    expect(run.status).toBe('error');
    expect(runSummary(run)).toBe('Rollback of shop stopped: no deployment 9 of stack shop');
  });
});
