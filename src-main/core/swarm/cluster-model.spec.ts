import { describe, expect, it } from 'vitest';
import { applyChanges, buildModel, diffModels, dirtyFor, emptyModel, isSettling, type Timelines } from './cluster-model';
import type { RawNode, RawService, RawTask } from './mappers';
import { ModelEvent } from '../../api/domains/swarm';

const node = (id: string, host: string, role: 'manager' | 'worker', state = 'ready', availability = 'active'): RawNode => ({
  ID: id,
  Spec: { Role: role, Availability: availability, Labels: {} },
  Description: { Hostname: host, Engine: { EngineVersion: '28.0.0' }, Resources: { NanoCPUs: 2e9, MemoryBytes: 2 ** 31 } },
  Status: { State: state, Addr: role === 'manager' ? '0.0.0.0' : `10.0.0.${id.length}` },
  ...(role === 'manager' ? { ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.0.0.1:2377' } } : {}),
});

const service = (id: string, name: string, image: string, replicas: number, update?: string): RawService => ({
  ID: id,
  Spec: { Name: name, Labels: { 'com.docker.stack.namespace': 'shop' }, TaskTemplate: { ContainerSpec: { Image: `${image}@sha256:abc` } }, Mode: { Replicated: { Replicas: replicas } } },
  Endpoint: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }] },
  ...(update ? { UpdateStatus: { State: update } } : {}),
});

const stamps = new Map<string, string>();
// the engine keeps a task's status timestamp until its state changes
function stamp(id: string, state: string): string {
  const k = `${id}/${state}`;
  if (!stamps.has(k)) stamps.set(k, `2026-01-01T00:00:${String(stamps.size).padStart(2, '0')}Z`);
  return stamps.get(k)!;
}
const task = (id: string, svc: string, slot: number, nodeId: string, image: string, state: string, desired = 'running', created = '2026-01-01T00:00:00Z'): RawTask => ({
  ID: id,
  ServiceID: svc,
  Slot: slot,
  NodeID: nodeId,
  CreatedAt: created,
  UpdatedAt: created,
  Spec: { ContainerSpec: { Image: image } },
  Status: { State: state, Timestamp: stamp(id, state), ContainerStatus: { ContainerID: `c-${id}` } },
  DesiredState: desired,
});

