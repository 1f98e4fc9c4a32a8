import { describe, expect, it } from 'vitest';
import { createPlan, driverOptionValues, freeMachineName, freeSwarmName, hostOfUrl, machineNameProblem, stateTone, toleratedFailures } from './format';

describe('machines view helpers', () => {
  it('takes the host out of engine URLs', () => {
    expect(hostOfUrl('tcp://172.18.0.5:2376')).toBe('172.18.0.5');
    expect(hostOfUrl('tcp://[fd00::5]:2376')).toBe('fd00::5');
    expect(hostOfUrl('ssh://root@10.0.0.2')).toBe('root@10.0.0.2');
    expect(hostOfUrl('')).toBe('');
  });

  it('colours machine states', () => {
    expect(stateTone('running')).toBe('ok');
    expect(stateTone('stopped')).toBe('warn');
    expect(stateTone('error')).toBe('err');
    expect(stateTone('creating')).toBe('info');
    expect(stateTone('unknown')).toBe('');
  });

  it('checks names as the core does and names a clash', () => {
    expect(machineNameProblem('lab-1')).toBeUndefined();
    expect(machineNameProblem('')).toMatch(/name/);
    expect(machineNameProblem('-x')).toMatch(/start with a letter/);
    expect(machineNameProblem('x-')).toMatch(/dash/);
    expect(machineNameProblem('a'.repeat(64))).toMatch(/63/);
    expect(machineNameProblem('one', ['one'])).toMatch(/already exists/);
  });

  it('suggests a swarm name whose machines do not exist yet', () => {
    expect(freeSwarmName([])).toBe('swarm');
    expect(freeSwarmName(['swarm-m1', 'swarm-w1'])).toBe('swarm2');
    expect(freeMachineName(['machine', 'machine2'])).toBe('machine3');
  });

  it('plans standalone machines and swarms with the one-click names', () => {
    expect(createPlan({ name: 'web', count: 1, swarm: false, managers: 1 }, []).names).toEqual(['web']);
    expect(createPlan({ name: 'web', count: 3, swarm: false, managers: 1 }, []).names).toEqual(['web-1', 'web-2', 'web-3']);
    const s = createPlan({ name: 'lab', count: 5, swarm: true, managers: 3 }, []);
    expect(s).toMatchObject({ kind: 'swarm', managers: 3, workers: 2, names: ['lab-m1', 'lab-m2', 'lab-m3', 'lab-w1', 'lab-w2'] });
    expect(s.problem).toBeUndefined();
    // more managers than machines: every machine a manager
    expect(createPlan({ name: 'lab', count: 2, swarm: true, managers: 5 }, [])).toMatchObject({ managers: 2, workers: 0 });
    expect(createPlan({ name: 'lab', count: 3, swarm: true, managers: 1 }, ['lab-w2']).problem).toMatch(/lab-w2 already exists/);
    expect(createPlan({ name: 'lab', count: 21, swarm: true, managers: 1 }, []).problem).toMatch(/20/);
  });

  it('knows raft fault tolerance', () => {
    expect([0, 1, 2, 3, 4, 5, 7].map(toleratedFailures)).toEqual([0, 0, 0, 1, 1, 2, 3]);
  });
});

describe('driver options', () => {
  const defs = [
    { flag: 'generic-ip-address', description: 'address', type: 'string' as const },
    { flag: 'generic-ssh-port', description: 'port', type: 'number' as const, default: 22 },
    { flag: 'flag-on', description: 'b', type: 'boolean' as const, default: false },
  ];
  it('keeps what was typed, keyed by flag; empty fields take the driver default', () => {
    expect(driverOptionValues(defs, { 'generic-ip-address': ' 10.0.0.5 ', 'generic-ssh-port': '2222', 'flag-on': true })).toEqual({ options: { 'generic-ip-address': '10.0.0.5', 'generic-ssh-port': 2222, 'flag-on': true } });
    expect(driverOptionValues(defs, { 'generic-ssh-port': '', 'flag-on': false })).toEqual({ options: {} });
  });
  it('names a number field that is not a number', () => {
    expect(driverOptionValues(defs, { 'generic-ssh-port': 'twenty' }).problem).toBe('generic-ssh-port must be a number, not "twenty"');
  });
});
