// Why a task is not running, worked out from the engine's own listings (nodes, services, tasks) the way swarmkit's
// scheduler filters decide (manager/scheduler/filter.go): ready, resources, constraints, platform, host ports,
// max replicas per node. Pure: the engine calls are in explain-engine.ts.
//
// What the scheduler counts on a node (its NodeInfo): tasks assigned there whose state is pending..running. Their
// reservations are taken from the node's resources; of those, the ones whose desired state is still running or before
// count against max_replicas_per_node. The scheduler counts each node once, under the first filter that fails; here
// every failing filter is listed, in the scheduler's order.
import type { ExplainHistoryEntry, ExplainNode, ExplainReason, ServiceExplanation, TaskExplanation } from '../../api/domains/explain';
import { failingConstraints, type ConstraintNode } from './constraints';

export interface ExplainRawNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> | null };
  Description?: {
    Hostname?: string;
    Platform?: { Architecture?: string; OS?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { Labels?: Record<string, string> | null };
  };
  Status?: { State?: string; Addr?: string };
}

interface RawPort {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}
interface RawResources {
  Reservations?: { NanoCPUs?: number; MemoryBytes?: number };
}
interface RawPlacement {
  Constraints?: string[] | null;
  Platforms?: Array<{ Architecture?: string; OS?: string }> | null;
  MaxReplicas?: number;
}

export interface ExplainRawService {
  ID: string;
  Spec: {
    Name: string;
    TaskTemplate?: { ContainerSpec?: { Image?: string }; Resources?: RawResources; Placement?: RawPlacement };
    Mode?: { Replicated?: { Replicas?: number }; Global?: object; ReplicatedJob?: object; GlobalJob?: object };
    EndpointSpec?: { Ports?: RawPort[] | null };
  };
  Endpoint?: { Ports?: RawPort[] | null };
}

export interface ExplainRawTask {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Spec?: { ContainerSpec?: { Image?: string }; Resources?: RawResources; Placement?: RawPlacement };
  Status: { State: string; Timestamp?: string; Message?: string; Err?: string; PortStatus?: { Ports?: RawPort[] | null } };
}

export interface ExplainInput {
  nodes: ExplainRawNode[];
  services: ExplainRawService[];
  tasks: ExplainRawTask[];
}

// swarmkit's task states in order; a task "is on" a node from pending to running
const STATES = ['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running', 'complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned'];
const rank = (s: string): number => {
  const i = STATES.indexOf(s);
  return i < 0 ? STATES.length : i;
};
const RUNNING = rank('running');
const onNode = (t: ExplainRawTask): boolean => Boolean(t.NodeID) && rank(t.Status.State) >= rank('pending') && rank(t.Status.State) <= RUNNING;
const meantToRun = (t: ExplainRawTask): boolean => rank(t.DesiredState) <= RUNNING;

/** errors the engine gives when a task's image cannot be pulled or found on the node */
const PULL_ERROR = /no such image|pull access denied|manifest unknown|manifest for .* not found|repository does not exist|failed to resolve reference|error pulling image|failed to pull|not found: manifest|requested access to the resource is denied/i;
export const isPullError = (err: string): boolean => PULL_ERROR.test(err);

