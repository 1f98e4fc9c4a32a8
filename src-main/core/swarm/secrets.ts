// Swarm secrets: create (text or file contents), ls, inspect (never the content), rm.
import type { EngineConnection } from '../engine';
import type { SecretSummary } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { engineCall, noSuchSecret, statusOf } from './errors';
import { requireManager } from './swarm';

interface RawSecret {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels?: Record<string, string>; Driver?: { Name?: string } | null; Data?: string };
}

export function toSecretSummary(s: RawSecret): SecretSummary {
  return { id: s.ID, name: s.Spec.Name, createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, labels: s.Spec.Labels ?? {}, ...(s.Spec.Driver?.Name ? { driver: s.Spec.Driver.Name } : {}) };
}

function checkName(name: string, kind: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(name)) throw new FlotillaError('BAD_INPUT', `invalid ${kind} name "${name}": use up to 64 letters, digits, '_', '.', '-'`);
}

export async function createSecret(manager: EngineConnection, name: string, data: Buffer | string, labels: Record<string, string> = {}): Promise<{ id: string }> {
  checkName(name, 'secret');
  await requireManager(manager);
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  if (buf.length === 0) throw new FlotillaError('BAD_INPUT', `secret ${name} is empty: give its content as text or a file`);
  if (buf.length > 500 * 1024) throw new FlotillaError('BAD_INPUT', `secret ${name} is ${buf.length} bytes: swarm secrets hold at most 500 KB`);
  const existing = (await engineCall(() => manager.docker.listSecrets({ filters: { name: [name] } }))) as RawSecret[];
  if (existing.some((s) => s.Spec.Name === name)) throw new FlotillaError('CONFLICT', `secret ${name} already exists: secrets cannot change; create one under a new name and update the services`);
  const res = (await engineCall(() => manager.docker.createSecret({ Name: name, Labels: labels, Data: buf.toString('base64') }))) as { id?: string; ID?: string };
  return { id: res.id ?? res.ID ?? '' };
}

export async function listSecrets(manager: EngineConnection): Promise<SecretSummary[]> {
  await requireManager(manager);
  const list = (await engineCall(() => manager.docker.listSecrets())) as RawSecret[];
  return list.map(toSecretSummary).sort((a, b) => a.name.localeCompare(b.name));
}

async function resolveSecret(manager: EngineConnection, ref: string): Promise<RawSecret> {
  await requireManager(manager);
  try {
    return (await manager.docker.getSecret(ref).inspect()) as RawSecret;
  } catch (e) {
    if (statusOf(e) === 404) throw noSuchSecret(ref);
    throw e;
  }
}

/** Never returns the content (the engine does not either; Data is dropped anyway). */
export async function inspectSecret(manager: EngineConnection, ref: string): Promise<SecretSummary> {
  return toSecretSummary(await resolveSecret(manager, ref));
}

export async function removeSecret(manager: EngineConnection, ref: string): Promise<void> {
  const s = await resolveSecret(manager, ref);
  await engineCall(() => manager.docker.getSecret(s.ID).remove(), { kind: 'secret', ref });
}
