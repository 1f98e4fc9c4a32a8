// The Services view's pure helpers: list order and filter, ports, `docker service ps`-like history, problems.
import { describe, expect, it } from 'vitest';
import type { BoardModel, BoardService, BoardTask } from '../../stores/cluster';
import { portsText, serviceProblem, serviceRows, taskHistory, updateTone } from './history';

const svc = (id: string, name: string, p: Partial<BoardService> = {}): BoardService => ({
  id,
  name,
  mode: 'replicated',
  replicas: { desired: 2, running: 2 },
  image: 'busybox:1',
  ...p,
});
const task = (id: string, slot: number | undefined, nodeId: string, p: Partial<BoardTask> = {}): BoardTask => ({
  id,
  serviceId: 's1',
  slot,
  nodeId,
  image: 'busybox:1',
  state: 'running',
  desiredState: 'running',
  updatedAt: 1000,
  ...p,
});

const model: BoardModel = {
  nodes: [
    {
      id: 'n1',
      hostname: 'm1',
      role: 'manager',
      leader: true,
      availability: 'active',
      status: 'ready',
      labels: {},
    },
    {
      id: 'n2',
      hostname: 'w1',
      role: 'worker',
      leader: false,
      availability: 'active',
      status: 'ready',
      labels: {},
    },
  ],
  services: [
    svc('s1', 'web', { replicas: { desired: 2, running: 1 } }),
    svc('s2', 'shop_api', {
      stack: 'shop',
      ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }],
    }),
    svc('s3', 'cache'),
  ],
  tasks: [
    task('t2old', 2, 'n2', {
      state: 'shutdown',
      desiredState: 'shutdown',
      updatedAt: 500,
    }),
    task('t2', 2, 'n2', {
      state: 'failed',
      desiredState: 'shutdown',
      error: 'task: non-zero exit (1)',
      updatedAt: 2000,
    }),
    task('t1', 1, 'n1'),
    task('t10', 10, 'n1'),
    task('x', 1, 'n1', { serviceId: 's2' }),
  ],
};

describe('serviceRows', () => {
  it('orders by stack then name', () => {
    expect(serviceRows(model.services, '').map((s) => s.name)).toEqual(['cache', 'web', 'shop_api']);
  });
  it('filters on every word: name, stack, image, ports', () => {
    expect(serviceRows(model.services, 'shop 8080').map((s) => s.name)).toEqual(['shop_api']);
    expect(serviceRows(model.services, 'BUSYBOX we').map((s) => s.name)).toEqual(['web']);
    expect(serviceRows(model.services, 'nothing')).toEqual([]);
  });
});

describe('taskHistory', () => {
  it('lists slots in numeric order, newest task first, older ones marked', () => {
    const rows = taskHistory(model, model.services[0]);
    expect(rows.map((r) => [r.name, r.task.id, r.older, r.node])).toEqual([
      ['web.1', 't1', false, 'm1'],
      ['web.2', 't2', false, 'w1'],
      ['web.2', 't2old', true, 'w1'],
      ['web.10', 't10', false, 'm1'],
    ]);
  });
  it('names global tasks by node', () => {
    const g = svc('g', 'agent', { mode: 'global' });
    const m: BoardModel = {
      ...model,
      services: [g],
      tasks: [task('a', undefined, 'n2', { serviceId: 'g' }), task('b', undefined, 'n1', { serviceId: 'g' })],
    };
    expect(taskHistory(m, g).map((r) => r.name)).toEqual(['agent.m1', 'agent.w1']);
  });
});

describe('serviceProblem', () => {
  it('gives the newest failure of a service that is not all running', () => {
    expect(serviceProblem(model, model.services[0])).toBe('failed: task: non-zero exit (1)');
    expect(serviceProblem(model, model.services[1])).toBeUndefined();
  });
  it('says pending with the scheduler message', () => {
    const s = svc('p', 'big', { replicas: { desired: 1, running: 0 } });
    const m: BoardModel = {
      ...model,
      services: [s],
      tasks: [
        task('p1', 1, '', {
          serviceId: 'p',
          state: 'pending',
          message: 'no suitable node (insufficient resources on 2 nodes)',
        }),
      ],
    };
    expect(serviceProblem(m, s)).toBe('pending: no suitable node (insufficient resources on 2 nodes)');
  });
});

it('portsText and updateTone', () => {
  expect(
    portsText([
      { published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' },
      { target: 53, protocol: 'udp', mode: 'host' },
    ]),
  ).toBe('8080→80/tcp, *→53/udp (host)');
  expect(portsText(undefined)).toBe('');
  expect([updateTone('updating'), updateTone('paused'), updateTone('rollback_started'), updateTone('completed'), updateTone(undefined)]).toEqual(['info', 'err', 'warn', 'ok', '']);
});