describe('cluster model', () => {
  const nodes = [node('m1', 'flab-n1', 'manager'), node('w22', 'flab-n2', 'worker')];

  it('maps listings to the shapes the UI draws', () => {
    const m = buildModel(nodes, [service('s1', 'shop_web', 'web:1', 2)], [task('t1', 's1', 1, 'm1', 'web:1', 'running'), task('t2', 's1', 2, 'w22', 'web:1', 'starting')]);
    expect(m.nodes.m1).toEqual({
      id: 'm1',
      hostname: 'flab-n1',
      role: 'manager',
      leader: true,
      reachability: 'reachable',
      availability: 'active',
      status: 'ready',
      engineVersion: '28.0.0',
      addr: '10.0.0.1',
      cpus: 2,
      memoryBytes: 2 ** 31,
      labels: {},
    });
    expect(m.services.s1).toMatchObject({ name: 'shop_web', stack: 'shop', mode: 'replicated', replicas: { desired: 2, running: 1 }, image: 'web:1', ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'host' }] });
    expect(m.tasks.t2).toMatchObject({ serviceId: 's1', serviceName: 'shop_web', slot: 2, nodeId: 'w22', state: 'starting', desiredState: 'running', containerId: 'c-t2' });
    expect(isSettling(m)).toBe(true);
  });

  it('folds a recorded rolling update into diffs that rebuild the same model, with task timelines', () => {
    const timelines: Timelines = new Map();
    const svc1 = service('s1', 'web', 'web:1', 2);
    const svc2 = service('s1', 'web', 'web:2', 2, 'updating');
    const svc3 = service('s1', 'web', 'web:2', 2, 'completed');
    // recorded listings, one per engine event that arrived during `service update --image web:2`
    const steps: Array<[RawService[], RawTask[]]> = [
      [[svc1], [task('a1', 's1', 1, 'm1', 'web:1', 'running'), task('a2', 's1', 2, 'w22', 'web:1', 'running')]],
      [[svc2], [task('a1', 's1', 1, 'm1', 'web:1', 'running', 'shutdown'), task('a2', 's1', 2, 'w22', 'web:1', 'running')]],
      [[svc2], [task('a1', 's1', 1, 'm1', 'web:1', 'shutdown', 'shutdown'), task('b1', 's1', 1, 'm1', 'web:2', 'preparing', 'running', '2026-01-01T00:01:00Z'), task('a2', 's1', 2, 'w22', 'web:1', 'running')]],
      [[svc2], [task('a1', 's1', 1, 'm1', 'web:1', 'shutdown', 'shutdown'), task('b1', 's1', 1, 'm1', 'web:2', 'running', 'running', '2026-01-01T00:01:00Z'), task('a2', 's1', 2, 'w22', 'web:1', 'running')]],
      [[svc3], [task('a1', 's1', 1, 'm1', 'web:1', 'shutdown', 'shutdown'), task('b1', 's1', 1, 'm1', 'web:2', 'running', 'running', '2026-01-01T00:01:00Z'), task('a2', 's1', 2, 'w22', 'web:1', 'shutdown', 'shutdown'), task('b2', 's1', 2, 'w22', 'web:2', 'running', 'running', '2026-01-01T00:01:10Z')]],
    ];
    let server = emptyModel();
    let client = emptyModel();
    const diffSizes: number[] = [];
    for (const [svcs, tasks] of steps) {
      const next = buildModel(nodes, svcs, tasks, timelines);
      const changes = diffModels(server, next);
      diffSizes.push(changes.length);
      // what crosses the contract validates against its schema
      expect(ModelEvent.parse({ type: 'diff', changes, at: 1 })).toEqual({ type: 'diff', changes, at: 1 });
      client = applyChanges(client, changes);
      server = next;
      expect(client).toEqual(server);
    }
    // small diffs: after the first snapshot-sized one, only what changed
    expect(diffSizes[0]).toBe(5);
    expect(diffSizes.slice(1).every((n) => n <= 3)).toBe(true);
    expect(server.tasks.b1.timeline?.map((t) => t.state)).toEqual(['preparing', 'running']);
    expect(server.tasks.a1.timeline?.map((t) => t.state)).toEqual(['running', 'shutdown']);
    expect(server.services.s1.updateStatus).toEqual({ state: 'completed', progress: { n: 2, m: 2 } });
    expect(isSettling(server)).toBe(false);
    // a removed task is removed from the model and its timeline forgotten
    const after = buildModel(nodes, [svc3], [task('b1', 's1', 1, 'm1', 'web:2', 'running', 'running', '2026-01-01T00:01:00Z')], timelines);
    const rm = diffModels(server, after).filter((c) => c.op === 'remove');
    expect(rm.map((c) => (c.op === 'remove' ? c.id : '')).sort()).toEqual(['a1', 'a2', 'b2']);
    expect(timelines.has('a1')).toBe(false);
  });

  it('knows which listings an engine event makes stale', () => {
    expect(dirtyFor({ Type: 'node', Action: 'update' })).toEqual({ nodes: true, services: false, tasks: false });
    expect(dirtyFor({ Type: 'service', Action: 'update' })).toEqual({ nodes: false, services: true, tasks: true });
    expect(dirtyFor({ Type: 'container', Action: 'die', Actor: { Attributes: { 'com.docker.swarm.task.id': 't1' } } })).toEqual({ nodes: false, services: false, tasks: true });
    expect(dirtyFor({ Type: 'container', Action: 'die', Actor: { Attributes: {} } })).toEqual({ nodes: false, services: false, tasks: false });
    expect(dirtyFor({ Type: 'secret', Action: 'create' })).toEqual({ nodes: false, services: false, tasks: false });
  });

  it('a manager the raft lost while the listing still says ready keeps the model polling until its status follows', () => {
    const lost: RawNode = { ...node('m2', 'm2', 'manager'), ManagerStatus: { Leader: false, Reachability: 'unreachable', Addr: '10.0.0.2:2377' } };
    expect(isSettling(buildModel([node('m1', 'm1', 'manager'), lost], [], []))).toBe(true);
    expect(isSettling(buildModel([node('m1', 'm1', 'manager'), { ...lost, Status: { State: 'down', Addr: '10.0.0.2' } }], [], []))).toBe(false);
  });
});
