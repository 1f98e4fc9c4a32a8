import { describe, expect, it } from 'vitest';
import { explainService, explainTask, isPullError, type ExplainRawNode, type ExplainRawService, type ExplainRawTask } from './explain';

const GiB = 2 ** 30;
function node(id: string, over: Partial<{ state: string; availability: string; labels: Record<string, string>; cpus: number; mem: number; arch: string; role: string }> = {}): ExplainRawNode {
  return {
    ID: id,
    Spec: { Role: over.role ?? 'worker', Availability: over.availability ?? 'active', Labels: over.labels ?? {} },
    Description: { Hostname: `host-${id}`, Platform: { Architecture: over.arch ?? 'x86_64', OS: 'linux' }, Resources: { NanoCPUs: (over.cpus ?? 2) * 1e9, MemoryBytes: over.mem ?? 4 * GiB }, Engine: { Labels: {} } },
    Status: { State: over.state ?? 'ready', Addr: '10.0.0.1' },
  };
}
function service(id: string, tt: NonNullable<ExplainRawService['Spec']['TaskTemplate']> = {}, extra: Partial<ExplainRawService['Spec']> = {}): ExplainRawService {
  return { ID: id, Spec: { Name: id, TaskTemplate: { ContainerSpec: { Image: 'busybox' }, ...tt }, Mode: { Replicated: { Replicas: 1 } }, ...extra } };
}
let seq = 0;
function task(svc: ExplainRawService, over: Partial<{ slot: number; node: string; state: string; desired: string; err: string; at: string; reserveMem: number; ports: Array<{ PublishedPort: number; Protocol: string; PublishMode: string }> }> = {}): ExplainRawTask {
  const at = over.at ?? `2026-12-06T21:00:${String(seq++).padStart(2, '0')}Z`;
  return {
    ID: `t${seq}-${svc.ID}`,
    CreatedAt: at,
    UpdatedAt: at,
    ServiceID: svc.ID,
    Slot: over.slot ?? 1,
    ...(over.node ? { NodeID: over.node } : {}),
    DesiredState: over.desired ?? 'running',
    Spec: { ContainerSpec: { Image: svc.Spec.TaskTemplate?.ContainerSpec?.Image }, Resources: over.reserveMem ? { Reservations: { MemoryBytes: over.reserveMem } } : (svc.Spec.TaskTemplate?.Resources ?? {}), Placement: svc.Spec.TaskTemplate?.Placement ?? {} },
    Status: { State: over.state ?? 'pending', Timestamp: at, ...(over.err ? { Err: over.err } : {}), ...(over.ports ? { PortStatus: { Ports: over.ports } } : {}) },
  };
}
const kinds = (e: ReturnType<typeof explainService>, host: string) => e!.tasks[0].nodes.find((n) => n.hostname === host)!.reasons.map((r) => r.kind);

