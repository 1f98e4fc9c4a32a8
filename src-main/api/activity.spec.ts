import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivityCoalescer, ActivityDeriver, activityModelOf, summarize, type ActivityItem, type ActivityModel, type ActivityNode, type ActivityService, type ActivityTask, type ActivityNotice } from './activity';

const node = (id: string, o: Partial<ActivityNode> = {}): ActivityNode => ({ id, hostname: `host-${id}`, status: 'ready', availability: 'active', ...o });
const svc = (id: string, o: Partial<ActivityService> = {}): ActivityService => ({ id, name: id, mode: 'replicated', replicas: { desired: 1, running: 1 }, ...o });
const task = (id: string, o: Partial<ActivityTask> = {}): ActivityTask => ({ id, serviceId: 'web', slot: 1, nodeId: 'n1', state: 'running', ...o });
const model = (o: Partial<ActivityModel> = {}): ActivityModel => ({ nodes: [node('n1'), node('n2')], services: [svc('web')], tasks: [task('t1')], ...o });

describe('ActivityDeriver: model changes -> activity items', () => {
  it('says nothing about the first model (the baseline), even with failed tasks and down nodes in it', () => {
    const d = new ActivityDeriver();
    expect(d.next(model({ nodes: [node('n1', { status: 'down' })], tasks: [task('t1', { state: 'failed' })] }), 1)).toEqual([]);
  });

  it('a task turning failed, and a new task seen already failed, each once, with its service, slot, node and error', () => {
    const d = new ActivityDeriver();
    d.next(model(), 1);
    const m2 = model({ tasks: [task('t1', { state: 'failed', error: 'task: non-zero exit (1)' }), task('t2', { slot: 2, nodeId: 'n2', state: 'rejected', error: 'no such image' })] });
    const items = d.next(m2, 2);
    expect(items.map((i) => [i.kind, i.title, i.detail, i.taskId, i.serviceId, i.nodeId, i.node])).toEqual([
      ['task-failed', 'web.1 failed on host-n1', 'task: non-zero exit (1)', 't1', 'web', 'n1', 'host-n1'],
      ['task-failed', 'web.2 was rejected on host-n2', 'no such image', 't2', 'web', 'n2', 'host-n2'],
    ]);
    // the same failed tasks again (a resync: new objects, same states) are no news
    expect(d.next({ ...m2, tasks: m2.tasks.map((t) => ({ ...t })) }, 3)).toEqual([]);
  });

  it('a global task has no slot: named by its service', () => {
    const d = new ActivityDeriver();
    d.next(model({ services: [svc('agent', { mode: 'global' })], tasks: [] }), 1);
    const [i] = d.next(model({ services: [svc('agent', { mode: 'global' })], tasks: [task('g', { serviceId: 'agent', slot: undefined, state: 'failed' })] }), 2);
    expect(i.title).toBe('agent failed on host-n1');
  });

  it('nodes going down, coming back, paused, drained, activated, joining and leaving', () => {
    const d = new ActivityDeriver();
    d.next(model(), 1);
    const down = d.next(model({ nodes: [node('n1'), node('n2', { status: 'down' })] }), 2);
    expect(down.map((i) => [i.kind, i.title, i.nodeId])).toEqual([['node-down', 'host-n2 is down', 'n2']]);
    const back = d.next(model({ nodes: [node('n1', { availability: 'drain' }), node('n2')] }), 3);
    expect(back.map((i) => [i.kind, i.title])).toEqual([
      ['node-availability', 'host-n1 was drained'],
      ['node-up', 'host-n2 is back'],
    ]);
    expect(d.next(model({ nodes: [node('n1', { availability: 'pause' }), node('n2')] }), 4).map((i) => i.title)).toEqual(['host-n1 was paused']);
    expect(d.next(model({ nodes: [node('n1'), node('n2')] }), 5).map((i) => i.title)).toEqual(['host-n1 is active again']);
    expect(d.next(model({ nodes: [node('n1'), node('n3')] }), 6).map((i) => [i.kind, i.title])).toEqual([
      ['node-up', 'host-n3 joined the swarm'],
      ['node-down', 'host-n2 left the swarm'],
    ]);
  });

  it('updates pausing, rolling back, rolled back and completing', () => {
    const d = new ActivityDeriver();
    const at = (state: string | undefined, message?: string): ActivityModel => model({ services: [svc('web', { stack: 'shop', ...(state ? { updateStatus: { state, message } } : {}) })] });
    d.next(at(undefined), 1);
    expect(d.next(at('updating'), 2)).toEqual([]);
    const paused = d.next(at('paused', 'update paused due to failure or early termination of task x'), 3);
    expect(paused.map((i) => [i.kind, i.title, i.detail, i.stack])).toEqual([['update-paused', 'update of web paused', 'update paused due to failure or early termination of task x', 'shop']]);
    expect(d.next(at('rollback_started'), 4).map((i) => [i.kind, i.title])).toEqual([['update-rollback', 'web is rolling back']]);
    expect(d.next(at('rollback_paused'), 5).map((i) => [i.kind, i.title])).toEqual([['update-paused', 'rollback of web paused']]);
    expect(d.next(at('rollback_completed'), 6).map((i) => [i.kind, i.title])).toEqual([['update-rollback', 'web rolled back']]);
    d.next(at('updating'), 7);
    expect(d.next(at('completed'), 8).map((i) => [i.kind, i.title, i.detail])).toEqual([['deploy-finished', 'update of web completed', '1/1 running']]);
    expect(d.next(at('completed'), 9)).toEqual([]);
  });

  it('a service created after the baseline is "deployed" once all its replicas first run, not before and not again', () => {
    const d = new ActivityDeriver();
    d.next(model(), 1);
    const api = (running: number, desired = 3): ActivityService => svc('api', { stack: 'shop', replicas: { desired, running } });
    expect(d.next(model({ services: [svc('web'), api(0)] }), 2)).toEqual([]);
    expect(d.next(model({ services: [svc('web'), api(2)] }), 3)).toEqual([]);
    expect(d.next(model({ services: [svc('web'), api(3)] }), 4).map((i) => [i.kind, i.title, i.detail])).toEqual([['deploy-finished', 'api deployed', '3/3 running']]);
    expect(d.next(model({ services: [svc('web'), api(2)] }), 5)).toEqual([]);
    expect(d.next(model({ services: [svc('web'), api(3)] }), 6)).toEqual([]);
  });

  it('reset makes the next model a baseline again (another swarm)', () => {
    const d = new ActivityDeriver();
    d.next(model(), 1);
    d.reset();
    expect(d.next(model({ tasks: [task('t9', { state: 'failed' })] }), 2)).toEqual([]);
  });

  it('reads the contract model (records) too: the CLI and the window derive the same items', () => {
    const asRecords = (m: ActivityModel) => ({
      nodes: Object.fromEntries(m.nodes.map((n) => [n.id, n])),
      services: Object.fromEntries(m.services.map((s) => [s.id, s])),
      tasks: Object.fromEntries(m.tasks.map((t) => [t.id, t])),
    });
    const a = new ActivityDeriver();
    const b = new ActivityDeriver();
    const m1 = model();
    const m2 = model({ nodes: [node('n1'), node('n2', { status: 'down' })], tasks: [task('t1', { state: 'failed' })] });
    a.next(m1, 1);
    b.next(activityModelOf(asRecords(m1)), 1);
    expect(b.next(activityModelOf(asRecords(m2)), 2)).toEqual(a.next(m2, 2));
  });
});

