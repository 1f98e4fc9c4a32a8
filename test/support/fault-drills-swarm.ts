// The drill swarm of the fault drills (fault-drills.ts): a real container-machine swarm (3 managers, 1 worker) made
// with the CLI in its own FLOTILLA_HOME and DOCKER_CONFIG, TLS connections to its engines, commands inside its machines,
// and what the truth is: a fresh snapshot of a manager's listings, compared with an observer's model (drift).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import { buildModel } from '../../src-main/core/swarm/cluster-model';
import type { RawNode, RawService, RawTask } from '../../src-main/core/swarm/mappers';
import type { ClusterModel } from '../../src-main/api/domains/swarm';
import { MachineStore } from '../../src-main/core/machines/store';
import { tlsFilesOf } from '../../src-main/core/machines/commands';
import { containerName } from '../../src-main/core/machines/drivers/container';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';

const pexec = promisify(execFile);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'flotilla.mjs');
const DOCKER = '/usr/local/bin/docker';
export const BUSYBOX = 'flotilla-lab/busybox:latest';
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type Log = (line: string) => void;

/** a machine swarm made for the drills, in its own FLOTILLA_HOME and DOCKER_CONFIG */
export interface DrillSwarm {
  name: string;
  home: string;
  dockerConfig: string;
  managers: string[];
  workers: string[];
  /** TLS connections to every machine's engine, by machine name (closed by removeDrillSwarm) */
  conns: Map<string, EngineConnection>;
  ips: Map<string, string>;
}

export function cliEnv(s: { home: string; dockerConfig: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: s.home, DOCKER_CONFIG: s.dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER };
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[k];
  return env;
}

async function flotilla(s: { home: string; dockerConfig: string }, args: string[], timeout = 600_000): Promise<string> {
  try {
    return (await pexec(process.execPath, [BIN, ...args], { env: cliEnv(s), timeout, maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`flotilla ${args.join(' ')} failed: ${x.stderr || x.message}`);
  }
}

/** runs a command inside a machine's container (its systemd, dockerd and iptables) */
export async function inMachine(machine: string, script: string, timeout = 180_000): Promise<string> {
  return (await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'exec', containerName(machine), 'sh', '-c', script], { timeout })).stdout;
}

export async function hostDocker(args: string[], timeout = 120_000): Promise<string> {
  return (await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', ...args], { timeout })).stdout;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function connectMachine(store: MachineStore, name: string): Promise<{ conn: EngineConnection; ip: string }> {
  const cfg = await store.load(name);
  if (!cfg.endpoint) throw new Error(`machine ${name} has no endpoint`);
  const conn = await connectEngine({ kind: 'tcp', host: cfg.endpoint.docker.host, port: cfg.endpoint.docker.port, tls: tlsFilesOf(store, cfg) }, { timeoutMs: 3000 });
  return { conn, ip: cfg.endpoint.ip };
}

/** `flotilla swarm create NAME --driver container --managers 3 --workers 1` (or the sizes given), the workload image in
 * every engine, and two services */
export async function makeDrillSwarm(name: string, log: Log, size: { managers: number; workers: number } = { managers: 3, workers: 1 }): Promise<DrillSwarm> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-drill-home-'));
  const dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-drill-dockercfg-'));
  const s: DrillSwarm = { name, home, dockerConfig, managers: [], workers: [], conns: new Map(), ips: new Map() };
  const t0 = Date.now();
  try {
    const r = JSON.parse(await flotilla(s, ['--json', 'swarm', 'create', name, '--driver', 'container', '--managers', String(size.managers), '--workers', String(size.workers)])) as { managers: string[]; workers: string[] };
    s.managers = r.managers;
    s.workers = r.workers;
    log(`swarm ${name} made in ${Math.round((Date.now() - t0) / 1000)} s: managers ${s.managers.join(' ')}, workers ${s.workers.join(' ') || 'none'}`);
    return await openDrillSwarm(s);
  } catch (e) {
    // a half-made swarm (a machine failed on a loaded host): its caller gets no swarm to remove, so remove it here
    const left = await removeDrillSwarm(s).catch((x: Error) => [`cleanup failed: ${x.message}`]);
    if (left.length) log(`the half-made swarm ${name} left: ${left.join(', ')}`);
    throw e;
  }
}

/** connections to the swarm's machines, the workload image in each engine, and the two services (idempotent) */
export async function openDrillSwarm(s: DrillSwarm): Promise<DrillSwarm> {
  const store = new MachineStore(s.home);
  for (const m of [...s.managers, ...s.workers]) {
    await ensureNodeBusybox(containerName(m));
    const { conn, ip } = await connectMachine(store, m);
    s.conns.set(m, conn);
    s.ips.set(m, ip);
  }
  const mgr = s.conns.get(s.managers[0])!;
  const have = new Set((await sw.listServices(mgr)).map((x) => x.name));
  if (!have.has('drill-global')) await sw.createService(mgr, { name: 'drill-global', image: BUSYBOX, args: ['sleep', '86400'], mode: 'global', stopGracePeriod: '1s' });
  if (!have.has('drill-rep')) await sw.createService(mgr, { name: 'drill-rep', image: BUSYBOX, args: ['sleep', '86400'], replicas: 2, stopGracePeriod: '1s' });
  await until('both services running', async () => healthy((await freshSnapshot(s)).model), 180_000, 1000);
  return s;
}

