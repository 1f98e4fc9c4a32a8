// Swarm membership of one engine: info, init, join, leave, join tokens, settings.
import type { EngineConnection } from '../engine';
import type { SwarmInfo } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import { advertiseAddrFor } from './address';
import { engineCall, engineMessage, wrapEngineError } from './errors';
import { parseDuration } from './duration';
import { rawGet } from './raw';

interface InfoSwarm {
  LocalNodeState?: string;
  NodeID?: string;
  NodeAddr?: string;
  ControlAvailable?: boolean;
  Managers?: number;
  Nodes?: number;
  Cluster?: { ID?: string; Spec?: { Orchestration?: { TaskHistoryRetentionLimit?: number }; CAConfig?: { NodeCertExpiry?: number }; EncryptionConfig?: { AutoLockManagers?: boolean } } };
}

export async function rawSwarmInfo(conn: EngineConnection): Promise<InfoSwarm> {
  const info = (await engineCall(() => conn.docker.info())) as { Swarm?: InfoSwarm };
  return info.Swarm ?? {};
}

export async function swarmInfo(conn: EngineConnection): Promise<SwarmInfo> {
  const s = await rawSwarmInfo(conn);
  const spec = s.Cluster?.Spec;
  return {
    state: s.LocalNodeState || 'inactive',
    ...(s.NodeID ? { nodeId: s.NodeID } : {}),
    isManager: Boolean(s.ControlAvailable),
    ...(s.Cluster?.ID ? { clusterId: s.Cluster.ID } : {}),
    ...(s.Managers !== undefined && s.ControlAvailable ? { managers: s.Managers, nodes: s.Nodes } : {}),
    ...(spec?.Orchestration?.TaskHistoryRetentionLimit !== undefined ? { taskHistoryLimit: spec.Orchestration.TaskHistoryRetentionLimit } : {}),
    ...(spec?.CAConfig?.NodeCertExpiry !== undefined ? { certExpiryNs: spec.CAConfig.NodeCertExpiry } : {}),
    ...(spec ? { autolock: Boolean(spec.EncryptionConfig?.AutoLockManagers) } : {}),
  };
}

/** Throws the plain-words error unless the engine is an active manager. */
export async function requireManager(conn: EngineConnection, name = conn.url): Promise<InfoSwarm> {
  const s = await rawSwarmInfo(conn);
  if (s.LocalNodeState !== 'active') throw new FlotillaError('PRECONDITION', `engine ${name} is not part of a swarm: run \`flotilla swarm init\` or \`flotilla swarm join\` first`);
  if (!s.ControlAvailable) throw new FlotillaError('PRECONDITION', `node ${name} is not a swarm manager: promote it or connect to a manager`);
  return s;
}

export async function swarmInit(conn: EngineConnection, opts: { advertiseAddr?: string } = {}): Promise<{ nodeId: string; advertiseAddr?: string }> {
  const s = await rawSwarmInfo(conn);
  if (s.LocalNodeState && s.LocalNodeState !== 'inactive') throw new FlotillaError('CONFLICT', `engine ${conn.url} is already part of a swarm: run \`flotilla swarm leave\` on it first`);
  const addr = advertiseAddrFor(conn, opts.advertiseAddr, []);
  try {
    await conn.docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: addr ?? '' });
  } catch (e) {
    const msg = engineMessage(e);
    if (/could not choose an IP address|multiple addresses/i.test(msg)) throw new FlotillaError('BAD_INPUT', `cannot choose the address to advertise (${msg}): give one with --advertise-addr`);
    throw wrapEngineError(e);
  }
  const after = await rawSwarmInfo(conn);
  return { nodeId: after.NodeID ?? '', ...(after.NodeAddr ? { advertiseAddr: after.NodeAddr } : {}) };
}