const item = (kind: ActivityItem['kind'], n: number, o: Partial<ActivityItem> = {}): ActivityItem => ({ id: `i${n}`, at: n, kind, title: `${kind} ${n}`, ...o });

describe('summarize', () => {
  it('one item: its own title and detail', () => {
    expect(summarize('task-failed', [item('task-failed', 1, { title: 'web.1 failed on n1', detail: 'exit 1' })])).toMatchObject({ title: 'web.1 failed on n1', body: 'exit 1' });
  });
  it('many: a count and the names', () => {
    expect(summarize('node-down', [item('node-down', 1, { node: 'a' }), item('node-down', 2, { node: 'b' })]).title).toBe('2 nodes down or gone: a, b');
    const deploys = ['a', 'b', 'c', 'd', 'e'].map((s, i) => item('deploy-finished', i, { service: `shop_${s}`, stack: 'shop' }));
    expect(summarize('deploy-finished', deploys).title).toBe('stack shop deployed (5 services)');
    expect(summarize('deploy-finished', [item('deploy-finished', 1, { service: 'x' }), item('deploy-finished', 2, { service: 'y', stack: 's' })]).title).toBe('deploys finished: x, y');
    const fails = ['a', 'b', 'c', 'd', 'e'].map((s, i) => item('task-failed', i, { service: s }));
    expect(summarize('task-failed', fails).title).toBe('5 tasks failed in a, b, c and 2 more');
  });
});