const GiB = 2 ** 30;
const MiB = 2 ** 20;
export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(n % GiB === 0 ? 0 : 1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`;
  return `${n} B`;
}
const formatCpus = (nano: number): string => `${+(nano / 1e9).toFixed(2)} CPU${nano === 1e9 ? '' : 's'}`;

const platformOf = (n: ExplainRawNode): string => `${n.Description?.Platform?.OS ?? '?'}/${n.Description?.Platform?.Architecture ?? '?'}`;
const normArch = (a: string): string => (a === 'x86_64' ? 'amd64' : a === 'aarch64' ? 'arm64' : a);

function constraintNode(n: ExplainRawNode): ConstraintNode {
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? '',
    ip: n.Status?.Addr ?? '',
    role: n.Spec?.Role ?? '',
    os: n.Description?.Platform?.OS ?? '',
    arch: n.Description?.Platform?.Architecture ?? '',
    labels: n.Spec?.Labels ?? {},
    engineLabels: n.Description?.Engine?.Labels ?? {},
  };
}

const hostPorts = (ports: RawPort[] | null | undefined): Array<{ port: number; protocol: string }> =>
  (ports ?? []).filter((p) => p.PublishMode === 'host' && p.PublishedPort).map((p) => ({ port: p.PublishedPort!, protocol: p.Protocol ?? 'tcp' }));

const hostnameOf = (nodes: Map<string, ExplainRawNode>, id: string | undefined): string | undefined => (id ? (nodes.get(id)?.Description?.Hostname ?? id.slice(0, 12)) : undefined);

function taskName(t: ExplainRawTask, serviceName: string, global: boolean): string {
  return global || !t.Slot ? `${serviceName}.${t.NodeID ?? ''}` : `${serviceName}.${t.Slot}`;
}

/** The scheduler's verdict for one node and one task, plus what the slot's history says about the node. */
function judgeNode(input: Indexed, svc: ExplainRawService, task: ExplainRawTask, node: ExplainRawNode): ExplainNode {
  const reasons: ExplainReason[] = [];
  const hostname = node.Description?.Hostname ?? node.ID.slice(0, 12);
  const status = node.Status?.State ?? 'unknown';
  if (status !== 'ready') reasons.push({ kind: 'down', text: `node is ${status}: it takes no new tasks until it is ready again` });
  const availability = node.Spec?.Availability ?? 'active';
  if (availability === 'drain') reasons.push({ kind: 'drain', text: 'node is drained: it takes no tasks (set it active to use it again)' });
  if (availability === 'pause') reasons.push({ kind: 'pause', text: 'node is paused: it takes no new tasks (set it active to use it again)' });

  // the tasks the scheduler counts on this node, this task left out
  const here = (input.byNode.get(node.ID) ?? []).filter((t) => t.ID !== task.ID && onNode(t));

  const want = task.Spec?.Resources?.Reservations ?? svc.Spec.TaskTemplate?.Resources?.Reservations ?? {};
  for (const what of ['cpu', 'memory'] as const) {
    const reserved = what === 'cpu' ? (want.NanoCPUs ?? 0) : (want.MemoryBytes ?? 0);
    if (!reserved) continue;
    const total = what === 'cpu' ? (node.Description?.Resources?.NanoCPUs ?? 0) : (node.Description?.Resources?.MemoryBytes ?? 0);
    const others = here.reduce((sum, t) => sum + ((what === 'cpu' ? t.Spec?.Resources?.Reservations?.NanoCPUs : t.Spec?.Resources?.Reservations?.MemoryBytes) ?? 0), 0);
    const available = total - others;
    if (reserved <= available) continue;
    const fmt = what === 'cpu' ? formatCpus : formatBytes;
    const byTasks = here.filter((t) => (what === 'cpu' ? t.Spec?.Resources?.Reservations?.NanoCPUs : t.Spec?.Resources?.Reservations?.MemoryBytes)).length;
    reasons.push({
      kind: 'resources',
      text: `insufficient ${what === 'cpu' ? 'CPU' : 'memory'}: the task reserves ${fmt(reserved)}, the node has ${fmt(Math.max(0, available))} available (${
        others ? `${fmt(total)} minus ${fmt(others)} reserved by ${byTasks} task${byTasks === 1 ? '' : 's'} on it` : `all of its ${fmt(total)}: no task on it reserves any`
      })`,
      resource: { what, reserved, available, total, reservedByOthers: others },
    });
  }

  const placement = task.Spec?.Placement ?? svc.Spec.TaskTemplate?.Placement ?? {};
  for (const f of failingConstraints(placement.Constraints ?? [], constraintNode(node))) {
    const key = f.text.split(/==|!=/)[0].trim();
    reasons.push({ kind: 'constraint', constraint: f.text, text: f.problem ? `constraint "${f.text}" fails: ${f.problem}` : `constraint "${f.text}" fails: ${key} is "${f.have}" here` });
  }

  const platforms = placement.Platforms ?? [];
  if (platforms.length) {
    const arch = normArch(node.Description?.Platform?.Architecture ?? '');
    const os = node.Description?.Platform?.OS ?? '';
    const ok = Boolean(node.Description?.Platform) && platforms.some((p) => (!p.Architecture || normArch(p.Architecture) === arch) && (!p.OS || p.OS === os));
    if (!ok) {
      const list = platforms.map((p) => `${p.OS ?? '*'}/${p.Architecture ?? '*'}`).join(', ');
      reasons.push({ kind: 'platform', text: `platform mismatch: the image runs on ${list}; this node is ${platformOf(node)}` });
    }
  }

  const mine = hostPorts(svc.Endpoint?.Ports ?? svc.Spec.EndpointSpec?.Ports);
  for (const p of mine) {
    const taker = here.find((t) => {
      const theirs = t.Status.PortStatus?.Ports?.length ? hostPorts(t.Status.PortStatus.Ports) : hostPorts(input.services.get(t.ServiceID)?.Endpoint?.Ports ?? input.services.get(t.ServiceID)?.Spec.EndpointSpec?.Ports);
      return theirs.some((x) => x.port === p.port && x.protocol === p.protocol);
    });
    if (taker) {
      const other = input.services.get(taker.ServiceID);
      const name = other ? taskName(taker, other.Spec.Name, Boolean(other.Spec.Mode?.Global)) : taker.ID.slice(0, 12);
      reasons.push({ kind: 'host-port', taskId: taker.ID, text: `host-mode port ${p.port}/${p.protocol} is already taken here by task ${name} (${taker.ID.slice(0, 12)})` });
    }
  }

  const max = placement.MaxReplicas ?? 0;
  if (max > 0) {
    const count = here.filter((t) => t.ServiceID === svc.ID && meantToRun(t)).length;
    if (count >= max) reasons.push({ kind: 'max-replicas', text: `max_replicas_per_node is ${max} and ${count} task${count === 1 ? '' : 's'} of this service ${count === 1 ? 'is' : 'are'} already here` });
  }

  const schedulable = reasons.length === 0;

  // what the history says: the newest failure of this service's tasks (on its current image) on this node
  const image = svc.Spec.TaskTemplate?.ContainerSpec?.Image;
  const failure = (input.byService.get(svc.ID) ?? [])
    .filter((t) => t.NodeID === node.ID && (t.Status.State === 'rejected' || t.Status.State === 'failed') && t.Status.Err && (!image || t.Spec?.ContainerSpec?.Image === image))
    .sort((a, b) => statusAt(b).localeCompare(statusAt(a)))[0];
  if (failure) {
    const err = failure.Status.Err!;
    reasons.push(
      isPullError(err)
        ? { kind: 'image', taskId: failure.ID, error: err, text: `the image could not be pulled here: ${err}` }
        : { kind: 'failed', taskId: failure.ID, error: err, text: `a task of this service ${failure.Status.State === 'rejected' ? 'was rejected' : 'failed'} here: ${err}` },
    );
  }
  return { nodeId: node.ID, hostname, schedulable, reasons };
}

const statusAt = (t: ExplainRawTask): string => t.Status.Timestamp ?? t.UpdatedAt;

interface Indexed {
  nodes: Map<string, ExplainRawNode>;
  services: Map<string, ExplainRawService>;
  byNode: Map<string, ExplainRawTask[]>;
  byService: Map<string, ExplainRawTask[]>;
}

function index(input: ExplainInput): Indexed {
  const group = (key: (t: ExplainRawTask) => string | undefined): Map<string, ExplainRawTask[]> => {
    const m = new Map<string, ExplainRawTask[]>();
    for (const t of input.tasks) {
      const k = key(t);
      if (k) (m.get(k) ?? m.set(k, []).get(k)!).push(t);
    }
    return m;
  };
  return {
    nodes: new Map(input.nodes.map((n) => [n.ID, n])),
    services: new Map(input.services.map((s) => [s.ID, s])),
    byNode: group((t) => t.NodeID),
    byService: group((t) => t.ServiceID),
  };
}

function summaryOf(task: ExplainRawTask, nodes: ExplainNode[], hostname: string | undefined, history: ExplainHistoryEntry[]): string {
  const state = task.Status.State;
  if (state === 'running') return hostname ? `running on ${hostname}` : 'running';
  const lastError = history.find((h) => h.error)?.error;
  const pulls = nodes.filter((n) => n.reasons.some((r) => r.kind === 'image'));
  if (rank(state) <= rank('pending')) {
    const fit = nodes.filter((n) => n.schedulable).length;
    if (pulls.length && fit) {
      const err = pulls[0].reasons.find((r) => r.kind === 'image')!.error;
      return `${state}: the image could not be pulled on ${pulls.map((n) => n.hostname).join(', ')} (${err}); the swarm retries it`;
    }
    if (!nodes.length) return `${state}: the swarm has no nodes`;
    if (fit === 0) return `${state}: no node can take it (${nodes.length === 1 ? 'the node' : `all ${nodes.length} nodes`} refuse it, see each node's reason)`;
    return `${state}: ${fit} of ${nodes.length} nodes could take it; the scheduler has not placed it yet`;
  }
  if (rank(state) < RUNNING) {
    const img = hostname ? nodes.find((n) => n.hostname === hostname)?.reasons.find((r) => r.kind === 'image') : undefined;
    if (img) return `${state} on ${hostname}: an earlier task could not pull the image here (${img.error})`;
    return `${state} on ${hostname ?? 'a node'}${lastError ? `; the slot's last error: ${lastError}` : ''}`;
  }
  const err = task.Status.Err;
  const where = hostname ? ` on ${hostname}` : '';
  if (err && isPullError(err)) return `${state}${where}: the image could not be pulled (${err}); the swarm retries it`;
  return `${state}${where}${err ? `: ${err}` : ''}`;
}

