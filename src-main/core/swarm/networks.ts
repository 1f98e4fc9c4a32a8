// Networks as a manager sees them: create overlay (attachable, encrypted, subnet), ls, inspect, rm.
import type { EngineConnection } from '../engine';
import type { NetworkSummary } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { engineCall, noSuchNetwork, statusOf } from './errors';
import { requireManager } from './swarm';

interface RawNetwork {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Attachable?: boolean;
  Internal?: boolean;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: Array<{ Subnet?: string }> | null };
}

export function toNetworkSummary(n: RawNetwork): NetworkSummary {
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    attachable: Boolean(n.Attachable),
    encrypted: n.Options ? 'encrypted' in n.Options : false,
    internal: Boolean(n.Internal),
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean),
    labels: n.Labels ?? {},
  };
}

export interface OverlayOptions {
  name: string;
  attachable?: boolean;
  encrypted?: boolean;
  internal?: boolean;
  subnet?: string;
  gateway?: string;
  labels?: Record<string, string>;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export async function createOverlay(manager: EngineConnection, o: OverlayOptions): Promise<{ id: string }> {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(o.name)) throw new FlotillaError('BAD_INPUT', `invalid network name "${o.name}": use letters, digits, '_', '.', '-'`);
  if (o.subnet) {
    const m = CIDR.exec(o.subnet);
    if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) throw new FlotillaError('BAD_INPUT', `invalid subnet "${o.subnet}": expected CIDR like 10.10.0.0/24`);
  }
  if (o.gateway && !o.subnet) throw new FlotillaError('BAD_INPUT', '--gateway needs --subnet');
  await requireManager(manager);
  const existing = (await engineCall(() => manager.docker.listNetworks({ filters: { name: [o.name] } }))) as RawNetwork[];
  if (existing.some((n) => n.Name === o.name)) throw new FlotillaError('CONFLICT', `network ${o.name} already exists: choose another name or remove it first`);
  const net = await engineCall(() =>
    manager.docker.createNetwork({
      Name: o.name,
      Driver: 'overlay',
      CheckDuplicate: true,
      Attachable: Boolean(o.attachable),
      Internal: Boolean(o.internal),
      Labels: o.labels ?? {},
      Options: o.encrypted ? { encrypted: '' } : {},
      ...(o.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: o.subnet, ...(o.gateway ? { Gateway: o.gateway } : {}) }] } } : {}),
    }),
  );
  return { id: net.id };
}

export async function listNetworks(manager: EngineConnection): Promise<NetworkSummary[]> {
  const list = (await engineCall(() => manager.docker.listNetworks())) as RawNetwork[];
  return list.map(toNetworkSummary).sort((a, b) => a.name.localeCompare(b.name));
}

export async function inspectNetwork(manager: EngineConnection, ref: string): Promise<Record<string, unknown>> {
  try {
    return (await manager.docker.getNetwork(ref).inspect()) as unknown as Record<string, unknown>;
  } catch (e) {
    if (statusOf(e) === 404) throw noSuchNetwork(ref);
    throw e;
  }
}

export async function removeNetwork(manager: EngineConnection, ref: string): Promise<void> {
  const n = (await inspectNetwork(manager, ref)) as { Id: string; Name: string };
  if (['ingress', 'bridge', 'host', 'none', 'docker_gwbridge'].includes(n.Name)) throw new FlotillaError('PRECONDITION', `network ${n.Name} is one Docker itself needs: it cannot be removed`);
  await engineCall(() => manager.docker.getNetwork(n.Id).remove(), { kind: 'network', ref });
}
