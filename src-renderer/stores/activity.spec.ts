// The activity store fed by the real cluster store from a scripted 'swarm.model' stream: the feed, the
// baseline on a (re)subscription and another swarm, coalesced notifications (fake clock), mutes and the
// desktop switch remembered in localStorage, and permission asked only when turned on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaApi, StreamHandlers } from '../api/client';
import type { ModelEvent, Node, Service, Task } from '../../src-main/api/domains/swarm';
import { createClusterStore } from './cluster/store';
import { FEED_MAX, createActivityStore, followCluster, type Notifier, type NotifyPermission } from './activity';

function fakeApi(): { api: FlotillaApi; emit(e: ModelEvent): void } {
  const subs: Array<StreamHandlers<ModelEvent>> = [];
  const api = {
    transport: 'in-process',
    invoke: () => Promise.reject(new Error('no requests here')),
    subscribe: (_m: string, _p: unknown, handlers: StreamHandlers<ModelEvent>) => {
      subs.push(handlers);
      return () => undefined;
    },
    onBroadcast: () => () => undefined,
    close: () => undefined,
  } as unknown as FlotillaApi;
  return { api, emit: (e) => subs.at(-1)?.onEvent(e) };
}

function fakeNotifier(initial: NotifyPermission = 'granted'): Notifier & { shown: Array<{ title: string; body?: string; click(): void }>; asked: number; perm: NotifyPermission } {
  const n = {
    perm: initial,
    asked: 0,
    shown: [] as Array<{ title: string; body?: string; click(): void }>,
    permission: () => n.perm,
    request: async () => {
      n.asked++;
      n.perm = 'granted';
      return n.perm;
    },
    show: (title: string, body: string | undefined, onClick: () => void) => void n.shown.push({ title, body, click: onClick }),
  };
  return n;
}

const ts = '2026-01-01T00:00:00Z';
const node = (id: string, o: Partial<Node> = {}): Node => ({ id, hostname: id, role: 'worker', leader: false, availability: 'active', status: 'ready', engineVersion: '28', addr: '10.0.0.1', cpus: 2, memoryBytes: 1, labels: {}, ...o });
const svc: Service = { id: 's1', name: 'web', mode: 'replicated', replicas: { desired: 20, running: 0 }, image: 'busybox', ports: [] };
const task = (id: string, state: string): Task => ({ id, serviceId: 's1', slot: Number(id.slice(1)), nodeId: 'n1', image: 'busybox', state, desiredState: 'running', error: state === 'failed' ? 'task: non-zero exit (1)' : undefined, timestamps: { created: ts, updated: ts, status: ts } });
const snapshot = (tasks: Task[], nodes = [node('n1'), node('n2')]): ModelEvent => ({
  type: 'snapshot',
  model: { nodes: Object.fromEntries(nodes.map((n) => [n.id, n])), services: { s1: svc }, tasks: Object.fromEntries(tasks.map((t) => [t.id, t])) },
  at: 1,
});

function setup(permission: NotifyPermission = 'granted') {
  const { api, emit } = fakeApi();
  const cluster = createClusterStore(api, { stuckMs: 3_600_000 });
  const notifier = fakeNotifier(permission);
  const opened: string[] = [];
  const activity = createActivityStore(notifier, { windowMs: 2_000, quietMs: 30_000, onOpen: (i) => opened.push(i.title) });
  const stop = followCluster(cluster, activity.push);
  return { cluster, emit, notifier, activity, opened, stop };
}

describe('activity store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('20 tasks failing within 2 s: 20 feed items, one notification "20 tasks failed in web"; clicking it opens', () => {
    const { cluster, emit, notifier, activity, opened } = setup();
    cluster.getState().watch('e1');
    const tasks = Array.from({ length: 20 }, (_, i) => task(`t${i + 1}`, 'running'));
    emit(snapshot(tasks));
    expect(activity.getState().items).toEqual([]); // the first model is the baseline
    for (const t of tasks) {
      emit({ type: 'diff', changes: [{ op: 'upsert', kind: 'task', value: { ...t, state: 'failed', error: 'task: non-zero exit (1)' } }], at: 2 });
      vi.advanceTimersByTime(100);
    }
    expect(activity.getState().items).toHaveLength(20);
    expect(activity.getState().items[0].title).toBe('web.20 failed on n1'); // newest first
    vi.advanceTimersByTime(2_000);
    expect(notifier.shown.map((n) => [n.title, n.body])).toEqual([['20 tasks failed in web', 'task: non-zero exit (1)']]);
    notifier.shown[0].click();
    expect(opened).toEqual(['web.1 failed on n1']);
  });

  it('a fresh subscription or another swarm is a baseline, not news', () => {
    const { cluster, emit, activity } = setup();
    cluster.getState().watch('e1');
    emit(snapshot([task('t1', 'running')]));
    cluster.getState().watch('e2');
    emit(snapshot([task('t1', 'failed')], [node('n1', { status: 'down' })]));
    expect(activity.getState().items).toEqual([]);
    // a resync keeping the model on screen: the new snapshot is compared with what was shown
    cluster.getState().resync();
    emit(snapshot([task('t1', 'failed')], [node('n1')]));
    expect(activity.getState().items.map((i) => i.title)).toEqual(['n1 is back']);
  });

  it('a muted kind stays in the feed but sends nothing; mutes and the switch are remembered', () => {
    const mem = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) });
    const { cluster, emit, notifier, activity } = setup();
    activity.getState().setMuted('node-availability', true);
    cluster.getState().watch('e1');
    emit(snapshot([]));
    emit({ type: 'diff', changes: [{ op: 'upsert', kind: 'node', value: node('n2', { availability: 'drain' }) }], at: 2 });
    vi.advanceTimersByTime(5_000);
    expect(activity.getState().items.map((i) => i.title)).toEqual(['n2 was drained']);
    expect(notifier.shown).toEqual([]);
    const again = createActivityStore(fakeNotifier());
    expect(again.getState().muted).toEqual({ 'node-availability': true });
    void again.getState().setDesktop(false);
    expect(createActivityStore(fakeNotifier()).getState().desktop).toBe(false);
  });

  it('asks the desktop for permission only when turned on; shows nothing before it is granted', async () => {
    const { cluster, emit, notifier, activity } = setup('default');
    cluster.getState().watch('e1');
    emit(snapshot([task('t1', 'running')]));
    emit({ type: 'diff', changes: [{ op: 'upsert', kind: 'task', value: task('t1', 'failed') }], at: 2 });
    vi.advanceTimersByTime(2_000);
    expect(notifier.shown).toEqual([]);
    expect(notifier.asked).toBe(0);
    await activity.getState().setDesktop(true);
    expect(notifier.asked).toBe(1);
    expect(activity.getState().permission).toBe('granted');
    vi.advanceTimersByTime(30_000);
    emit({ type: 'diff', changes: [{ op: 'upsert', kind: 'task', value: task('t2', 'failed') }], at: 3 });
    vi.advanceTimersByTime(2_000);
    expect(notifier.shown.map((n) => n.title)).toEqual(['web.2 failed on n1']);
  });

  it(`keeps the last ${FEED_MAX} items`, () => {
    const { activity } = setup();
    for (let i = 0; i < FEED_MAX + 5; i++) activity.getState().add([{ id: `i${i}`, at: i, kind: 'node-up', title: `n${i}` }]);
    expect(activity.getState().items).toHaveLength(FEED_MAX);
    expect(activity.getState().items[0].title).toBe(`n${FEED_MAX + 4}`);
  });
});
