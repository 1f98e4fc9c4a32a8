// A deterministic synthetic cluster for tests, the bench and the board's demo (?demo=board):
// N nodes, services in a few stacks, tasks spread round-robin, some failed, one rolling update.
import type { BoardModel, BoardNode, BoardService, BoardTask } from '../../stores/cluster';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const STACKS = ['shop', 'monitoring', 'auth', ''];
const NAMES = ['web', 'api', 'worker', 'db', 'cache', 'proxy', 'queue', 'search', 'mailer', 'cron', 'metrics', 'logs'];

export function makeModel(opts: { nodes: number; tasks: number; seed?: number; now?: number }): BoardModel {
  const rand = rng(opts.seed ?? 42);
  const now = opts.now ?? 1_760_000_000_000;
  const nodes: BoardNode[] = [];
  const managers = Math.min(3, opts.nodes);
  for (let i = 0; i < opts.nodes; i++) {
    nodes.push({
      id: `node${String(i).padStart(3, '0')}`,
      hostname: `node-${i + 1}`,
      role: i < managers ? 'manager' : 'worker',
      leader: i === 0,
      availability: i === 4 ? 'drain' : i === 5 ? 'pause' : 'active',
      status: i === 7 ? 'down' : 'ready',
      engineVersion: '28.5.1',
      addr: `10.88.4.${10 + i}`,
      cpus: 2 + (i % 3) * 2,
      memoryBytes: (2 + (i % 4) * 2) * 1024 ** 3,
      labels: i % 3 === 0 ? { zone: `z${i % 2}`, disk: 'ssd' } : { zone: `z${i % 2}` },
    });
  }
  const serviceCount = Math.max(1, Math.min(40, Math.ceil(opts.tasks / 25)));
  const services: BoardService[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const stack = STACKS[i % STACKS.length];
    const base = NAMES[i % NAMES.length] + (i >= NAMES.length ? `-${Math.floor(i / NAMES.length)}` : '');
    const name = stack ? `${stack}_${base}` : base;
    services.push({
      id: `svc${String(i).padStart(3, '0')}`,
      name,
      stack: stack || undefined,
      mode: 'replicated',
      replicas: { desired: 0, running: 0 },
      image: i === 1 ? `flotilla-lab/busybox:2` : `flotilla-lab/busybox:1`,
      updateStatus: i === 1 ? { state: 'updating', message: 'update in progress' } : undefined,
    });
  }
  const placeable = nodes.filter((n) => n.availability === 'active' && n.status === 'ready');
  const tasks: BoardTask[] = [];
  const slots = new Map<string, number>();
  for (let i = 0; i < opts.tasks; i++) {
    const s = services[i % services.length];
    const slot = (slots.get(s.id) ?? 0) + 1;
    slots.set(s.id, slot);
    const node = placeable[i % placeable.length] ?? nodes[0];
    const r = rand();
    const failed = r < 0.02;
    const state = failed ? 'failed' : r < 0.05 ? 'starting' : r < 0.07 ? 'pending' : 'running';
    const oldImage = s.id === 'svc001' && slot % 2 === 0;
    tasks.push({
      id: `task${String(i).padStart(5, '0')}`,
      serviceId: s.id,
      slot,
      nodeId: state === 'pending' ? undefined : node.id,
      image: oldImage ? 'flotilla-lab/busybox:1' : s.image,
      state,
      desiredState: failed ? 'shutdown' : 'running',
      error: failed ? 'task: non-zero exit (137): out of memory' : undefined,
      message: state,
      updatedAt: now - Math.floor(rand() * 3_600_000),
    });
    s.replicas.desired++;
    if (state === 'running') s.replicas.running++;
  }
  return { nodes, services, tasks };
}

/** n tasks change state or node (each a new object; the rest keep their identity) */
export function changeTasks(model: BoardModel, n: number, seed: number): BoardModel {
  const rand = rng(seed);
  const tasks = model.tasks.slice();
  const nodeIds = model.nodes.map((x) => x.id);
  const states = ['running', 'starting', 'preparing', 'running', 'failed'];
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rand() * tasks.length);
    const t = tasks[i];
    tasks[i] = { ...t, state: states[Math.floor(rand() * states.length)], nodeId: nodeIds[Math.floor(rand() * nodeIds.length)], updatedAt: t.updatedAt + 1000 };
  }
  return { ...model, tasks };
}