function explainOne(ix: Indexed, svc: ExplainRawService, task: ExplainRawTask): TaskExplanation {
  const global = Boolean(svc.Spec.Mode?.Global || svc.Spec.Mode?.GlobalJob);
  const slotTasks = (ix.byService.get(svc.ID) ?? []).filter((t) => (global || !t.Slot ? t.NodeID === task.NodeID : t.Slot === task.Slot));
  const history: ExplainHistoryEntry[] = slotTasks
    .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))
    .slice(0, 10)
    .map((t) => ({
      taskId: t.ID,
      ...(t.NodeID ? { nodeId: t.NodeID, hostname: hostnameOf(ix.nodes, t.NodeID) } : {}),
      state: t.Status.State,
      desiredState: t.DesiredState,
      at: statusAt(t),
      ...(t.Status.Err ? { error: t.Status.Err } : {}),
      ...(t.Status.Message ? { message: t.Status.Message } : {}),
    }));
  const running = task.Status.State === 'running';
  // a global task belongs to one node: only that node is judged
  const candidates = global && task.NodeID ? [ix.nodes.get(task.NodeID)].filter((n): n is ExplainRawNode => Boolean(n)) : [...ix.nodes.values()];
  const nodes = running ? [] : candidates.map((n) => judgeNode(ix, svc, task, n)).sort((a, b) => a.hostname.localeCompare(b.hostname));
  const hostname = hostnameOf(ix.nodes, task.NodeID);
  return {
    taskId: task.ID,
    serviceId: svc.ID,
    serviceName: svc.Spec.Name,
    name: taskName(task, svc.Spec.Name, global),
    slot: task.Slot ?? 0,
    ...(task.NodeID ? { nodeId: task.NodeID, hostname } : {}),
    state: task.Status.State,
    desiredState: task.DesiredState,
    running,
    summary: summaryOf(task, nodes, hostname, history),
    ...(task.Status.Err ? { engineError: task.Status.Err } : {}),
    ...(task.Status.Message ? { engineMessage: task.Status.Message } : {}),
    nodes,
    history,
  };
}

