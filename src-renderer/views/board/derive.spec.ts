// The board derived from diffs (buildBoard given its previous view) must be the board built from the whole model:
// random diff sequences (tasks changing state, node and image, new tasks, removed tasks, services' counts and
// update states moving, now and then a node or a filter change), each step compared with a build from nothing.
import { describe, expect, it } from 'vitest';
import { buildBoard, type BoardView } from './model';
import { makeModel } from './fixture';
import { merge } from '../../stores/cluster/adapt';
import { NO_FILTERS, type BoardFilters } from './types';
import type { BoardModel, BoardService, BoardTask } from '../../stores/cluster';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const STATES = ['running', 'starting', 'preparing', 'failed', 'rejected', 'shutdown', 'complete', 'pending'];
const DESIRED = ['running', 'running', 'running', 'shutdown', 'ready'];

/** one diff as the store applies it (adapt.ts merge: in place, removed, appended), changing `n` things */
function randomDiff(model: BoardModel, rand: () => number, n: number, seq: { next: number }): BoardModel {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const upTasks: BoardTask[] = [];
  const rmTasks: string[] = [];
  const upServices: BoardService[] = [];
  for (let k = 0; k < n; k++) {
    const r = rand();
    const t = pick(model.tasks);
    if (r < 0.55 && t) {
      upTasks.push({
        ...t,
        state: pick(STATES),
        desiredState: pick(DESIRED),
        nodeId: rand() < 0.1 ? undefined : rand() < 0.05 ? 'gone-node' : pick(model.nodes).id,
        // same times now and then: the newest failed task of a slot is then the first one in the model's order
        updatedAt: rand() < 0.3 ? t.updatedAt : t.updatedAt + Math.floor(rand() * 5000) - 1000,
        image: rand() < 0.1 ? 'flotilla-lab/busybox:2' : t.image,
        error: rand() < 0.2 ? 'exit 1' : t.error,
      });
    } else if (r < 0.75) {
      const s = pick(model.services);
      const sibling = model.tasks.find((x) => x.serviceId === s.id);
      upTasks.push({
        id: `new${seq.next++}`,
        serviceId: rand() < 0.05 ? 'no-such-service' : s.id,
        slot: rand() < 0.2 ? undefined : sibling && rand() < 0.5 ? sibling.slot : Math.floor(rand() * 30) + 1,
        nodeId: rand() < 0.1 ? undefined : pick(model.nodes).id,
        image: s.image,
        state: pick(STATES),
        desiredState: pick(DESIRED),
        updatedAt: 1_760_000_000_000 + Math.floor(rand() * 10_000),
      });
    } else if (r < 0.9 && t) rmTasks.push(t.id);
    else {
      const s = pick(model.services);
      upServices.push({
        ...s,
        replicas: { desired: s.replicas.desired, running: Math.floor(rand() * 10) },
        updateStatus: rand() < 0.5 ? { state: pick(['updating', 'paused', 'completed', 'rollback_started']), message: 'm' } : s.updateStatus,
      });
    }
  }
  const tasks = merge(model.tasks, upTasks, rmTasks);
  const services = merge(model.services, upServices, []);
  if (tasks === model.tasks && services === model.services) return model;
  return { nodes: model.nodes, services, tasks };
}

/** what a view shows, as plain data */
const plain = (v: BoardView): unknown => JSON.parse(JSON.stringify(v));

describe('buildBoard derived from diffs', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`equals a full build after every step of a random diff sequence (seed ${seed})`, () => {
      const rand = rng(seed);
      let model = makeModel({ nodes: 8, tasks: 160, seed });
      const filters: BoardFilters[] = [NO_FILTERS, { ...NO_FILTERS, runningOnly: true }, { ...NO_FILTERS, stack: 'shop' }, { ...NO_FILTERS, text: 'node-3' }, { ...NO_FILTERS, service: 'svc002' }];
      let f = seed === 6 ? filters[1] : NO_FILTERS;
      let view = buildBoard(model, f);
      const seq = { next: 0 };
      let reusedColumns = 0;
      for (let step = 0; step < 150; step++) {
        const r = rand();
        if (r < 0.03) f = filters[Math.floor(rand() * filters.length)];
        else if (r < 0.05) model = { ...model, nodes: model.nodes.map((n, i) => (i === 2 ? { ...n, availability: n.availability === 'active' ? 'drain' : 'active' } : n)) };
        else model = randomDiff(model, rand, 1 + Math.floor(rand() * 20), seq);
        const next = buildBoard(model, f, view);
        expect(plain(next), `step ${step}`).toEqual(plain(buildBoard(model, f)));
        reusedColumns += next.columns.filter((c) => view.columns.includes(c)).length;
        view = next;
      }
      // the point of it: columns the diffs did not touch are the same objects as before
      expect(reusedColumns).toBeGreaterThan(0);
    });
  }

  it('keeps the columns a diff does not touch, and gives back the same view for the same model', () => {
    const model = makeModel({ nodes: 20, tasks: 400 });
    const view = buildBoard(model, NO_FILTERS);
    expect(buildBoard(model, NO_FILTERS, view)).toBe(view);
    const t = model.tasks.find((x) => x.state === 'running' && x.nodeId === 'node010') as BoardTask;
    const next = { ...model, tasks: merge(model.tasks, [{ ...t, state: 'starting' }], []) };
    const v2 = buildBoard(next, NO_FILTERS, view);
    const changed = v2.columns.filter((c, i) => c !== view.columns[i]).map((c) => c.key);
    expect(changed).toEqual(['node010']);
    expect(plain(v2)).toEqual(plain(buildBoard(next, NO_FILTERS)));
  });

  it('builds in full when a service is renamed or re-imaged, and when tasks are reordered', () => {
    const model = makeModel({ nodes: 6, tasks: 120 });
    const view = buildBoard(model, NO_FILTERS);
    const renamed = { ...model, services: model.services.map((s, i) => (i === 0 ? { ...s, name: 'zzz', image: 'other:1' } : s)) };
    expect(plain(buildBoard(renamed, NO_FILTERS, view))).toEqual(plain(buildBoard(renamed, NO_FILTERS)));
    const reordered = { ...model, tasks: [...model.tasks].reverse() };
    expect(plain(buildBoard(reordered, NO_FILTERS, view))).toEqual(plain(buildBoard(reordered, NO_FILTERS)));
  });
});
