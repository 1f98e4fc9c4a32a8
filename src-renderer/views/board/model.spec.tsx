// @vitest-environment jsdom
// The board's model -> columns logic, and that a small change re-renders only the cards it touches.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { act, Profiler } from 'react';
import { createRoot } from 'react-dom/client';
import type * as FormatModule from '../../components/format';

// every card render calls age() once: counting its calls counts card renders
const renders = vi.hoisted(() => ({ cards: 0 }));
vi.mock('../../components/format', async (importOriginal) => {
  const real = await importOriginal<typeof FormatModule>();
  return { ...real, age: (from: number, now: number) => (renders.cards++, real.age(from, now)) };
});

import { buildBoard, visibleTasks, sameImage } from './model';
import { age, serviceColor, shortImage } from '../../components/format';
import { applyModelEvent, currentLost } from '../../stores/cluster';
import { changeTasks, makeModel } from './fixture';
import { Board } from './Board';
import { NO_FILTERS } from './types';
import type { BoardModel, BoardNode, BoardService, BoardTask } from '../../stores/cluster';

const node = (id: string, hostname: string, p: Partial<BoardNode> = {}): BoardNode => ({
  id,
  hostname,
  role: 'worker',
  leader: false,
  availability: 'active',
  status: 'ready',
  labels: {},
  ...p,
});
const svc = (id: string, name: string, p: Partial<BoardService> = {}): BoardService => ({
  id,
  name,
  mode: 'replicated',
  replicas: { desired: 2, running: 2 },
  image: 'busybox:1@sha256:bbb',
  ...p,
});
const task = (id: string, serviceId: string, slot: number, nodeId: string | undefined, p: Partial<BoardTask> = {}): BoardTask => ({
  id,
  serviceId,
  slot,
  nodeId,
  image: 'busybox:1@sha256:bbb',
  state: 'running',
  desiredState: 'running',
  updatedAt: 1000,
  ...p,
});

