// Plan, up, down and export of a cluster file (issue 19), as `terraform plan/apply` and `docker stack deploy`
// together: read what is there (the store's machines NAME-m*, NAME-w*, the swarm through one of its managers, the
// stacks' plans), list what differs, change only that. What the file does not name is left alone and said (notes).
// The verbs are the existing ones: createMachine, createSwarm (idempotent: joins what is missing), removeNode (drain,
// leave, remove), labelNode/setAvailability, deployWithHistory (after a planStack that shows a change).
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ClusterChange, ClusterEvent, ClusterPlan } from '../../api/domains/cluster';
import { FlotillaError } from '../../api/errors';
import type { EngineConnection } from '../engine';
import { createMachine, provisionMachine, removeMachine } from '../machines/lifecycle';
import { tlsConnection } from '../machines/one-click';
import type { MachineStore } from '../machines/store';
import type { MachineConfig } from '../machines/types';
import { deployWithHistory, historyKey, listStacks, loadOrThrow, planStack } from '../stacks';
import { listHistory, readHistory } from '../stacks/history';
import { createSwarm } from '../swarm/create';
import type { RawNode } from '../swarm/mappers';
import { labelNode, rawNodes, removeNode, setAvailability, setRole } from '../swarm/nodes';
import { runCreates } from './creates';
import { planResize, type MachineSizeView, type ResizePlan, type WantedSize } from './resize';
import { getDriver } from '../machines/drivers/index';
import { machineState } from '../machines/queries';
import { resizeMachine } from '../machines/resize';
import { loadClusterFileOrThrow, type LoadedClusterFile, type LoadOptions } from './load';

export interface ClusterSource {
  /** the cluster file's path (messages; stack files are relative to its folder) */
  path: string;
  content: string;
  /** compose files by the path written in the cluster file, read before the disk */
  files: Record<string, string>;
}

export interface ClusterContext {
  store: MachineStore;
  home: string;
  /** the driver to use when the file names none */
  defaultDriver: () => Promise<string>;
  driverOptions: LoadOptions['driverOptions'];
  signal?: AbortSignal;
}

const checkAbort = (signal?: AbortSignal): void => {
  if (signal?.aborted) throw new FlotillaError('CANCELLED', 'cancelled: what was made so far is kept; run up again to finish, or down to remove it');
};

