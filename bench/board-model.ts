// The board bench's recorded model: a swarm as the core's 'swarm.model' stream describes it (the contract's
// ClusterModel, checked against its zod schema), generated deterministically so every run replays the same file.
// What makes it realistic: 3 managers (one leader), a drained, a paused and a down node; stacks of services from
// 1 to 60 replicas plus global services (one task per node); task history (failed and shutdown tasks of earlier
// runs, which the board hides); tasks starting, pending (not placed yet) and failed; one service mid-update (old and
// new image). Changes are what the core sends when tasks move: task upserts and the upserts of their services.
import { ClusterModel, type ModelChange, type Node, type Service, type Task } from '../src-main/api/domains/swarm';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const STACKS = ['shop', 'monitoring', 'auth', 'search', 'billing', ''];
const NAMES = ['web', 'api', 'worker', 'db', 'cache', 'proxy', 'queue', 'indexer', 'mailer', 'cron', 'metrics', 'logs', 'gateway', 'pdf', 'thumbs'];
const T0 = Date.parse('2026-12-06T22:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const hex = (rand: () => number, n: number): string => {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 0x100000000).toString(36);
  return s.slice(0, n);
};

export interface RecordedModel {
  nodes: number;
  tasks: number;
  model: ClusterModel;
}

/** nodes × tasks, all tasks counted (history included). Deterministic for a seed. */
export function recordModel(opts: { nodes: number; tasks: number; seed?: number }): RecordedModel {
  const rand = rng(opts.seed ?? 7);
  const nodes: Node[] = [];
  for (let i = 0; i < opts.nodes; i++) {
    const manager = i < 3;
    nodes.push({
      id: `n${hex(rand, 24)}`,
      hostname: manager ? `mgr-${i + 1}` : `worker-${String(i - 2).padStart(3, '0')}`,
      role: manager ? 'manager' : 'worker',
      leader: i === 0,
      reachability: manager ? 'reachable' : undefined,
      availability: i === 5 ? 'drain' : i === 6 ? 'pause' : 'active',
      status: i === 9 ? 'down' : 'ready',
      engineVersion: '28.5.1',
      addr: `10.20.${Math.floor(i / 250)}.${10 + (i % 240)}`,
      cpus: [2, 4, 8, 16][i % 4],
      memoryBytes: [4, 8, 16, 32][(i >> 1) % 4] * 1024 ** 3,
      labels: { zone: `eu-${'abc'[i % 3]}`, ...(i % 4 === 0 ? { disk: 'ssd' } : {}), ...(i < 3 ? { 'node.kind': 'control' } : {}) },
    });
  }
  const placeable = nodes.filter((n) => n.availability === 'active' && n.status === 'ready');
  // ~8 % of the tasks are history (an earlier failed or shut down task of a slot); the rest are the current ones
  const current = Math.round(opts.tasks * 0.92);
  // two global services (a task per placeable node), the rest replicated with varied sizes
  const globals = 2;
  let budget = current - globals * placeable.length;
  const sizes = [1, 2, 3, 3, 5, 6, 8, 10, 12, 20, 30, 60];
  const services: Service[] = [];
  let k = 0;
  const created = iso(T0 - 86_400_000 * 3);
  const mkService = (mode: Service['mode'], desired: number): Service => {
    const stack = STACKS[k % STACKS.length];
    const base = NAMES[k % NAMES.length] + (k >= NAMES.length ? `-${Math.floor(k / NAMES.length)}` : '');
    const s: Service = {
      id: hex(rand, 25),
      name: stack ? `${stack}_${base}` : base,
      stack: stack || undefined,
      mode,
      replicas: { desired, running: 0 },
      image: `registry.example.com/${stack || 'tools'}/${base}:1.${k % 7}.${k % 3}@sha256:${hex(rand, 64)}`,
      ports: k % 5 === 0 ? [{ published: 8000 + k, target: 80, protocol: 'tcp', mode: 'ingress' }] : [],
      createdAt: created,
      updatedAt: created,
    };
    k++;
    services.push(s);
    return s;
  };
  for (let g = 0; g < globals; g++) mkService('global', placeable.length);
  while (budget > 0) {
    const n = Math.min(budget, sizes[Math.floor(rand() * sizes.length)] * Math.max(1, Math.round(opts.tasks / 1000)));
    mkService('replicated', n);
    budget -= n;
  }
  // one service rolls to a new image: half its tasks still run the old one
  const rolling = services.find((s) => s.mode === 'replicated' && s.replicas.desired >= 6) ?? services[services.length - 1];
  const oldImage = rolling.image;
  rolling.image = rolling.image.replace(/:1\.(\d)/, ':2.$1').replace(/@sha256:.*/, `@sha256:${hex(rand, 64)}`);
  rolling.updateStatus = { state: 'updating', message: 'update in progress', progress: { n: 0, m: rolling.replicas.desired } };

  const tasks: Task[] = [];
  let p = Math.floor(rand() * placeable.length);
  const task = (s: Service, slot: number, node: Node | undefined, state: string, desired: string, ageMs: number, image = s.image): Task => {
    const at = iso(T0 - ageMs);
    return {
      id: hex(rand, 25),
      serviceId: s.id,
      serviceName: s.name,
      slot,
      nodeId: node?.id,
      image,
      state,
      desiredState: desired,
      error: state === 'failed' ? 'task: non-zero exit (137): OOMKilled' : state === 'rejected' ? 'no suitable node (insufficient resources on 12 nodes)' : undefined,
      message: state === 'running' ? 'started' : state === 'failed' ? 'started' : state,
      timestamps: { created: at, updated: at, status: at },
      containerId: node && ['running', 'failed', 'shutdown', 'complete', 'starting'].includes(state) ? hex(rand, 64) : undefined,
    };
  };
  for (const s of services) {
    const count = s.mode === 'global' ? placeable.length : s.replicas.desired;
    for (let i = 0; i < count; i++) {
      const node = s.mode === 'global' ? placeable[i] : placeable[p++ % placeable.length];
      const r = rand();
      const state = r < 0.015 ? 'failed' : r < 0.04 ? 'starting' : r < 0.05 ? 'pending' : r < 0.055 ? 'preparing' : 'running';
      const old = s === rolling && i % 2 === 1;
      if (old) rolling.updateStatus!.progress!.n++;
      tasks.push(task(s, s.mode === 'global' ? 0 : i + 1, state === 'pending' ? undefined : node, state, state === 'failed' ? 'shutdown' : 'running', Math.floor(rand() * 7_200_000), old ? oldImage : s.image));
      if (state === 'running') s.replicas.running++;
    }
  }
  // history: earlier tasks of random slots, failed or shut down
  const live = tasks.slice();
  while (tasks.length < opts.tasks) {
    const t = live[Math.floor(rand() * live.length)];
    const s = services.find((x) => x.id === t.serviceId)!;
    const node = placeable[Math.floor(rand() * placeable.length)];
    tasks.push(task(s, t.slot, node, rand() < 0.3 ? 'failed' : 'shutdown', 'shutdown', 7_200_000 + Math.floor(rand() * 80_000_000)));
  }
  const model: ClusterModel = {
    nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    services: Object.fromEntries(services.map((s) => [s.id, s])),
    tasks: Object.fromEntries(tasks.map((t) => [t.id, t])),
  };
  ClusterModel.parse(model); // the recording is what the contract allows, or the bench stops here
  return { nodes: opts.nodes, tasks: tasks.length, model };
}