describe('why a task is not running', () => {
  it('a failing constraint is quoted as written, per node, with what the node has; the engine error is kept', () => {
    const svc = service('web', { Placement: { Constraints: ['node.labels.zone==nowhere', 'node.role!=manager'] } });
    const t = task(svc, { err: 'no suitable node (scheduling constraints not satisfied on 2 nodes)' });
    const e = explainService({ nodes: [node('a', { labels: { zone: 'east' } }), node('b', { role: 'manager' })], services: [svc], tasks: [t] }, 'web')!;
    expect(e.tasks).toHaveLength(1);
    const [a, b] = e.tasks[0].nodes;
    expect(a.reasons).toEqual([{ kind: 'constraint', constraint: 'node.labels.zone==nowhere', text: 'constraint "node.labels.zone==nowhere" fails: node.labels.zone is "east" here' }]);
    expect(b.reasons.map((r) => r.constraint)).toEqual(['node.labels.zone==nowhere', 'node.role!=manager']);
    expect(e.tasks[0].engineError).toBe('no suitable node (scheduling constraints not satisfied on 2 nodes)');
    expect(e.tasks[0].summary).toBe('pending: no node can take it (all 2 nodes refuse it, see each node\'s reason)');
    expect(e.tasks[0].name).toBe('web.1');
  });

  it('resources: reserved against the node minus what its tasks (pending..running) reserve', () => {
    const big = service('big', { Resources: { Reservations: { MemoryBytes: 3 * GiB, NanoCPUs: 3e9 } } });
    const other = service('other');
    const tasks = [
      task(big),
      task(other, { node: 'a', state: 'running', reserveMem: 2 * GiB }),
      // finished tasks and ones not yet on a node reserve nothing
      task(other, { node: 'a', state: 'shutdown', desired: 'shutdown', reserveMem: 2 * GiB }),
      task(other, { node: 'b', state: 'failed', desired: 'shutdown', reserveMem: 4 * GiB }),
    ];
    const e = explainService({ nodes: [node('a'), node('b', { cpus: 4 })], services: [big, other], tasks }, 'big')!;
    const [a, b] = e.tasks[0].nodes;
    expect(a.reasons.map((r) => r.resource)).toEqual([
      { what: 'cpu', reserved: 3e9, available: 2e9, total: 2e9, reservedByOthers: 0 },
      { what: 'memory', reserved: 3 * GiB, available: 2 * GiB, total: 4 * GiB, reservedByOthers: 2 * GiB },
    ]);
    expect(a.reasons[1].text).toBe('insufficient memory: the task reserves 3 GiB, the node has 2 GiB available (4 GiB minus 2 GiB reserved by 1 task on it)');
    expect(b.schedulable).toBe(true);
    expect(e.tasks[0].summary).toMatch(/^pending: 1 of 2 nodes could take it/);
  });

  it('drained, paused and down nodes', () => {
    const svc = service('web');
    const e = explainService({ nodes: [node('a', { availability: 'drain' }), node('b', { availability: 'pause' }), node('c', { state: 'down' })], services: [svc], tasks: [task(svc)] }, 'web')!;
    expect(kinds(e, 'host-a')).toEqual(['drain']);
    expect(kinds(e, 'host-b')).toEqual(['pause']);
    expect(kinds(e, 'host-c')).toEqual(['down']);
    expect(e.tasks[0].nodes.every((n) => !n.schedulable)).toBe(true);
  });

  it('platform: the image platforms against the node (x86_64 is amd64, aarch64 is arm64)', () => {
    const svc = service('s390', { Placement: { Platforms: [{ OS: 'linux', Architecture: 's390x' }] } });
    const amd = service('amd', { Placement: { Platforms: [{ OS: 'linux', Architecture: 'amd64' }] } });
    const e = explainService({ nodes: [node('a'), node('b', { arch: 'aarch64' })], services: [svc, amd], tasks: [task(svc), task(amd)] }, 's390')!;
    expect(e.tasks[0].nodes[0].reasons[0].text).toBe('platform mismatch: the image runs on linux/s390x; this node is linux/x86_64');
    const f = explainService({ nodes: [node('a'), node('b', { arch: 'aarch64' })], services: [svc, amd], tasks: [task(svc), task(amd)] }, 'amd')!;
    expect(f.tasks[0].nodes.map((n) => n.schedulable)).toEqual([true, false]);
  });

  it('max_replicas_per_node counts the tasks of the service on the node that are meant to run', () => {
    const svc = service('spread', { Placement: { MaxReplicas: 1 } }, { Mode: { Replicated: { Replicas: 3 } } });
    const tasks = [task(svc, { slot: 1, node: 'a', state: 'running' }), task(svc, { slot: 2, node: 'b', state: 'running' }), task(svc, { slot: 3 })];
    const e = explainService({ nodes: [node('a'), node('b')], services: [svc], tasks }, 'spread')!;
    expect(e.running).toBe(2);
    expect(e.tasks.map((t) => t.name)).toEqual(['spread.3']);
    expect(e.tasks[0].nodes.map((n) => n.reasons[0].text)).toEqual([
      'max_replicas_per_node is 1 and 1 task of this service is already here',
      'max_replicas_per_node is 1 and 1 task of this service is already here',
    ]);
  });

  it('a host-mode port taken by another task on the node', () => {
    const ports = [{ PublishedPort: 18080, TargetPort: 80, Protocol: 'tcp', PublishMode: 'host' }];
    const first = service('first', {}, { EndpointSpec: { Ports: ports } });
    const second = service('second', {}, { EndpointSpec: { Ports: ports } });
    const udp = service('udp', {}, { EndpointSpec: { Ports: [{ ...ports[0], Protocol: 'udp' }] } });
    const taker = task(first, { node: 'a', state: 'running', ports });
    const e = explainService({ nodes: [node('a'), node('b')], services: [first, second, udp], tasks: [taker, task(second), task(udp)] }, 'second')!;
    expect(e.tasks[0].nodes[0]).toMatchObject({ schedulable: false, reasons: [{ kind: 'host-port', taskId: taker.ID, text: `host-mode port 18080/tcp is already taken here by task first.1 (${taker.ID.slice(0, 12)})` }] });
    expect(e.tasks[0].nodes[1].schedulable).toBe(true);
    // another protocol is another port
    expect(explainService({ nodes: [node('a')], services: [first, udp], tasks: [taker, task(udp)] }, 'udp')!.tasks[0].nodes[0].schedulable).toBe(true);
  });

  it('an image that cannot be pulled: the slot history and the node it was rejected on', () => {
    const svc = service('ghost', { ContainerSpec: { Image: 'nosuch.invalid/ghost:1' } });
    const err = 'No such image: nosuch.invalid/ghost:1';
    const old = task(svc, { node: 'a', state: 'rejected', desired: 'shutdown', err });
    const now = task(svc, { node: 'a', state: 'preparing' });
    const e = explainService({ nodes: [node('a'), node('b')], services: [svc], tasks: [old, now] }, 'ghost')!;
    expect(e.tasks.map((t) => t.taskId)).toEqual([now.ID]);
    expect(e.tasks[0].nodes[0].reasons).toEqual([{ kind: 'image', taskId: old.ID, error: err, text: `the image could not be pulled here: ${err}` }]);
    expect(e.tasks[0].nodes[0].schedulable).toBe(true);
    expect(e.tasks[0].summary).toBe(`preparing on host-a: an earlier task could not pull the image here (${err})`);
    expect(e.tasks[0].history.map((h) => [h.taskId, h.state, h.error])).toEqual([
      [now.ID, 'preparing', undefined],
      [old.ID, 'rejected', err],
    ]);
    expect(isPullError('pull access denied for x, repository does not exist or may require \'docker login\'')).toBe(true);
    expect(isPullError('task: non-zero exit (1)')).toBe(false);
  });

  it('running tasks are not explained; a global task is judged on its own node only; explainTask takes any task', () => {
    const g = service('agent', { Resources: { Reservations: { MemoryBytes: 8 * GiB } } }, { Mode: { Global: {} } });
    const ok = task(g, { node: 'a', state: 'running', slot: 0 });
    const stuck = task(g, { node: 'b', slot: 0 });
    const e = explainService({ nodes: [node('a', { mem: 16 * GiB }), node('b')], services: [g], tasks: [ok, stuck] }, 'agent')!;
    expect(e.desired).toBe(2);
    expect(e.running).toBe(1);
    expect(e.tasks).toHaveLength(1);
    expect(e.tasks[0].name).toBe('agent.b');
    expect(e.tasks[0].nodes.map((n) => n.hostname)).toEqual(['host-b']);
    expect(e.tasks[0].nodes[0].reasons[0].kind).toBe('resources');
    const r = explainTask({ nodes: [node('a', { mem: 16 * GiB })], services: [g], tasks: [ok] }, ok.ID)!;
    expect(r).toMatchObject({ running: true, nodes: [], summary: 'running on host-a' });
  });

  it('a replicated slot without a task meant to run is a note', () => {
    const svc = service('web', {}, { Mode: { Replicated: { Replicas: 2 } } });
    const e = explainService({ nodes: [node('a')], services: [svc], tasks: [task(svc, { slot: 1, node: 'a', state: 'running' })] }, 'web')!;
    expect(e.tasks).toEqual([]);
    expect(e.notes[0]).toMatch(/^1 of 2 replicas have no task meant to run/);
  });
});