const model: BoardModel = {
  nodes: [node('w2', 'worker-10'), node('w1', 'worker-2', { availability: 'drain' }), node('m1', 'mgr-1', { role: 'manager', leader: true })],
  services: [svc('s1', 'shop_web', { stack: 'shop' }), svc('s2', 'cache'), svc('s3', 'shop_api', { stack: 'shop', updateStatus: { state: 'updating' }, image: 'api:2@sha256:new' })],
  tasks: [
    task('t1', 's1', 1, 'm1'),
    task('t2', 's1', 2, 'w2'),
    task('t3', 's2', 1, 'w2', { state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (1)', updatedAt: 2000 }),
    task('t3old', 's2', 1, 'w2', { state: 'failed', desiredState: 'shutdown', error: 'older', updatedAt: 1500 }),
    task('t4', 's2', 2, 'w2', { state: 'shutdown', desiredState: 'shutdown' }),
    task('t5', 's2', 2, 'm1'),
    task('t6', 's3', 1, 'w2', { image: 'api:1@sha256:old' }),
    task('t7', 's3', 2, 'm1', { image: 'api:2@sha256:new' }),
    task('t8', 's1', 3, undefined, { state: 'pending' }),
  ],
};

describe('board model -> columns', () => {
  it('makes one column per node, managers and the leader first, hostnames in natural order, plus an unplaced column', () => {
    const v = buildBoard(model, NO_FILTERS);
    expect(v.columns.map((c) => c.node?.hostname ?? 'unplaced')).toEqual(['mgr-1', 'worker-2', 'worker-10', 'unplaced']);
    expect(v.columns[3].cards.map((c) => c.task.id)).toEqual(['t8']);
  });

  it('shows desired-running tasks and only the newest failure of a slot with nothing running', () => {
    expect(visibleTasks(model.tasks).map((t) => t.id).sort()).toEqual(['t1', 't2', 't3', 't5', 't6', 't7', 't8']);
    const w2 = buildBoard(model, NO_FILTERS).columns.find((c) => c.node?.id === 'w2');
    expect(w2?.cards.map((c) => c.task.id)).toEqual(['t3', 't6', 't2']); // no stack first, then shop_api, shop_web
    expect(w2?.counts).toEqual({ shown: 3, total: 3, running: 2, failed: 1 });
  });

  it('sorts cards by stack, service name and slot, and groups them by stack', () => {
    const m1 = buildBoard(model, NO_FILTERS).columns[0];
    expect(m1.cards.map((c) => c.task.id)).toEqual(['t5', 't7', 't1']);
    expect(m1.groups.map((g) => [g.stack, g.cards.length])).toEqual([
      ['', 1],
      ['shop', 2],
    ]);
  });

  it('keeps an empty column for a drained node', () => {
    const w1 = buildBoard(model, NO_FILTERS).columns.find((c) => c.node?.id === 'w1');
    expect(w1?.cards).toEqual([]);
    expect(w1?.node?.availability).toBe('drain');
  });

  it('filters by stack, service, running only and every word of the free text', () => {
    const ids = (f: Partial<typeof NO_FILTERS>): string[] =>
      buildBoard(model, { ...NO_FILTERS, ...f })
        .columns.flatMap((c) => c.cards.map((x) => x.task.id))
        .sort();
    expect(ids({ stack: 'shop' })).toEqual(['t1', 't2', 't6', 't7', 't8']);
    expect(ids({ service: 's2' })).toEqual(['t3', 't5']);
    expect(ids({ runningOnly: true })).toEqual(['t1', 't2', 't5', 't6', 't7']);
    expect(ids({ text: 'non-zero' })).toEqual(['t3']);
    expect(ids({ text: 'shop worker-10' })).toEqual(['t2', 't6']);
    expect(ids({ text: 'shop_web.2' })).toEqual(['t2']);
    // counts per node still tell how many tasks there are in all
    const w2 = buildBoard(model, { ...NO_FILTERS, service: 's2' }).columns.find((c) => c.node?.id === 'w2');
    expect(w2?.counts.shown).toBe(1);
    expect(w2?.counts.total).toBe(3);
  });

  it('marks old-image tasks and reports rolling-update progress', () => {
    const v = buildBoard(model, NO_FILTERS);
    const all = v.columns.flatMap((c) => c.cards);
    expect(all.find((c) => c.task.id === 't6')?.oldImage).toBe(true);
    expect(all.find((c) => c.task.id === 't7')?.oldImage).toBe(false);
    expect(v.progress).toEqual([{ serviceId: 's3', state: 'updating', updated: 1, total: 2, message: undefined }]);
    const withCount = buildBoard({ ...model, services: model.services.map((s) => (s.id === 's3' ? { ...s, updateStatus: { state: 'paused', progress: { n: 0, m: 2 } } } : s)) }, NO_FILTERS);
    expect(withCount.progress[0]).toMatchObject({ state: 'paused', updated: 0, total: 2 });
  });

  it('gives a legend with stable colours, sorted by stack then name', () => {
    const v = buildBoard(model, NO_FILTERS);
    expect(v.legend.map((l) => l.service.name)).toEqual(['cache', 'shop_api', 'shop_web']);
    expect(v.legend[0].color).toBe(serviceColor('cache'));
    expect(serviceColor('cache')).not.toBe(serviceColor('shop_web'));
    expect(v.stacks).toEqual(['shop']);
  });

  it('formats images and ages', () => {
    expect(shortImage('docker.io/library/nginx@sha256:abc')).toBe('nginx:latest');
    expect(shortImage('flotilla-lab/busybox:2@sha256:abc')).toBe('flotilla-lab/busybox:2');
    expect(shortImage('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(sameImage('a:1@sha256:x', 'a:1@sha256:y')).toBe(false);
    expect(sameImage('a:1', 'a:1@sha256:y')).toBe(true);
    expect(age(0, 59_000)).toBe('59s');
    expect(age(0, 3 * 3600_000)).toBe('3h');
  });
});

describe('applying swarm.model events', () => {
  it('keeps the identity of everything a diff does not touch', () => {
    const snap = applyModelEvent(
      { nodes: [], services: [], tasks: [] },
      {
        type: 'snapshot',
        at: 1,
        model: {
          nodes: { n1: { id: 'n1', hostname: 'h1', role: 'manager', leader: true, availability: 'active', status: 'ready', engineVersion: '28', addr: '10.0.0.1', cpus: 2, memoryBytes: 1, labels: {} } },
          services: {},
          tasks: {
            a: { id: 'a', serviceId: 's', slot: 1, image: 'x', state: 'running', desiredState: 'running', timestamps: { created: '2026-01-01T00:00:00Z', updated: '2026-01-01T00:00:05Z', status: '2026-01-01T00:00:04Z' } },
            b: { id: 'b', serviceId: 's', slot: 0, nodeId: 'n1', image: 'x', state: 'running', desiredState: 'running', timestamps: { created: '', updated: '', status: '' } },
          },
        },
      },
    );
    expect(snap.tasks.map((t) => [t.id, t.slot, t.updatedAt])).toEqual([
      ['a', 1, Date.parse('2026-01-01T00:00:04Z')],
      ['b', undefined, 0],
    ]);
    const next = applyModelEvent(snap, {
      type: 'diff',
      at: 2,
      changes: [
        { op: 'upsert', kind: 'task', value: { id: 'c', serviceId: 's', slot: 2, image: 'x', state: 'new', desiredState: 'running', timestamps: { created: '', updated: '', status: '' } } },
        { op: 'remove', kind: 'task', id: 'a' },
      ],
    });
    expect(next.tasks.map((t) => t.id)).toEqual(['b', 'c']);
    expect(next.tasks[0]).toBe(snap.tasks[1]);
    expect(next.nodes).toBe(snap.nodes);
    expect(applyModelEvent(next, { type: 'source', source: 'h1', connected: false, at: 3 })).toBe(next);
  });
});

describe('reusing the last build', () => {
  it('returns the columns a change did not touch as they were, and rebuilds the ones it did', () => {
    const big = makeModel({ nodes: 10, tasks: 200 });
    const first = buildBoard(big, NO_FILTERS);
    const moved = big.tasks.find((t) => t.state === 'running' && t.nodeId === 'node000') as BoardTask;
    const changed: BoardModel = { ...big, tasks: big.tasks.map((t) => (t === moved ? { ...t, state: 'starting' } : t)) };
    const next = buildBoard(changed, NO_FILTERS, first);
    const touched = next.columns.find((c) => c.key === 'node000');
    expect(touched).not.toBe(first.columns.find((c) => c.key === 'node000'));
    expect(touched?.cards.some((c) => c.task.id === moved.id && c.task.state === 'starting')).toBe(true);
    for (const c of next.columns) if (c.key !== 'node000') expect(c).toBe(first.columns.find((x) => x.key === c.key));
    // the same build as from scratch
    const fresh = buildBoard(changed, NO_FILTERS);
    expect(next.columns.map((c) => [c.key, c.counts, c.cards.map((x) => x.task.id)])).toEqual(fresh.columns.map((c) => [c.key, c.counts, c.cards.map((x) => x.task.id)]));
    // another filter: nothing is reused
    const filtered = buildBoard(changed, { ...NO_FILTERS, runningOnly: true }, next);
    expect(filtered.columns.every((c) => !next.columns.includes(c))).toBe(true);
  });
});

/** jsdom lays nothing out: the board's scroller spans `px`, and every column it measures is 236 px wide */
function viewportWidth(px: number): () => void {
  const proto = HTMLElement.prototype;
  const saved = (['clientWidth', 'offsetWidth'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(proto, k)] as const);
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => px });
  Object.defineProperty(proto, 'offsetWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.index === undefined ? px : 236;
    },
  });
  return () => {
    for (const [k, d] of saved) if (d) Object.defineProperty(proto, k, d);
  };
}