/**
 * A `count`-task change as the core sends it: tasks the orchestrator wants running change state (running ->
 * starting on another node after a reschedule, starting -> running, running -> failed), stamped now, plus the
 * upserts of the services whose running count moved. `mustTouch` (a node id): one of the tasks is moved onto it,
 * so the change shows on that node's column. Mutates `model` to the new state.
 */
export function nextChange(model: ClusterModel, count: number, rand: () => number, now: number, mustTouch?: string): ModelChange[] {
  const current = Object.values(model.tasks).filter((t) => t.desiredState === 'running');
  const placeable = Object.values(model.nodes).filter((n) => n.availability === 'active' && n.status === 'ready');
  const picked = new Set<Task>();
  while (picked.size < Math.min(count, current.length)) picked.add(current[Math.floor(rand() * current.length)]);
  const changedServices = new Set<string>();
  const changes: ModelChange[] = [];
  let i = 0;
  for (const t of picked) {
    const s = model.services[t.serviceId];
    let state: string;
    let nodeId = t.nodeId;
    if (t.state === 'running') {
      state = rand() < 0.15 ? 'failed' : 'starting';
      if (state === 'starting' && s.mode !== 'global') nodeId = placeable[Math.floor(rand() * placeable.length)].id;
    } else state = 'running';
    if (i === 0 && mustTouch && s.mode !== 'global') nodeId = mustTouch;
    i++;
    if (t.state === 'running' && state !== 'running') s.replicas.running--;
    if (t.state !== 'running' && state === 'running') s.replicas.running++;
    if (state === 'failed') s.replicas.running = Math.max(0, s.replicas.running);
    const at = iso(now);
    const next: Task = {
      ...t,
      nodeId: state === 'pending' ? undefined : nodeId,
      state,
      desiredState: 'running',
      error: state === 'failed' ? 'task: non-zero exit (1): exited' : undefined,
      message: state === 'running' ? 'started' : state,
      timestamps: { ...t.timestamps, updated: at, status: at },
    };
    model.tasks[t.id] = next;
    changes.push({ op: 'upsert', kind: 'task', value: next });
    changedServices.add(s.id);
  }
  for (const id of changedServices) {
    const s = { ...model.services[id], replicas: { ...model.services[id].replicas } };
    model.services[id] = s;
    changes.push({ op: 'upsert', kind: 'service', value: s });
  }
  return changes;
}