/** Joins `conn` to the swarm that `manager` manages, with a token fetched from it (never logged). */
export async function swarmJoin(conn: EngineConnection, manager: EngineConnection, role: 'worker' | 'manager', opts: { advertiseAddr?: string } = {}): Promise<{ nodeId: string }> {
  const m = await requireManager(manager, manager.url);
  const s = await rawSwarmInfo(conn);
  if (s.LocalNodeState === 'active') throw new FlotillaError('CONFLICT', `engine ${conn.url} is already part of a swarm: run \`flotilla swarm leave\` on it first`);
  const tokens = ((await engineCall(() => manager.docker.swarmInspect())) as { JoinTokens: { Worker: string; Manager: string } }).JoinTokens;
  const addr = advertiseAddrFor(conn, opts.advertiseAddr, m.NodeAddr ? [m.NodeAddr] : []);
  try {
    await conn.docker.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: addr ?? '', RemoteAddrs: [`${m.NodeAddr}:2377`], JoinToken: role === 'manager' ? tokens.Manager : tokens.Worker });
  } catch (e) {
    throw new FlotillaError('ENGINE', `could not join the swarm: ${engineMessage(e).replace(/SWMTKN-[\w-]+/g, '<token>')}`);
  }
  const after = await rawSwarmInfo(conn);
  return { nodeId: after.NodeID ?? '' };
}

export async function swarmLeave(conn: EngineConnection, opts: { force?: boolean } = {}): Promise<void> {
  const s = await rawSwarmInfo(conn);
  if (!s.LocalNodeState || s.LocalNodeState === 'inactive') throw new FlotillaError('PRECONDITION', `engine ${conn.url} is not part of a swarm: nothing to leave`);
  if (s.ControlAvailable && !opts.force) {
    const managers = s.Managers ?? 1;
    if (managers <= 1) throw new FlotillaError('PRECONDITION', `this engine is the last manager: leaving destroys the swarm and its state; pass --force if you mean it`);
    throw new FlotillaError('PRECONDITION', `this engine is a manager: demote it first (\`flotilla node demote\`) so raft keeps its quorum, or pass --force`);
  }
  await engineCall(() => conn.docker.swarmLeave({ force: Boolean(opts.force) }));
}

export async function joinToken(manager: EngineConnection, role: 'worker' | 'manager', rotate = false): Promise<{ token: string; managerAddr: string }> {
  const m = await requireManager(manager);
  if (rotate) {
    const cur = (await engineCall(() => manager.docker.swarmInspect())) as { Version: { Index: number }; Spec: Record<string, unknown> };
    await engineCall(() =>
      manager.docker.swarmUpdate({ _query: { version: cur.Version.Index, [role === 'manager' ? 'rotateManagerToken' : 'rotateWorkerToken']: true }, _body: cur.Spec }),
    );
  }
  const t = ((await engineCall(() => manager.docker.swarmInspect())) as { JoinTokens: { Worker: string; Manager: string } }).JoinTokens;
  return { token: role === 'manager' ? t.Manager : t.Worker, managerAddr: `${m.NodeAddr}:2377` };
}

export interface SwarmUpdate {
  taskHistoryLimit?: number;
  certExpiry?: string;
  autolock?: boolean;
}

/** Updates swarm settings; returns the unlock key when autolock was just turned on. */
export async function swarmUpdate(manager: EngineConnection, u: SwarmUpdate): Promise<{ unlockKey?: string }> {
  await requireManager(manager);
  const cur = (await engineCall(() => manager.docker.swarmInspect())) as {
    Version: { Index: number };
    Spec: { Orchestration?: { TaskHistoryRetentionLimit?: number }; CAConfig?: { NodeCertExpiry?: number }; EncryptionConfig?: { AutoLockManagers?: boolean } } & Record<string, unknown>;
  };
  const spec = structuredClone(cur.Spec);
  if (u.taskHistoryLimit !== undefined) spec.Orchestration = { ...(spec.Orchestration ?? {}), TaskHistoryRetentionLimit: u.taskHistoryLimit };
  if (u.certExpiry) spec.CAConfig = { ...(spec.CAConfig ?? {}), NodeCertExpiry: parseDuration(u.certExpiry, '--cert-expiry') };
  if (u.autolock !== undefined) spec.EncryptionConfig = { ...(spec.EncryptionConfig ?? {}), AutoLockManagers: u.autolock };
  await engineCall(() => manager.docker.swarmUpdate({ _query: { version: cur.Version.Index }, _body: spec }));
  if (u.autolock) {
    const key = await engineCall(() => rawGet<{ UnlockKey?: string }>(manager, '/swarm/unlockkey'));
    return key.UnlockKey ? { unlockKey: key.UnlockKey } : {};
  }
  return {};
}
