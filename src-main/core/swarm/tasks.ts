// Tasks through a manager; `service ps` rows with the CLI's `\_` lineage; a task's container on its node.
import type { EngineConnection } from '../engine';
import type { PsTask, Task } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { engineCall, noSuchTask } from './errors';
import { toTask, type RawTask, type RawNode, type RawService, nodeAddr } from './mappers';
import { requireManager } from './swarm';

export async function rawTasks(manager: EngineConnection, filters: Record<string, string[]> = {}): Promise<RawTask[]> {
  return (await engineCall(() => manager.docker.listTasks({ filters }))) as RawTask[];
}

export async function listTasks(manager: EngineConnection, opts: { serviceId?: string; nodeId?: string } = {}): Promise<Task[]> {
  await requireManager(manager);
  const filters: Record<string, string[]> = {};
  if (opts.serviceId) filters.service = [opts.serviceId];
  if (opts.nodeId) filters.node = [opts.nodeId];
  const [tasks, services] = await Promise.all([rawTasks(manager, filters), engineCall(() => manager.docker.listServices()) as Promise<RawService[]>]);
  const names = new Map(services.map((s) => [s.ID, s.Spec.Name]));
  let out = tasks.map((t) => toTask(t, names.get(t.ServiceID)));
  // the engine's service filter also matches name prefixes; keep exactly the one service
  if (opts.serviceId) out = out.filter((t) => t.serviceId === opts.serviceId);
  return out.sort((a, b) => b.timestamps.created.localeCompare(a.timestamps.created));
}

/**
 * Tasks for `service ps` / `stack ps`: the filters go to the engine as the docker CLI sends them (the engine checks
 * the keys and values and resolves node and service names), with the names the CLI's id resolver would print.
 */
export async function psTasks(manager: EngineConnection, filters: Record<string, string[]>): Promise<{ tasks: PsTask[]; services: Record<string, string>; nodes: Record<string, string>; self: string }> {
  const info = await requireManager(manager);
  const [tasks, services, nodes] = await Promise.all([
    rawTasks(manager, filters),
    engineCall(() => manager.docker.listServices()) as Promise<RawService[]>,
    engineCall(() => manager.docker.listNodes()) as Promise<RawNode[]>,
  ]);
  return {
    tasks: tasks.map((t) => ({
      id: t.ID,
      serviceId: t.ServiceID,
      slot: t.Slot ?? 0,
      nodeId: t.NodeID ?? '',
      image: t.Spec?.ContainerSpec?.Image ?? '',
      desiredState: t.DesiredState,
      state: t.Status.State,
      error: t.Status.Err ?? '',
      timestamp: t.Status.Timestamp ?? '',
      createdAt: t.CreatedAt,
      ports: (t.Status.PortStatus?.Ports ?? []).map((p) => ({ published: p.PublishedPort ?? 0, target: p.TargetPort ?? 0, protocol: p.Protocol ?? '' })),
    })),
    services: Object.fromEntries(services.map((s) => [s.ID, s.Spec.Name])),
    nodes: Object.fromEntries(nodes.map((n) => [n.ID, n.Spec?.Name || n.Description?.Hostname || n.ID])),
    self: info.NodeID ?? '',
  };
}

export async function resolveTask(manager: EngineConnection, ref: string): Promise<RawTask> {
  const all = await rawTasks(manager);
  const exact = all.find((t) => t.ID === ref);
  if (exact) return exact;
  const pre = all.filter((t) => t.ID.startsWith(ref));
  if (pre.length === 1) return pre[0];
  if (pre.length > 1) throw new FlotillaError('BAD_INPUT', `task ID prefix ${ref} is ambiguous: give more characters`);
  throw noSuchTask(ref);
}

export interface LocatedTask {
  task: RawTask;
  node: RawNode;
  containerId: string;
  /** the node's own engine */
  conn: EngineConnection;
}

/**
 * A task (by id), or a service (by name/id: its first running task), located on its node and reached
 * through that node's engine.
 */
export async function locateTask(cluster: Cluster, ref: string): Promise<LocatedTask> {
  const { manager } = cluster;
  await requireManager(manager);
  let task: RawTask | undefined;
  try {
    task = await resolveTask(manager, ref);
  } catch (e) {
    if (!(e instanceof FlotillaError) || e.code !== 'NOT_FOUND') throw e;
    const svc = (await manager.docker
      .getService(ref)
      .inspect()
      .catch(() => undefined)) as RawService | undefined;
    if (!svc) throw new FlotillaError('NOT_FOUND', `no such task or service: ${ref}`);
    const running = (await rawTasks(manager, { service: [svc.ID], 'desired-state': ['running'] })).filter((t) => t.ServiceID === svc.ID && t.Status.State === 'running');
    running.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0));
    task = running[0];
    if (!task) throw new FlotillaError('PRECONDITION', `service ${svc.Spec.Name} has no running task: scale it up or check \`flotilla service ps ${svc.Spec.Name}\``);
  }
  const containerId = task.Status.ContainerStatus?.ContainerID;
  if (!task.NodeID || !containerId) throw new FlotillaError('PRECONDITION', `task ${task.ID.slice(0, 12)} has no container (state ${task.Status.State}): wait until it runs`);
  const node = (await engineCall(() => manager.docker.getNode(task.NodeID!).inspect(), { kind: 'node', ref: task.NodeID })) as RawNode;
  const hostname = node.Description?.Hostname ?? node.ID;
  const conn = await cluster.connectNode({ id: node.ID, hostname, addr: nodeAddr(node) }).catch((e: unknown) => {
    throw new FlotillaError('UNREACHABLE', `the engine of node ${hostname} (${nodeAddr(node)}) cannot be reached: ${(e as Error).message}`);
  });
  return { task, node, containerId, conn };
}