/** the swarm's machines in the store: NAME-m<n>, NAME-w<n> (as the one-click swarm names them) */
async function members(store: MachineStore, name: string): Promise<Map<string, MachineConfig>> {
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[mw]\\d+$`);
  const out = new Map<string, MachineConfig>();
  for (const n of (await store.names()).filter((x) => re.test(x)).sort(byMachineOrder)) {
    const cfg = await store.load(n).catch(() => undefined);
    if (cfg) out.set(n, cfg);
  }
  return out;
}

/** m before w, then by number: cc-m1, cc-m2, cc-w1, cc-w10 */
function byMachineOrder(a: string, b: string): number {
  const k = (s: string) => {
    const m = /-([mw])(\d+)$/.exec(s);
    return m ? [m[1] === 'm' ? 0 : 1, Number(m[2])] : [2, 0];
  };
  const [x, y] = [k(a), k(b)];
  return x[0] - y[0] || x[1] - y[1] || a.localeCompare(b);
}

interface Observed {
  members: Map<string, MachineConfig>;
  /** a connection to a manager of the swarm the machines form, when there is one */
  manager?: EngineConnection;
  managerName?: string;
  nodes: RawNode[];
  close(): Promise<void>;
}

async function observe(ctx: ClusterContext, name: string, prefer: string[]): Promise<Observed> {
  const m = await members(ctx.store, name);
  const order = [...prefer.filter((n) => m.has(n)), ...[...m.keys()].filter((n) => !prefer.includes(n))];
  for (const n of order) {
    const cfg = m.get(n)!;
    if (cfg.state !== 'ready' || !cfg.endpoint) continue;
    const conn = await tlsConnection(ctx.store, cfg).catch(() => undefined);
    if (!conn) continue;
    const info = (await conn.docker.info().catch(() => undefined)) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } } | undefined;
    if (info?.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable) {
      const nodes = await rawNodes(conn);
      return { members: m, manager: conn, managerName: n, nodes, close: () => conn.close() };
    }
    await conn.close();
  }
  return { members: m, nodes: [], close: async () => undefined };
}

/** the swarm node that is this machine: by hostname (machines are named after themselves), else by address */
function nodeOf(o: Observed, machine: string): RawNode | undefined {
  const live = o.nodes.filter((n) => n.Status?.State !== 'down');
  const ip = o.members.get(machine)?.endpoint?.ip;
  return live.find((n) => n.Description?.Hostname === machine) ?? (ip ? live.find((n) => n.Status?.Addr === ip) : undefined);
}

function labelsOf(spec: LoadedClusterFile['spec'], machine: string): Record<string, string> | undefined {
  const l = spec.nodes?.[machine]?.labels;
  return l && Object.fromEntries(Object.entries(l).map(([k, v]) => [k, String(v)]));
}

function stackSource(src: ClusterSource, file: string | string[]): { files: Array<{ file: string; content: string }>; workingDir: string; readFile: (p: string) => Buffer } {
  const dir = path.dirname(path.resolve(src.path));
  const given = new Map(Object.entries(src.files).map(([k, v]) => [path.resolve(dir, k), v]));
  const readFile = (p: string): Buffer => {
    const hit = given.get(path.resolve(p));
    return hit !== undefined ? Buffer.from(hit, 'utf8') : fs.readFileSync(p);
  };
  const files = (Array.isArray(file) ? file : [file]).map((f) => {
    const abs = path.resolve(dir, f);
    try {
      return { file: abs, content: readFile(abs).toString('utf8') };
    } catch {
      throw new FlotillaError('BAD_INPUT', `${src.path}: the compose file ${f} cannot be read (${abs}): put it beside the cluster file, or attach it`);
    }
  });
  return { files, workingDir: dir, readFile };
}

const stackVariables = (v: Record<string, string | number | boolean> | undefined): Record<string, string> => Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, String(x)]));

interface Computed {
  file: LoadedClusterFile;
  driver: string;
  plan: ClusterPlan;
  observed: Observed;
  /** the plan's resize changes by machine: what up applies, or the commands it says instead */
  resizes: Map<string, ResizePlan>;
}

/** an existing machine's size against the file's (see resize.ts); a VM's state is asked only when its size differs */
async function resizeOf(ctx: ClusterContext, cfg: MachineConfig, want: WantedSize): Promise<ResizePlan> {
  const driver = getDriver(cfg.driver);
  const view: MachineSizeView = { name: cfg.name, driver: cfg.driver, spec: cfg.spec, resizable: Boolean(driver.resize) && !cfg.imported, live: Boolean(driver.resizeLive) };
  const first = planResize(view, want);
  if (!first.commands) return first;
  return planResize({ ...view, state: await machineState(ctx.store, cfg, ctx.signal).catch(() => 'unknown' as const) }, want);
}

async function compute(ctx: ClusterContext, src: ClusterSource): Promise<Computed> {
  const file = loadClusterFileOrThrow(src.path, src.content, { driverOptions: ctx.driverOptions });
  const { spec } = file;
  const driver = spec.machines.driver ?? (await ctx.defaultDriver());
  const observed = await observe(ctx, spec.name, file.managers);
  try {
    const changes: ClusterChange[] = [];
    const notes: string[] = [];
    const resizes = new Map<string, ResizePlan>();
    const wanted = [...file.managers, ...file.workers];
    const size = [spec.machines.cpus && `${spec.machines.cpus} CPUs`, file.memoryMb && `${file.memoryMb} MB`, file.diskGb && `${file.diskGb} GB disk`].filter(Boolean).join(', ');
    for (const n of wanted) {
      const cfg = observed.members.get(n);
      if (!cfg) changes.push({ kind: 'machine', action: 'create', name: n, detail: `${driver}${size ? `, ${size}` : ''}` });
      else if (cfg.state !== 'ready') changes.push({ kind: 'machine', action: 'provision', name: n, detail: `its last create did not finish (${cfg.state}${cfg.lastError ? `: ${cfg.lastError}` : ''}): provision it again` });
      else {
        if (cfg.driver !== driver) notes.push(`${n} is a ${cfg.driver} machine and the file says ${driver}: it is kept as it is (remove it to make it again)`);
        const r = await resizeOf(ctx, cfg, { cpus: spec.machines.cpus, memoryMb: file.memoryMb, diskGb: file.diskGb });
        notes.push(...r.notes);
        if (r.change) {
          changes.push(r.change);
          resizes.set(n, r);
        }
      }
    }
    const removed = [...observed.members.keys()].filter((n) => !wanted.includes(n));
    for (const n of removed) changes.push({ kind: 'machine', action: 'remove', name: n, detail: nodeOf(observed, n) ? 'drain it, leave the swarm, remove the machine' : 'remove the machine' });

    // the swarm: who joins, who changes role
    let hasSwarm = Boolean(observed.manager);
    for (const n of wanted) {
      const node = nodeOf(observed, n);
      const role = file.managers.includes(n) ? 'manager' : 'worker';
      if (!node) {
        if (!hasSwarm && role === 'manager') {
          changes.push({ kind: 'swarm', action: 'init', name: n, detail: `initialise swarm ${spec.name} on ${n}` });
          hasSwarm = true;
        } else changes.push({ kind: 'swarm', action: 'join', name: n, detail: `join as ${role}` });
      } else if (node.Spec?.Role !== role) changes.push({ kind: 'swarm', action: role === 'manager' ? 'promote' : 'demote', name: n, detail: `${node.Spec?.Role} -> ${role}` });
    }

    // labels and availability of the nodes the file names
    for (const n of wanted) {
      const want = spec.nodes?.[n];
      if (!want) continue;
      const node = nodeOf(observed, n);
      const have = node?.Spec?.Labels ?? {};
      const labels = labelsOf(spec, n);
      const parts: string[] = [];
      if (labels) {
        for (const [k, v] of Object.entries(labels)) if (have[k] !== v) parts.push(k in have ? `label ${k}: ${have[k]} -> ${v}` : `label ${k}=${v}`);
        for (const k of Object.keys(have)) if (!(k in labels)) parts.push(`remove label ${k} (${have[k]})`);
      }
      if (want.availability && (node?.Spec?.Availability ?? 'active') !== want.availability) parts.push(`availability ${node?.Spec?.Availability ?? 'active'} -> ${want.availability}`);
      if (parts.length) changes.push({ kind: 'node', action: 'update', name: n, detail: parts.join(', ') });
    }

    // stacks: through their own plan, so an unchanged stack is not deployed again (no service version moves)
    const named = Object.keys(spec.stacks ?? {});
    for (const [stack, s] of Object.entries(spec.stacks ?? {})) {
      const source = stackSource(src, s.file);
      const loaded = loadOrThrow({ files: source.files, variables: stackVariables(s.variables), workingDir: source.workingDir, readFile: source.readFile });
      if (!observed.manager) {
        changes.push({ kind: 'stack', action: 'deploy', name: stack, detail: `create ${loaded.config.services.map((x) => `${stack}_${x.name}`).join(', ')}` });
        continue;
      }
      const items = (await planStack(observed.manager.docker, stack, loaded.config, { prune: s.prune, readFile: source.readFile })).filter((i) => i.action !== 'unchanged');
      if (items.length)
        changes.push({
          kind: 'stack',
          action: 'deploy',
          name: stack,
          detail: items.map((i) => `${i.action} ${i.kind} ${i.name}${i.changes.length ? ` (${i.changes.map((c) => c.path).slice(0, 4).join(', ')}${i.changes.length > 4 ? ', …' : ''})` : ''}`).join('; '),
        });
    }
    if (observed.manager) {
      for (const st of await listStacks(observed.manager.docker)) {
        if (!named.includes(st.name)) notes.push(`stack ${st.name} is on the swarm and not in the file: left as it is`);
      }
    }
    return { file, driver, observed, resizes, plan: { name: spec.name, changes, notes } };
  } catch (e) {
    await observed.close();
    throw e;
  }
}

export async function planCluster(ctx: ClusterContext, src: ClusterSource): Promise<ClusterPlan> {
  const c = await compute(ctx, src);
  await c.observed.close();
  return c.plan;
}

type Emit = (e: ClusterEvent) => void;

export async function upCluster(ctx: ClusterContext, src: ClusterSource, emit: Emit): Promise<ClusterPlan> {
  const c = await compute(ctx, src);
  const { file, driver, plan } = c;
  const name = file.spec.name;
  const { signal } = ctx;
  let observed = c.observed;
  try {
    const group = (step: string, detail?: string): void => emit({ machine: name, step, detail });
    for (const n of plan.notes) group('note', n);
    if (!plan.changes.length) {
      emit({ machine: name, step: 'nothing to change', detail: `swarm ${name} is as the file says`, done: true, changes: [] });
      return plan;
    }
    const of = (kind: ClusterChange['kind'], action?: ClusterChange['action']) => plan.changes.filter((x) => x.kind === kind && (!action || x.action === action));

    // 1. machines: missing ones created (in parallel, unless the driver takes one at a time), broken ones provisioned
    const make = async (x: ClusterChange): Promise<void> => {
      checkAbort(signal);
      if (x.action === 'provision') await provisionMachine(ctx.store, x.name, emit, signal);
      else
        await createMachine(
          ctx.store,
          { name: x.name, driver, cpus: file.spec.machines.cpus, memoryMb: file.memoryMb, diskGb: file.diskGb, options: file.spec.machines.options ?? {}, engine: { labels: [`flotilla.swarm=${name}`] } },
          emit,
          signal,
        );
    };
    const toMake = [...of('machine', 'create'), ...of('machine', 'provision')];
    await runCreates(driver, toMake, make);

    // 1b. sizes, through machine set's rules: container machines live, stopped VMs now; a running VM is not stopped,
    // and what to run instead is said (its change is not counted as made)
    const notApplied: ClusterChange[] = [];
    for (const x of of('machine', 'resize')) {
      checkAbort(signal);
      const r = c.resizes.get(x.name)!;
      if (!r.apply) {
        notApplied.push(x);
        emit({ machine: x.name, step: 'resize not applied', detail: `up does not stop a running VM; to resize it run: ${r.commands!.join('; ')}` });
        continue;
      }
      const res = await resizeMachine(ctx.store, { name: x.name, ...r.apply }, emit);
      emit({ machine: x.name, step: 'resized', detail: [...res.changes, ...res.notes].join('; ') });
    }
    const made = plan.changes.filter((x) => !notApplied.includes(x));

    // 2. the swarm: createSwarm finishes a partial swarm (init where none, joins, promotions)
    if (of('swarm').some((x) => x.action !== 'demote')) {
      checkAbort(signal);
      const all = await members(ctx.store, name);
      const endpoint = (n: string) => {
        const cfg = all.get(n);
        if (!cfg?.endpoint) throw new FlotillaError('PRECONDITION', `machine ${n} has no engine address: provision it (\`flotilla machine provision ${n}\`), then run up again`);
        return { name: n, advertiseAddr: cfg.endpoint.ip, connect: () => tlsConnection(ctx.store, cfg) };
      };
      // the manager that already runs the swarm goes first, so createSwarm joins the others to it
      const managers = [...file.managers].sort((a, b) => (a === observed.managerName ? -1 : b === observed.managerName ? 1 : 0));
      group('forming the swarm', `${file.managers.length} manager(s), ${file.workers.length} worker(s)`);
      await createSwarm({ managers: managers.map(endpoint), workers: file.workers.map(endpoint), signal, onProgress: (p) => emit({ machine: p.node, step: `swarm ${p.step}`, detail: p.message }) });
    }
    await observed.close();
    observed = await observe(ctx, name, file.managers);
    const manager = observed.manager;
    if (!manager) throw new FlotillaError('ENGINE', `no manager of swarm ${name} answers after the swarm step: check \`flotilla machine ls\`, then run up again`);
    for (const x of of('swarm', 'demote')) {
      emit({ machine: x.name, step: 'swarm demote', detail: x.detail });
      await setRole(manager, nodeOf(observed, x.name)!.ID, 'worker');
    }

    // 3. labels and availability
    for (const x of of('node')) {
      checkAbort(signal);
      const node = nodeOf(observed, x.name);
      if (!node) throw new FlotillaError('ENGINE', `machine ${x.name} is not a node of swarm ${name}: run up again`);
      const labels = labelsOf(file.spec, x.name);
      if (labels) {
        const have = node.Spec?.Labels ?? {};
        await labelNode(manager, node.ID, labels, Object.keys(have).filter((k) => !(k in labels)));
      }
      const availability = file.spec.nodes?.[x.name]?.availability;
      if (availability && (node.Spec?.Availability ?? 'active') !== availability) await setAvailability(manager, node.ID, availability);
      emit({ machine: x.name, step: 'node updated', detail: x.detail });
    }

    // 4. machines no longer named: drained and out of the swarm first, then removed
    for (const x of of('machine', 'remove')) {
      checkAbort(signal);
      const node = nodeOf(observed, x.name);
      const cfg = observed.members.get(x.name);
      if (node && cfg) {
        const cluster = { manager, connectNode: () => tlsConnection(ctx.store, cfg) };
        await removeNode(cluster, node.ID, { onStep: (s) => emit({ machine: x.name, step: 'leaving the swarm', detail: s }) });
      }
      const r = await removeMachine(ctx.store, x.name, emit);
      emit({ machine: x.name, step: 'removed', detail: r.warnings.join('; ') || undefined });
    }

    // 5. stacks, through the deploy with history, only those whose plan shows a change
    for (const x of of('stack')) {
      checkAbort(signal);
      const s = file.spec.stacks![x.name]!;
      const source = stackSource(src, s.file);
      group(`stack ${x.name}`, 'deploying');
      const res = await deployWithHistory(manager.docker, {
        stack: x.name,
        files: source.files,
        variables: stackVariables(s.variables),
        workingDir: source.workingDir,
        readFile: source.readFile,
        prune: s.prune,
        resolveImage: s.resolveImage,
        wait: !s.detach,
        home: ctx.home,
        signal,
        onEvent: (e) => {
          if (e.type === 'service') group(`stack ${x.name}`, `${e.action} ${e.service}`);
          else if (e.type === 'warning') emit({ machine: name, log: `stack ${x.name}: ${e.message}` });
          else if (e.type === 'log') emit({ machine: name, log: `stack ${x.name}: ${e.message}` });
        },
      });
      group(`stack ${x.name}`, `deployment ${res.history}: ${res.services.map((sv) => `${sv.action} ${sv.name}`).join(', ') || 'no services'}`);
    }
    emit({ machine: name, step: 'done', detail: `swarm ${name}: ${made.length} change(s) made${notApplied.length ? `, ${notApplied.length} not applied (${notApplied.map((x) => `${x.name} ${x.action}`).join(', ')})` : ''}`, done: true, changes: made });
    return plan;
  } finally {
    await observed.close();
  }
}

