// `docker stack rm`, `stack ls`, `stack ps`, `stack services`.
import type Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';
import { LABEL_NAMESPACE } from './convert';

const nsFilter = (stack: string) => ({ label: [`${LABEL_NAMESPACE}=${stack}`] });

/** services (by name), then secrets, then configs, then networks, as the CLI removes them */
export async function removeStack(docker: Docker, stack: string, log: (m: string) => void = () => undefined): Promise<{ removed: string[]; nothing: boolean }> {
  const [services, networks, secrets, configs] = await Promise.all([
    docker.listServices({ filters: nsFilter(stack) }) as Promise<Array<{ ID: string; Spec: { Name: string } }>>,
    docker.listNetworks({ filters: nsFilter(stack) }) as Promise<Array<{ Id: string; Name: string }>>,
    docker.listSecrets({ filters: nsFilter(stack) }) as Promise<Array<{ ID: string; Spec: { Name: string } }>>,
    docker.listConfigs({ filters: nsFilter(stack) }) as Promise<Array<{ ID: string; Spec: { Name: string } }>>,
  ]);
  const removed: string[] = [];
  if (!services.length && !networks.length && !secrets.length && !configs.length) {
    log(`Nothing found in stack: ${stack}`);
    return { removed, nothing: true };
  }
  let failed = false;
  const step = async (kind: string, name: string, fn: () => Promise<unknown>) => {
    log(`Removing ${kind} ${name}`);
    try {
      await fn();
      removed.push(`${kind} ${name}`);
    } catch (e) {
      failed = true;
      log(`Failed to remove ${kind} ${name}: ${(e as Error).message}`);
    }
  };
  for (const s of [...services].sort((a, b) => (a.Spec.Name < b.Spec.Name ? -1 : 1))) await step('service', s.Spec.Name, () => docker.getService(s.ID).remove());
  for (const s of secrets) await step('secret', s.Spec.Name, () => docker.getSecret(s.ID).remove());
  for (const c of configs) await step('config', c.Spec.Name, () => docker.getConfig(c.ID).remove());
  for (const n of networks) await step('network', n.Name, () => docker.getNetwork(n.Id).remove());
  if (failed) throw new FlotillaError('ENGINE', `failed to remove some resources from stack: ${stack}`);
  return { removed, nothing: false };
}

export interface StackSummary {
  name: string;
  services: number;
}

export async function listStacks(docker: Docker): Promise<StackSummary[]> {
  const services = (await docker.listServices({ filters: { label: [LABEL_NAMESPACE] } })) as Array<{ Spec: { Labels?: Record<string, string> } }>;
  const counts = new Map<string, number>();
  for (const s of services) {
    const ns = s.Spec.Labels?.[LABEL_NAMESPACE];
    if (ns !== undefined) counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  return [...counts.entries()].map(([name, n]) => ({ name, services: n })).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

export interface StackTask {
  id: string;
  name: string;
  image: string;
  node: string;
  desiredState: string;
  currentState: string;
  error: string;
  ports: string;
}

export async function stackTasks(docker: Docker, stack: string, filters: Record<string, string[]> = {}): Promise<StackTask[]> {
  const tasks = (await docker.listTasks({ filters: { ...filters, label: [...(filters.label ?? []), `${LABEL_NAMESPACE}=${stack}`] } })) as Array<{
    ID: string;
    ServiceID: string;
    Slot?: number;
    NodeID?: string;
    DesiredState: string;
    Status: { State: string; Err?: string; Timestamp?: string; PortStatus?: { Ports?: Array<{ PublishedPort?: number; TargetPort: number; Protocol?: string }> } };
    Spec: { ContainerSpec?: { Image?: string } };
  }>;
  if (!tasks.length) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${stack}`);
  const services = new Map(((await docker.listServices({ filters: { label: [`${LABEL_NAMESPACE}=${stack}`] } })) as Array<{ ID: string; Spec: { Name: string } }>).map((s) => [s.ID, s.Spec.Name]));
  const nodes = new Map(((await docker.listNodes()) as Array<{ ID: string; Description?: { Hostname?: string } }>).map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  return tasks.map((t) => ({
    id: t.ID,
    name: `${services.get(t.ServiceID) ?? t.ServiceID}.${t.Slot ?? t.NodeID ?? ''}`,
    image: (t.Spec.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, ''),
    node: t.NodeID ? (nodes.get(t.NodeID) ?? t.NodeID) : '',
    desiredState: t.DesiredState,
    currentState: t.Status.State,
    error: t.Status.Err ?? '',
    ports: (t.Status.PortStatus?.Ports ?? []).map((p) => `*:${p.PublishedPort}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`).join(', '),
  }));
}

export interface StackService {
  id: string;
  name: string;
  mode: string;
  replicas: string;
  image: string;
  ports: string;
}

export async function stackServices(docker: Docker, stack: string): Promise<StackService[]> {
  const list = (await docker.listServices({ filters: { label: [`${LABEL_NAMESPACE}=${stack}`] }, status: true } as never)) as unknown as Array<{
    ID: string;
    Spec: { Name: string; Mode: Record<string, unknown>; TaskTemplate: { ContainerSpec: { Image: string } } };
    Endpoint?: { Ports?: Array<{ PublishedPort?: number; TargetPort: number; Protocol?: string }> };
    ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
  }>;
  return list
    .map((s) => ({
      id: s.ID,
      name: s.Spec.Name,
      mode: Object.keys(s.Spec.Mode)[0]?.toLowerCase() ?? '',
      replicas: `${s.ServiceStatus?.RunningTasks ?? 0}/${s.ServiceStatus?.DesiredTasks ?? 0}`,
      image: s.Spec.TaskTemplate.ContainerSpec.Image.replace(/@sha256:.*$/, ''),
      ports: (s.Endpoint?.Ports ?? []).map((p) => `*:${p.PublishedPort}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`).join(', '),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
