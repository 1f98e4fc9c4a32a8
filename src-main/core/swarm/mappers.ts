// Engine JSON (nodes, services, tasks) -> the contract's Node, Service, Task shapes the UI draws.
import type { Node, Service, Task, PortMapping } from '../../api/domains/swarm';

export interface RawNode {
  ID: string;
  Version?: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string>; Name?: string };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string }; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string; Addr?: string; Message?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface RawService {
  ID: string;
  Version?: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Image?: string }; ForceUpdate?: number };
    Mode?: { Replicated?: { Replicas?: number }; Global?: object; ReplicatedJob?: { TotalCompletions?: number }; GlobalJob?: object };
    EndpointSpec?: { Ports?: Array<{ Protocol?: string; TargetPort?: number; PublishedPort?: number; PublishMode?: string }> };
  };
  PreviousSpec?: unknown;
  Endpoint?: { Ports?: Array<{ Protocol?: string; TargetPort?: number; PublishedPort?: number; PublishMode?: string }> };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
}

export interface RawTask {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status: {
    State: string;
    Timestamp?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    PortStatus?: { Ports?: Array<{ PublishedPort?: number; TargetPort?: number; Protocol?: string }> };
  };
  DesiredState: string;
}

/** The node's address peers and Flotilla reach it at: Status.Addr, or the host of the manager address. */
export function nodeAddr(n: RawNode): string {
  const a = n.Status?.Addr;
  if (a && a !== '0.0.0.0') return a;
  const m = n.ManagerStatus?.Addr;
  return m ? m.replace(/:\d+$/, '') : (a ?? '');
}

export function toNode(n: RawNode): Node {
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
    role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
    leader: Boolean(n.ManagerStatus?.Leader),
    ...(n.ManagerStatus ? { reachability: n.ManagerStatus.Reachability ?? 'unknown' } : {}),
    availability: (n.Spec?.Availability as Node['availability']) ?? 'active',
    status: n.Status?.State ?? 'unknown',
    engineVersion: n.Description?.Engine?.EngineVersion ?? '',
    addr: nodeAddr(n),
    cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    labels: n.Spec?.Labels ?? {},
  };
}

/** image without the @sha256 digest the engine pins */
export function shortImage(image: string | undefined): string {
  return (image ?? '').replace(/@sha256:[a-f0-9]+$/, '');
}

function modeOf(s: RawService): Service['mode'] {
  const m = s.Spec.Mode ?? {};
  if (m.Global) return 'global';
  if (m.ReplicatedJob) return 'replicated-job';
  if (m.GlobalJob) return 'global-job';
  return 'replicated';
}

/** A task counts as current (for running/desired and update progress) when it is meant to run. */
const isCurrent = (t: RawTask | Task): boolean => ('DesiredState' in t ? t.DesiredState : t.desiredState) === 'running';

/**
 * @param tasks the service's tasks (any state); running counts and update progress come from them
 * @param readyNodes for global services: how many nodes can run a task (desired = tasks meant to run)
 */
export function toService(s: RawService, tasks: Task[]): Service {
  const mode = modeOf(s);
  const current = tasks.filter(isCurrent);
  const running = current.filter((t) => t.state === 'running').length;
  const desired = mode === 'replicated' ? (s.Spec.Mode?.Replicated?.Replicas ?? 0) : mode === 'global' ? current.length : (s.ServiceStatus?.DesiredTasks ?? current.length);
  const ports: PortMapping[] = (s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? []).map((p) => ({
    ...(p.PublishedPort ? { published: p.PublishedPort } : {}),
    target: p.TargetPort ?? 0,
    protocol: p.Protocol ?? 'tcp',
    mode: p.PublishMode ?? 'ingress',
  }));
  const image = shortImage(s.Spec.TaskTemplate?.ContainerSpec?.Image);
  let updateStatus: Service['updateStatus'];
  if (s.UpdateStatus?.State) {
    const onNew = current.filter((t) => t.image === image && t.state === 'running').length;
    updateStatus = {
      state: s.UpdateStatus.State,
      ...(s.UpdateStatus.Message ? { message: s.UpdateStatus.Message } : {}),
      progress: { n: Math.min(onNew, desired), m: desired },
    };
  }
  return {
    id: s.ID,
    name: s.Spec.Name,
    ...(s.Spec.Labels?.['com.docker.stack.namespace'] ? { stack: s.Spec.Labels['com.docker.stack.namespace'] } : {}),
    mode,
    replicas: { desired, running },
    image,
    ports,
    ...(updateStatus ? { updateStatus } : {}),
    ...(s.CreatedAt ? { createdAt: s.CreatedAt } : {}),
    ...(s.UpdatedAt ? { updatedAt: s.UpdatedAt } : {}),
  };
}

export function toTask(t: RawTask, serviceName?: string): Task {
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    ...(serviceName ? { serviceName } : {}),
    slot: t.Slot ?? 0,
    ...(t.NodeID ? { nodeId: t.NodeID } : {}),
    image: shortImage(t.Spec?.ContainerSpec?.Image),
    state: t.Status.State,
    desiredState: t.DesiredState,
    ...(t.Status.Err ? { error: t.Status.Err } : {}),
    ...(t.Status.Message ? { message: t.Status.Message } : {}),
    timestamps: { created: t.CreatedAt, updated: t.UpdatedAt, status: t.Status.Timestamp ?? t.UpdatedAt },
    ...(t.Status.ContainerStatus?.ContainerID ? { containerId: t.Status.ContainerStatus.ContainerID } : {}),
    // a listing knows two points of the timeline: created (state new) and the current state since its timestamp; the live model records every state it sees
    timeline: t.Status.State === 'new' ? [{ state: 'new', at: t.CreatedAt }] : [{ state: 'new', at: t.CreatedAt }, { state: t.Status.State, at: t.Status.Timestamp ?? t.UpdatedAt }],
  };
}