/** removes every machine the file names or its swarm still has (NAME-m*, NAME-w*): the swarm and stacks go with them */
export async function downCluster(ctx: ClusterContext, src: ClusterSource, emit: Emit): Promise<string[]> {
  const file = loadClusterFileOrThrow(src.path, src.content, { driverOptions: ctx.driverOptions });
  const name = file.spec.name;
  const all = [...(await members(ctx.store, name)).keys()];
  if (!all.length) {
    emit({ machine: name, step: 'nothing to remove', detail: `no machines ${name}-m1, ${name}-w1, ...`, done: true, changes: [] });
    return [];
  }
  const res = await Promise.allSettled(all.map((n) => removeMachine(ctx.store, n, emit).then((r) => emit({ machine: n, step: 'removed', detail: r.warnings.join('; ') || undefined }))));
  const failed = res.map((r, i) => ({ r, n: all[i]! })).filter((f) => f.r.status === 'rejected');
  if (failed.length) throw new FlotillaError('ENGINE', `could not remove ${failed.map((f) => `${f.n}: ${((f.r as PromiseRejectedResult).reason as Error).message}`).join('; ')}`);
  const changes = all.map((n) => ({ kind: 'machine' as const, action: 'remove' as const, name: n, detail: 'removed' }));
  emit({ machine: name, step: 'done', detail: `removed ${all.join(', ')}`, done: true, changes });
  return all;
}

