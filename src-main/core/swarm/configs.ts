// Swarm configs: create (text or file contents), ls, inspect (with content), rm.
import type { EngineConnection } from '../engine';
import type { ConfigSummary } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { engineCall, noSuchConfig, statusOf } from './errors';
import { requireManager } from './swarm';

interface RawConfig {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
}

function toSummary(c: RawConfig, withData: boolean): ConfigSummary {
  return {
    id: c.ID,
    name: c.Spec.Name,
    createdAt: c.CreatedAt,
    updatedAt: c.UpdatedAt,
    labels: c.Spec.Labels ?? {},
    ...(withData && c.Spec.Data !== undefined ? { data: Buffer.from(c.Spec.Data, 'base64').toString('utf8') } : {}),
  };
}

export async function createConfig(manager: EngineConnection, name: string, data: Buffer | string, labels: Record<string, string> = {}): Promise<{ id: string }> {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(name)) throw new FlotillaError('BAD_INPUT', `invalid config name "${name}": use up to 64 letters, digits, '_', '.', '-'`);
  await requireManager(manager);
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  if (buf.length > 1000 * 1024) throw new FlotillaError('BAD_INPUT', `config ${name} is ${buf.length} bytes: swarm configs hold at most 1000 KB`);
  const existing = (await engineCall(() => manager.docker.listConfigs({ filters: { name: [name] } }))) as RawConfig[];
  if (existing.some((c) => c.Spec.Name === name)) throw new FlotillaError('CONFLICT', `config ${name} already exists: configs cannot change; create one under a new name and update the services`);
  const res = (await engineCall(() => manager.docker.createConfig({ Name: name, Labels: labels, Data: buf.toString('base64') }))) as { id?: string; ID?: string };
  return { id: res.id ?? res.ID ?? '' };
}

export async function listConfigs(manager: EngineConnection): Promise<ConfigSummary[]> {
  await requireManager(manager);
  const list = (await engineCall(() => manager.docker.listConfigs())) as RawConfig[];
  return list.map((c) => toSummary(c, false)).sort((a, b) => a.name.localeCompare(b.name));
}

async function resolveConfig(manager: EngineConnection, ref: string): Promise<RawConfig> {
  await requireManager(manager);
  try {
    return (await manager.docker.getConfig(ref).inspect()) as RawConfig;
  } catch (e) {
    if (statusOf(e) === 404) throw noSuchConfig(ref);
    throw e;
  }
}

export async function inspectConfig(manager: EngineConnection, ref: string): Promise<ConfigSummary> {
  return toSummary(await resolveConfig(manager, ref), true);
}

export async function removeConfig(manager: EngineConnection, ref: string): Promise<void> {
  const c = await resolveConfig(manager, ref);
  await engineCall(() => manager.docker.getConfig(c.ID).remove(), { kind: 'config', ref });
}