/** every machine of the swarm removed (`flotilla swarm rm -y`), then what is left of them: containers, volumes, contexts, folders */
export async function removeDrillSwarm(s: DrillSwarm): Promise<string[]> {
  for (const c of s.conns.values()) await c.close().catch(() => undefined);
  const store = new MachineStore(s.home);
  // a half-made swarm names no machines: the store has them
  const names = [...s.managers, ...s.workers];
  if (!names.length) names.push(...(await store.names().catch(() => [])));
  await flotilla(s, ['swarm', 'rm', '-y', s.name], 300_000).catch(() => undefined);
  // whatever machines the store still has (the swarm could not be removed as one, or some never joined it)
  const rest = await store.names().catch(() => []);
  if (rest.length) await flotilla(s, ['machine', 'rm', '-f', ...rest], 300_000).catch(() => undefined);
  const found: string[] = [];
  const exists = async (args: string[], env?: NodeJS.ProcessEnv): Promise<boolean> =>
    pexec(DOCKER, args, { env: env ?? process.env, timeout: 60_000 }).then(
      () => true,
      () => false,
    );
  for (const n of names.length ? names : [`${s.name}-m1`]) {
    if (await exists(['-H', 'unix:///var/run/docker.sock', 'container', 'inspect', containerName(n)])) found.push(`container ${containerName(n)}`);
    if (await exists(['-H', 'unix:///var/run/docker.sock', 'volume', 'inspect', `${containerName(n)}-docker`])) found.push(`volume ${containerName(n)}-docker`);
    if (await exists(['context', 'inspect', n], { ...process.env, DOCKER_CONFIG: s.dockerConfig })) found.push(`context ${n}`);
    if (await store.exists(n)) found.push(`folder ${n}`);
  }
  await fs.rm(s.home, { recursive: true, force: true });
  await fs.rm(s.dockerConfig, { recursive: true, force: true });
  return found;
}

/** a model built from a manager's listings right now (any manager that answers), and which one answered */
export async function freshSnapshot(s: DrillSwarm, avoid: string[] = []): Promise<{ model: ClusterModel; via: string }> {
  const errors: string[] = [];
  for (const m of s.managers.filter((x) => !avoid.includes(x))) {
    const o = { abortSignal: AbortSignal.timeout(4000) };
    const d = s.conns.get(m)!.docker;
    try {
      const [nodes, services, tasks] = await Promise.all([d.listNodes(o) as Promise<RawNode[]>, d.listServices(o) as Promise<RawService[]>, d.listTasks(o) as Promise<RawTask[]>]);
      return { model: buildModel(nodes, services, tasks), via: m };
    } catch (e) {
      errors.push(`${m}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no manager answered: ${errors.join('; ')}`);
}

/** the model without what only a long-lived watcher can know (each task's timeline of states seen) */
export function comparable(m: ClusterModel): ClusterModel {
  const tasks: ClusterModel['tasks'] = {};
  for (const [id, t] of Object.entries(m.tasks)) tasks[id] = { ...t, timeline: undefined };
  return JSON.parse(JSON.stringify({ nodes: m.nodes, services: m.services, tasks })) as ClusterModel;
}

/** the differences between two models, by kind and id (empty when they agree) */
export function drift(a: ClusterModel, b: ClusterModel): string[] {
  const x = comparable(a);
  const y = comparable(b);
  const out: string[] = [];
  for (const kind of ['nodes', 'services', 'tasks'] as const) {
    const ids = new Set([...Object.keys(x[kind]), ...Object.keys(y[kind])]);
    for (const id of ids) if (JSON.stringify(x[kind][id]) !== JSON.stringify(y[kind][id])) out.push(`${kind} ${id.slice(0, 12)}`);
  }
  return out;
}

/** every node ready and every service with all its tasks running */
export function healthy(m: ClusterModel): boolean {
  const nodes = Object.values(m.nodes);
  const services = Object.values(m.services);
  return nodes.length > 0 && nodes.every((n) => n.status === 'ready') && services.length > 0 && services.every((sv) => sv.replicas.desired > 0 && sv.replicas.running === sv.replicas.desired);
}

export const nodeOf = (m: ClusterModel, host: string) => Object.values(m.nodes).find((n) => n.hostname === host);
export const leaderOf = (m: ClusterModel): string | undefined => Object.values(m.nodes).find((n) => n.leader)?.hostname;