describe('ActivityCoalescer (fake clock)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('20 tasks failing within 2 s make one notification "20 tasks failed in web"', () => {
    const sent: ActivityNotice[] = [];
    const c = new ActivityCoalescer((n) => sent.push(n), { windowMs: 2_000, quietMs: 30_000 });
    for (let i = 0; i < 20; i++) {
      c.push(item('task-failed', i, { service: 'web', detail: 'task: non-zero exit (1)' }));
      vi.advanceTimersByTime(90);
    }
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(sent.map((n) => [n.title, n.body, n.items.length])).toEqual([['20 tasks failed in web', 'task: non-zero exit (1)', 20]]);
  });

  it('kinds are coalesced apart; a lone item still waits only the window', () => {
    const sent: ActivityNotice[] = [];
    const c = new ActivityCoalescer((n) => sent.push(n), { windowMs: 2_000 });
    c.push(item('node-down', 1, { title: 'n2 is down', node: 'n2' }));
    c.push(item('task-failed', 2, { title: 'web.1 failed on n2', service: 'web' }));
    vi.advanceTimersByTime(1_999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent.map((n) => n.title).sort()).toEqual(['n2 is down', 'web.1 failed on n2']);
  });

  it('a crash loop: after a notice, more of the kind are held for the quiet period and sent as one; then it rests', () => {
    const sent: ActivityNotice[] = [];
    const c = new ActivityCoalescer((n) => sent.push(n), { windowMs: 2_000, quietMs: 30_000 });
    c.push(item('task-failed', 1, { service: 'web', title: 'web.1 failed' }));
    vi.advanceTimersByTime(2_000);
    expect(sent.map((n) => n.title)).toEqual(['web.1 failed']);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(5_000);
      c.push(item('task-failed', 10 + i, { service: 'web' }));
    }
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(5_000); // 30 s after the first notice
    expect(sent.map((n) => n.title)).toEqual(['web.1 failed', '5 tasks failed in web']);
    vi.advanceTimersByTime(30_000); // a quiet period with nothing: the kind rests
    expect(sent).toHaveLength(2);
    c.push(item('task-failed', 99, { service: 'api', title: 'api.1 failed' }));
    vi.advanceTimersByTime(2_000);
    expect(sent.map((n) => n.title)).toEqual(['web.1 failed', '5 tasks failed in web', 'api.1 failed']);
  });

  it('dispose drops what is held', () => {
    const sent: ActivityNotice[] = [];
    const c = new ActivityCoalescer((n) => sent.push(n));
    c.push(item('task-failed', 1));
    c.dispose();
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
  });
});
