import { describe, expect, it } from 'vitest';
import type { BoardNode } from '../../stores/cluster';
import { formatLabels, formatMemory, labelDiff, parseLabels, raftHealth, removalPlan, sortNodes } from './raft';

function node(p: Partial<BoardNode> & { id: string }): BoardNode {
  return { hostname: p.id, role: 'worker', leader: false, availability: 'active', status: 'ready', labels: {}, ...p };
}
const mgr = (id: string, reachability = 'reachable', leader = false): BoardNode => node({ id, role: 'manager', reachability, leader });

describe('raft health', () => {
  it('one manager: a quorum that tolerates nothing, and says what to do', () => {
    const h = raftHealth([mgr('m1', 'reachable', true), node({ id: 'w1' }), node({ id: 'w2' })]);
    expect(h).toMatchObject({ managers: 1, reachable: 1, majority: 1, tolerates: 0, quorum: true, leader: 'm1', tone: 'warn' });
    expect(h.summary).toMatch(/promote two workers/);
  });

  it('three reachable managers tolerate one failure', () => {
    const h = raftHealth([mgr('a', 'reachable', true), mgr('b'), mgr('c')]);
    expect(h).toMatchObject({ managers: 3, majority: 2, tolerates: 1, margin: 1, tone: 'ok' });
    expect(h.summary).toBe('healthy: tolerates 1 manager failure');
  });

  it('an unreachable manager eats the margin; two of three lose quorum', () => {
    expect(raftHealth([mgr('a', 'reachable', true), mgr('b', 'unreachable'), mgr('c')])).toMatchObject({ reachable: 2, margin: 0, quorum: true, tone: 'warn' });
    const lost = raftHealth([mgr('a', 'reachable', true), mgr('b', 'unreachable'), mgr('c', 'unreachable')]);
    expect(lost).toMatchObject({ quorum: false, tone: 'err' });
    expect(lost.summary).toMatch(/quorum lost: 1 of 3 managers reachable, raft needs 2/);
  });

  it('an even count is called out', () => {
    expect(raftHealth([mgr('a', 'reachable', true), mgr('b'), mgr('c'), mgr('d')]).summary).toMatch(/4 managers tolerate 1, as 3 would/);
  });
});

describe('labels', () => {
  it('parses key=value lines and commas, keeps "=" in values, refuses keys with spaces', () => {
    expect(parseLabels('zone=a\n disk = ssd , gpu\n\nurl=a=b')).toEqual({ labels: { zone: 'a', disk: 'ssd', gpu: '', url: 'a=b' } });
    expect(parseLabels('=x').problem).toMatch(/no key/);
    expect(parseLabels('my key=x').problem).toMatch(/spaces/);
    expect(formatLabels({ zone: 'a', gpu: '' })).toBe('gpu\nzone=a');
  });

  it('diffs into adds (new and changed) and removes', () => {
    expect(labelDiff({ zone: 'a', disk: 'hdd', old: '1' }, { zone: 'a', disk: 'ssd', gpu: '' })).toEqual({ add: { disk: 'ssd', gpu: '' }, remove: ['old'] });
    expect(labelDiff({ a: '1' }, { a: '1' })).toEqual({ add: {}, remove: [] });
  });
});

describe('guided remove', () => {
  const three = raftHealth([mgr('a', 'reachable', true), mgr('b'), mgr('c')]);
  it('an up worker: drain, leave, wait, remove', () => {
    const p = removalPlan(node({ id: 'w1' }), 'a', three, false);
    expect(p.steps).toHaveLength(3);
    expect(p.steps[0]).toMatch(/^drain w1/);
    expect(p.steps[1]).toMatch(/leaves the swarm/);
  });
  it('a down node is removed directly; force skips the drain', () => {
    expect(removalPlan(node({ id: 'w1', status: 'down' }), 'a', three, false).steps).toEqual(['remove w1 from the node list (it is down, so nothing runs there)']);
    expect(removalPlan(node({ id: 'w1' }), 'a', three, true).steps[0]).toMatch(/without draining/);
  });
  it('a manager is demoted first, with the tolerance it costs', () => {
    const p = removalPlan(mgr('b'), 'a', three, false);
    expect(p.steps[0]).toMatch(/demote b to worker \(2 managers left, tolerating 0 failures\)/);
    expect(p.warning).toBe('fault tolerance drops from 1 to 0');
  });
  it('refuses the connected manager and the last manager', () => {
    expect(removalPlan(mgr('a'), 'a', three, false).refuse).toMatch(/manager Flotilla talks to/);
    const one = raftHealth([mgr('a', 'reachable', true)]);
    expect(removalPlan(mgr('z'), 'a', one, false).refuse).toMatch(/last manager/);
  });
});

describe('node order and sizes', () => {
  it('managers first, leader first, then by name', () => {
    const sorted = sortNodes([node({ id: 'w2' }), mgr('m2'), node({ id: 'w1' }), mgr('m1', 'reachable', true)]);
    expect(sorted.map((n) => n.id)).toEqual(['m1', 'm2', 'w1', 'w2']);
  });
  it('formats memory', () => {
    expect(formatMemory(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatMemory(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatMemory(undefined)).toBe('—');
  });
});
