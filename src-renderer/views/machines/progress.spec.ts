import { describe, expect, it } from 'vitest';
import { applyMachineEvent, endOperation, failOperation, LOG_CAP, machinePhase, newOperation, operationSummary, swarmMachineNames, type Operation } from './progress';

function swarmOp(): Operation {
  const n = swarmMachineNames('lab', 1, 2);
  return newOperation({ id: 'op1', kind: 'swarm', name: 'lab', title: 'New swarm lab', managers: n.managers, workers: n.workers });
}

describe('machine operation progress', () => {
  it('names the machines as the core does: managers then workers', () => {
    expect(swarmMachineNames('lab', 1, 2)).toEqual({ managers: ['lab-m1'], workers: ['lab-w1', 'lab-w2'] });
    const op = swarmOp();
    expect(op.order).toEqual(['lab-m1', 'lab-w1', 'lab-w2']);
    expect(op.machines['lab-w2'].role).toBe('worker');
    expect(machinePhase(op, 'lab-w1').phase).toBe('waiting');
    expect(operationSummary(op)).toBe('0 of 3 machines under way');
  });

  it('keeps each machine’s steps in order, updates a repeated step in place, and counts log lines', () => {
    let op = swarmOp();
    op = applyMachineEvent(op, { machine: 'lab-m1', step: 'creating the container' });
    op = applyMachineEvent(op, { machine: 'lab-m1', step: 'waiting for SSH', detail: 'try 1' });
    op = applyMachineEvent(op, { machine: 'lab-m1', step: 'waiting for SSH', detail: 'try 2' });
    op = applyMachineEvent(op, { machine: 'lab-w1', log: 'Setting up docker.io' });
    expect(op.machines['lab-m1'].steps).toEqual([{ name: 'creating the container' }, { name: 'waiting for SSH', detail: 'try 2' }]);
    expect(machinePhase(op, 'lab-m1')).toEqual({ phase: 'working', current: { name: 'waiting for SSH', detail: 'try 2' } });
    expect(op.machines['lab-w1'].logLines).toBe(1);
    expect(op.log).toEqual(['[lab-w1] Setting up docker.io']);
    expect(operationSummary(op)).toBe('1 of 3 machines under way');
  });

  it('puts swarm-wide steps apart, marks created machines ready, then the per-node swarm steps', () => {
    let op = swarmOp();
    for (const m of op.order) op = applyMachineEvent(op, { machine: m, step: 'provisioning' });
    op = applyMachineEvent(op, { machine: 'lab', step: 'forming the swarm', detail: '1 manager(s), 2 worker(s)' });
    expect(op.groupSteps).toEqual([{ name: 'forming the swarm', detail: '1 manager(s), 2 worker(s)' }]);
    expect(machinePhase(op, 'lab-w2').phase).toBe('ready');
    op = applyMachineEvent(op, { machine: 'lab-m1', step: 'swarm init', detail: 'initialising on lab-m1' });
    expect(machinePhase(op, 'lab-m1').phase).toBe('working');
    expect(operationSummary(op)).toBe('forming the swarm: 1 manager(s), 2 worker(s)');
    const done = applyMachineEvent(op, { machine: 'lab', step: 'done', done: true, result: { managers: ['lab-m1'], workers: ['lab-w1', 'lab-w2'], clusterId: 'c1' } });
    expect(done.status).toBe('done');
    expect(done.result?.clusterId).toBe('c1');
    expect(machinePhase(done, 'lab-w1').phase).toBe('done');
    expect(operationSummary(done)).toBe('swarm lab is ready');
  });

  it('a failure names the machines that failed; the others show how far they got', () => {
    let op = swarmOp();
    op = applyMachineEvent(op, { machine: 'lab-w1', step: 'installing Docker' });
    op = failOperation(op, '1 of 3 machines failed (lab-w1: apt-get failed); fix and run `flotilla machine provision NAME`');
    expect(op.status).toBe('failed');
    expect(machinePhase(op, 'lab-w1').phase).toBe('failed');
    expect(machinePhase(op, 'lab-w2').phase).toBe('ready');
    expect(machinePhase(op, 'lab-m1').phase).toBe('ready');
    // a later end does not hide the failure
    expect(endOperation(op).error).toMatch(/lab-w1: apt-get failed/);
  });

  it('a stream that ends without done is a failure that says what to do', () => {
    const op = endOperation(newOperation({ id: 'x', kind: 'create', name: 'one', title: 'Create one', machines: ['one'] }));
    expect(op.status).toBe('failed');
    expect(op.error).toMatch(/retry/);
    expect(machinePhase(op, 'one').phase).toBe('failed');
  });

  it('single-machine log lines are not prefixed, and the log is capped', () => {
    let op = newOperation({ id: 'x', kind: 'create', name: 'one', title: 'Create one', machines: ['one'] });
    for (let i = 0; i < LOG_CAP + 5; i++) op = applyMachineEvent(op, { machine: 'one', log: `line ${i}` });
    expect(op.log.length).toBe(LOG_CAP);
    expect(op.logDropped).toBe(5);
    expect(op.log[0]).toBe('line 5');
    expect(op.machines.one.logLines).toBe(LOG_CAP + 5);
  });
});