/** One task, whatever its state (a running one gets an empty node list). */
export function explainTask(input: ExplainInput, taskId: string): TaskExplanation | undefined {
  const ix = index(input);
  const task = input.tasks.find((t) => t.ID === taskId);
  const svc = task && ix.services.get(task.ServiceID);
  return task && svc ? explainOne(ix, svc, task) : undefined;
}

/** Every task of the service that is meant to run (or to complete, for jobs) and is not running, newest per slot. */
export function explainService(input: ExplainInput, serviceId: string): ServiceExplanation | undefined {
  const ix = index(input);
  const svc = ix.services.get(serviceId);
  if (!svc) return undefined;
  const mode = svc.Spec.Mode?.Global ? 'global' : svc.Spec.Mode?.ReplicatedJob ? 'replicated-job' : svc.Spec.Mode?.GlobalJob ? 'global-job' : 'replicated';
  const job = mode.endsWith('-job');
  const tasks = ix.byService.get(svc.ID) ?? [];
  const current = tasks.filter((t) => (job ? t.DesiredState === 'complete' || meantToRun(t) : meantToRun(t)));
  const runningCount = current.filter((t) => t.Status.State === 'running').length;
  // the newest task meant to run per slot (per node for global services)
  const bySlot = new Map<string, ExplainRawTask>();
  for (const t of current) {
    const key = mode === 'global' || !t.Slot ? `n:${t.NodeID ?? t.ID}` : `s:${t.Slot}`;
    const had = bySlot.get(key);
    if (!had || t.CreatedAt > had.CreatedAt) bySlot.set(key, t);
  }
  const stuck = [...bySlot.values()].filter((t) => t.Status.State !== 'running' && !(job && t.Status.State === 'complete'));
  stuck.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || (a.NodeID ?? '').localeCompare(b.NodeID ?? ''));
  const desired = mode === 'replicated' ? (svc.Spec.Mode?.Replicated?.Replicas ?? 0) : bySlot.size;
  const notes: string[] = [];
  if (!input.nodes.length) notes.push('the swarm has no nodes');
  if (mode === 'replicated' && bySlot.size < desired) {
    const missing = desired - bySlot.size;
    notes.push(`${missing} of ${desired} replicas have no task meant to run: the orchestrator has not created ${missing === 1 ? 'it' : 'them'} yet, or the restart policy gave up (see \`flotilla service ps ${svc.Spec.Name}\`)`);
  }
  return { serviceId: svc.ID, serviceName: svc.Spec.Name, mode, desired, running: runningCount, tasks: stuck.map((t) => explainOne(ix, svc, t)), notes };
}