describe('summaries', () => {
  it('a task waiting to retry after pull failures says so; resources with nothing else reserved say so', () => {
    const svc = service('ghost', { ContainerSpec: { Image: 'nosuch.invalid/ghost:1' }, Resources: { Reservations: { MemoryBytes: 8 * GiB } } });
    const err = 'No such image: nosuch.invalid/ghost:1';
    const tasks = [task(svc, { node: 'a', state: 'rejected', desired: 'shutdown', err }), task(svc, { node: 'b', state: 'rejected', desired: 'shutdown', err }), task(svc, { state: 'new', desired: 'ready' })];
    const e = explainService({ nodes: [node('a', { mem: 16 * GiB }), node('b', { mem: 16 * GiB }), node('c')], services: [svc], tasks }, 'ghost')!;
    expect(e.tasks[0].summary).toBe(`new: the image could not be pulled on host-a, host-b (${err}); the swarm retries it`);
    expect(e.tasks[0].nodes[2].reasons[0].text).toBe('insufficient memory: the task reserves 8 GiB, the node has 4 GiB available (all of its 4 GiB: no task on it reserves any)');
  });
});

describe('summaries of a task that ended', () => {
  it('rejected for its image, still meant to run', () => {
    const svc = service('ghost', { ContainerSpec: { Image: 'nosuch.invalid/ghost:1' } });
    const err = 'No such image: nosuch.invalid/ghost:1';
    const t = task(svc, { node: 'a', state: 'rejected', err });
    expect(explainTask({ nodes: [node('a')], services: [svc], tasks: [t] }, t.ID)!.summary).toBe(`rejected on host-a: the image could not be pulled (${err}); the swarm retries it`);
    const f = task(svc, { node: 'a', state: 'failed', err: 'task: non-zero exit (1)' });
    expect(explainTask({ nodes: [node('a')], services: [svc], tasks: [f] }, f.ID)!.summary).toBe('failed on host-a: task: non-zero exit (1)');
  });
});