/** the machines `down` would remove */
export async function downList(ctx: ClusterContext, src: ClusterSource): Promise<{ name: string; machines: string[] }> {
  const file = loadClusterFileOrThrow(src.path, src.content, { driverOptions: ctx.driverOptions });
  return { name: file.spec.name, machines: [...(await members(ctx.store, file.spec.name)).keys()] };
}

/** the cluster file of a running swarm of Flotilla machines, with its stacks as last deployed by Flotilla */
export async function exportCluster(ctx: ClusterContext, name: string): Promise<{ path: string; content: string; files: Array<{ path: string; content: string }> }> {
  const m = await members(ctx.store, name);
  if (!m.size) throw new FlotillaError('NOT_FOUND', `no Flotilla machines ${name}-m1, ${name}-w1, ...: export takes the name of a swarm made by \`swarm create\` or a cluster file`);
  const o = await observe(ctx, name, []);
  try {
    const names = [...m.keys()];
    const first = m.get(names[0]!)!;
    const machines: Record<string, unknown> = {
      driver: first.driver,
      managers: names.filter((n) => /-m\d+$/.test(n)).length,
      workers: names.filter((n) => /-w\d+$/.test(n)).length,
    };
    if (first.spec.cpus) machines.cpus = first.spec.cpus;
    if (first.spec.memoryMb) machines.memory = first.spec.memoryMb % 1024 ? `${first.spec.memoryMb}m` : `${first.spec.memoryMb / 1024}g`;
    if (first.spec.diskGb) machines.disk = `${first.spec.diskGb}g`;
    if (Object.keys(first.spec.options).length) machines.options = first.spec.options;
    const nodes: Record<string, { labels?: Record<string, string>; availability?: string }> = {};
    for (const n of names) {
      const node = nodeOf(o, n);
      if (!node) continue;
      const labels = node.Spec?.Labels ?? {};
      const entry: { labels?: Record<string, string>; availability?: string } = {};
      if (Object.keys(labels).length) entry.labels = labels;
      if (node.Spec?.Availability && node.Spec.Availability !== 'active') entry.availability = node.Spec.Availability;
      if (Object.keys(entry).length) nodes[n] = entry;
    }
    const stacks: Record<string, { file: string | string[]; variables?: Record<string, string> }> = {};
    const files: Array<{ path: string; content: string }> = [];
    const comments: string[] = [];
    if (o.manager) {
      const key = await historyKey(o.manager.docker);
      for (const st of await listStacks(o.manager.docker)) {
        const last = listHistory(ctx.home, key, st.name).at(-1);
        if (!last) {
          comments.push(`stack ${st.name} was not deployed by Flotilla here: no compose file is kept for it, so it is not in this file`);
          continue;
        }
        const { contents } = readHistory(ctx.home, key, st.name, last.n);
        const paths = contents.map((c, i) => (contents.length === 1 ? `${st.name}.yml` : `${st.name}-${i + 1}.yml`));
        contents.forEach((c, i) => files.push({ path: paths[i]!, content: c.content }));
        stacks[st.name] = { file: paths.length === 1 ? paths[0]! : paths };
        if (last.variables.length) {
          stacks[st.name]!.variables = Object.fromEntries(last.variables.map((v) => [v, '']));
          comments.push(`stack ${st.name} was deployed with ${last.variables.join(', ')}: their values are never kept, so fill them in under stacks.${st.name}.variables`);
        }
      }
    } else comments.push(`no manager of swarm ${name} answered: nodes and stacks are left out`);
    const body: Record<string, unknown> = { name, machines };
    if (Object.keys(nodes).length) body.nodes = nodes;
    if (Object.keys(stacks).length) body.stacks = stacks;
    const header = [`# cluster file of swarm ${name}, exported by Flotilla (flotilla plan -f FILE / flotilla up -f FILE)`, ...comments.map((c) => `# ${c}`)].join('\n');
    return { path: `${name}.cluster.yml`, content: `${header}\n${stringify(body)}`, files };
  } finally {
    await o.close();
  }
}