describe('rendering', () => {
  it('renders only the columns in or near the viewport, with the room of the others kept', async () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const restore = viewportWidth(1200);
    try {
      const big = makeModel({ nodes: 60, tasks: 600 });
      const el = document.createElement('div');
      document.body.appendChild(el);
      const root = createRoot(el);
      await act(async () => root.render(<Board model={big} animate={false} />));
      const shown = [...el.querySelectorAll<HTMLElement>('[data-testid="node-column"]')].map((c) => c.dataset.node);
      // 1200 px hold five 246-px columns; two more on the right are rendered ahead of a scroll
      expect(shown).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6', 'node-7']);
      expect(el.querySelector<HTMLElement>('[data-testid="board-columns"]')?.dataset.columns).toBe('61');
      const spacer = el.querySelector<HTMLElement>('.col-spacer');
      // 61 columns of 236 px with 10 px between: after the 7 shown and a gap, the spacer keeps the rest
      expect(spacer?.style.width).toBe(`${61 * 236 + 60 * 10 - (7 * 236 + 6 * 10) - 10}px`);
      expect(el.querySelector('[data-testid="board-totals"]')?.textContent).toContain('60 nodes');
      await act(async () => root.unmount());
    } finally {
      restore();
    }
  });

  it('re-renders only the cards of changed tasks', async () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const restore = viewportWidth(100_000); // every column in the window
    onTestFinished(restore);
    const big = makeModel({ nodes: 10, tasks: 200 });
    const el = document.createElement('div');
    document.body.appendChild(el);
    const root = createRoot(el);
    let commits = 0;
    const render = async (m: BoardModel): Promise<void> => {
      await act(async () => root.render(<Profiler id="b" onRender={() => commits++}><Board model={m} animate={false} /></Profiler>));
    };
    renders.cards = 0;
    await render(big);
    expect(el.querySelectorAll('[data-testid="node-column"]').length).toBe(10 + 1); // one pending column
    const cards = el.querySelectorAll('[data-testid="task-card"]').length;
    expect(cards).toBe(visibleTasks(big.tasks).length);
    const drained = el.querySelector('[data-node="node-5"]');
    expect(drained?.className).toContain('drained');
    expect(drained?.querySelector('[data-testid="availability"]')?.textContent).toMatch(/drained/i);

    expect(renders.cards).toBe(cards);

    renders.cards = 0;
    commits = 0; // mounting may commit twice: once more when the window learns the scroller's width
    const changed = changeTasks(big, 5, 7);
    await render(changed);
    expect(renders.cards).toBeGreaterThan(0);
    expect(renders.cards).toBeLessThanOrEqual(5);
    expect(commits).toBe(1);
    await act(async () => root.unmount());
  });
});

describe('currentLost', () => {
  it('keeps notes for nodes still in the swarm and for other sources, drops those of removed nodes', () => {
    const lost = { 'node w1': 'the managers see the node down', 'node gone': 'the managers see the node down', 'node n2id': 'the node left the swarm', manager: 'socket closed' };
    const kept = currentLost(lost, [node('n1id', 'w1', { status: 'down' }), node('n2id', 'w2')]);
    expect(kept).toEqual({ 'node w1': 'the managers see the node down', 'node n2id': 'the node left the swarm', manager: 'socket closed' });
    expect(currentLost({}, [])).toEqual({});
  });
});
