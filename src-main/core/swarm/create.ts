// One action that builds a swarm from engines: init on the first manager, join the rest with tokens
// fetched from a manager (never logged), promote where needed. Idempotent: a re-run finishes a partial swarm.
import type { EngineConnection } from '../engine';
import { FlotillaError } from '../../api/errors';
import { advertiseAddrFor, dialledHost } from './address';
import { engineMessage, wrapEngineError } from './errors';

export interface NodeEndpoint {
  /** a display name (machine or host name) used in progress and errors */
  name: string;
  /** opens a connection to the node's engine; createSwarm closes it when done */
  connect(): Promise<EngineConnection>;
  /** the address the node advertises to its peers; chosen automatically when absent */
  advertiseAddr?: string;
}

export type CreateStep = 'connect' | 'init' | 'join' | 'promote' | 'check';

export interface CreateProgress {
  step: CreateStep;
  node: string;
  status: 'start' | 'done' | 'skipped';
  message: string;
}

export interface CreateSwarmOptions {
  managers: NodeEndpoint[];
  workers: NodeEndpoint[];
  onProgress?: (p: CreateProgress) => void;
  signal?: AbortSignal;
}

export interface CreatedNode {
  name: string;
  nodeId: string;
  role: 'manager' | 'worker';
  /** what this run did to the node */
  action: 'init' | 'joined' | 'promoted' | 'unchanged';
  advertiseAddr?: string;
}

export interface CreateSwarmResult {
  clusterId: string;
  /** host:port of the manager others joined through */
  managerAddr: string;
  nodes: CreatedNode[];
}

interface SwarmInfo {
  LocalNodeState?: string;
  NodeID?: string;
  NodeAddr?: string;
  ControlAvailable?: boolean;
  Cluster?: { ID?: string };
  RemoteManagers?: Array<{ NodeID: string; Addr: string }> | null;
}

async function swarmInfo(conn: EngineConnection): Promise<SwarmInfo> {
  const info = (await conn.docker.info()) as { Swarm?: SwarmInfo };
  return info.Swarm ?? {};
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FlotillaError('CANCELLED', 'swarm creation was cancelled');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the engine reports an active swarm state (joins finish asynchronously). */
async function waitActive(conn: EngineConnection, name: string, signal?: AbortSignal, timeoutMs = 60_000): Promise<SwarmInfo> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    checkAbort(signal);
    const s = await swarmInfo(conn);
    if (s.LocalNodeState === 'active' && s.NodeID) return s;
    if (s.LocalNodeState === 'error') throw new FlotillaError('ENGINE', `node ${name} failed to join the swarm: check that it reaches the manager on TCP 2377`);
    if (Date.now() > end) throw new FlotillaError('TIMEOUT', `node ${name} did not become an active swarm member within ${timeoutMs / 1000} s (state: ${s.LocalNodeState})`);
    await sleep(500);
  }
}

export async function createSwarm(opts: CreateSwarmOptions): Promise<CreateSwarmResult> {
  const { managers, workers, signal } = opts;
  const report = (p: CreateProgress): void => opts.onProgress?.(p);
  if (managers.length === 0) throw new FlotillaError('BAD_INPUT', 'a swarm needs at least one manager: pass --manager URL');
  const all = [...managers.map((e) => ({ e, role: 'manager' as const })), ...workers.map((e) => ({ e, role: 'worker' as const }))];
  const names = new Set<string>();
  for (const { e } of all) {
    if (names.has(e.name)) throw new FlotillaError('BAD_INPUT', `node ${e.name} is listed twice: list each engine once`);
    names.add(e.name);
  }

  const conns: EngineConnection[] = [];
  try {
    // 1. connect to every engine first, so an unreachable one fails before anything changes
    const nodes: Array<{ e: NodeEndpoint; role: 'manager' | 'worker'; conn: EngineConnection; info: SwarmInfo }> = [];
    for (const { e, role } of all) {
      checkAbort(signal);
      report({ step: 'connect', node: e.name, status: 'start', message: `connecting to ${e.name}` });
      let conn: EngineConnection;
      try {
        conn = await e.connect();
      } catch (err) {
        throw new FlotillaError('UNREACHABLE', `cannot reach the engine of ${e.name}: ${engineMessage(err)}`, { cause: err });
      }
      conns.push(conn);
      const info = await swarmInfo(conn).catch((err) => {
        throw new FlotillaError('UNREACHABLE', `cannot reach the engine of ${e.name}: ${engineMessage(err)}`, { cause: err });
      });
      nodes.push({ e, role, conn, info });
      report({ step: 'connect', node: e.name, status: 'done', message: `${e.name}: swarm state ${info.LocalNodeState || 'inactive'}` });
    }
    const peerAddrs = nodes.map((n) => n.e.advertiseAddr ?? dialledHost(n.conn)).filter((a): a is string => Boolean(a));

    // 2. the anchor: a listed manager that already manages a swarm (re-run), else init on the first manager
    const result: CreatedNode[] = [];
    let anchor = nodes.find((n) => n.role === 'manager' && n.info.LocalNodeState === 'active' && n.info.ControlAvailable);
    if (!anchor) {
      const first = nodes[0];
      if (first.info.LocalNodeState === 'active') throw new FlotillaError('CONFLICT', `node ${first.e.name} is a worker in another swarm: run \`flotilla swarm leave\` on it, or list a manager of that swarm first`);
      if (first.info.LocalNodeState === 'pending' || first.info.LocalNodeState === 'error' || first.info.LocalNodeState === 'locked') {
        throw new FlotillaError('PRECONDITION', `node ${first.e.name} is in swarm state "${first.info.LocalNodeState}": unlock it or run \`flotilla swarm leave --force\` on it, then re-run`);
      }
      const addr = advertiseAddrFor(first.conn, first.e.advertiseAddr, peerAddrs.filter((a) => a !== first.e.advertiseAddr));
      report({ step: 'init', node: first.e.name, status: 'start', message: `initialising the swarm on ${first.e.name}${addr ? ` (advertise ${addr})` : ''}` });
      try {
        await first.conn.docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: addr ?? '', ForceNewCluster: false });
      } catch (err) {
        const msg = engineMessage(err);
        if (/could not choose an IP address|multiple addresses/i.test(msg))
          throw new FlotillaError('BAD_INPUT', `cannot choose the address ${first.e.name} advertises to its peers (${msg}): give one with --advertise-addr`);
        throw wrapEngineError(err);
      }
      first.info = await waitActive(first.conn, first.e.name, signal);
      anchor = first;
      result.push({ name: first.e.name, nodeId: first.info.NodeID ?? '', role: 'manager', action: 'init', advertiseAddr: first.info.NodeAddr });
      report({ step: 'init', node: first.e.name, status: 'done', message: `swarm initialised on ${first.e.name}` });
    } else {
      result.push({ name: anchor.e.name, nodeId: anchor.info.NodeID ?? '', role: 'manager', action: 'unchanged', advertiseAddr: anchor.info.NodeAddr });
      report({ step: 'init', node: anchor.e.name, status: 'skipped', message: `${anchor.e.name} already manages swarm ${anchor.info.Cluster?.ID?.slice(0, 12)}` });
    }
    const clusterId = anchor.info.Cluster?.ID ?? '';
    const managerAddr = `${anchor.info.NodeAddr}:2377`;

    // tokens stay in this scope: never logged, never returned
    const inspect = (await anchor.conn.docker.swarmInspect()) as { JoinTokens: { Worker: string; Manager: string } };
    const tokens = inspect.JoinTokens;

    // 3. every other node: join, or promote, or leave as is
    for (const n of nodes) {
      if (n === anchor) continue;
      checkAbort(signal);
      const state = n.info.LocalNodeState || 'inactive';
      if (state === 'active') {
        if (n.info.Cluster?.ID && n.info.Cluster.ID !== clusterId) {
          // a worker's info does not carry the cluster ID; compare through the manager's node list instead
          throw new FlotillaError('CONFLICT', `node ${n.e.name} belongs to another swarm: run \`flotilla swarm leave\` on it, then re-run`);
        }
        const nodeId = n.info.NodeID ?? '';
        const known = await anchor.conn.docker.getNode(nodeId).inspect().catch(() => undefined);
        if (!known) throw new FlotillaError('CONFLICT', `node ${n.e.name} belongs to another swarm: run \`flotilla swarm leave\` on it, then re-run`);
        const isManager = Boolean((known as { ManagerStatus?: unknown }).ManagerStatus) || (known as { Spec?: { Role?: string } }).Spec?.Role === 'manager';
        if (n.role === 'manager' && !isManager) {
          report({ step: 'promote', node: n.e.name, status: 'start', message: `promoting ${n.e.name} to manager` });
          const k = known as { Version: { Index: number }; Spec: Record<string, unknown> };
          await anchor.conn.docker
            .getNode(nodeId)
            .update({ _query: { version: k.Version.Index }, _body: { ...k.Spec, Role: 'manager' } })
            .catch((err: unknown) => {
              throw wrapEngineError(err, { kind: 'node', ref: n.e.name });
            });
          result.push({ name: n.e.name, nodeId, role: 'manager', action: 'promoted', advertiseAddr: n.info.NodeAddr });
          report({ step: 'promote', node: n.e.name, status: 'done', message: `${n.e.name} is now a manager` });
        } else {
          result.push({ name: n.e.name, nodeId, role: isManager ? 'manager' : 'worker', action: 'unchanged', advertiseAddr: n.info.NodeAddr });
          const note = n.role === 'worker' && isManager ? ' (it is a manager; demote it by hand if you want a worker)' : '';
          report({ step: 'join', node: n.e.name, status: 'skipped', message: `${n.e.name} is already in the swarm${note}` });
        }
        continue;
      }
      if (state === 'pending' || state === 'error') {
        // a join that never finished: start over on this node
        await n.conn.docker.swarmLeave({ force: true }).catch(() => undefined);
      } else if (state === 'locked') {
        throw new FlotillaError('PRECONDITION', `node ${n.e.name} is locked: unlock it with its unlock key, then re-run`);
      }
      const addr = advertiseAddrFor(n.conn, n.e.advertiseAddr, [anchor.info.NodeAddr ?? '']);
      report({ step: 'join', node: n.e.name, status: 'start', message: `joining ${n.e.name} as ${n.role} through ${managerAddr}` });
      try {
        await n.conn.docker.swarmJoin({
          ListenAddr: '0.0.0.0:2377',
          AdvertiseAddr: addr ?? '',
          RemoteAddrs: [managerAddr],
          JoinToken: n.role === 'manager' ? tokens.Manager : tokens.Worker,
        });
      } catch (err) {
        const msg = engineMessage(err);
        if (!/already part of a swarm/i.test(msg)) throw new FlotillaError('ENGINE', `node ${n.e.name} could not join the swarm: ${msg.replace(/SWMTKN-[\w-]+/g, '<token>')}`);
      }
      const s = await waitActive(n.conn, n.e.name, signal);
      result.push({ name: n.e.name, nodeId: s.NodeID ?? '', role: n.role, action: 'joined', advertiseAddr: s.NodeAddr });
      report({ step: 'join', node: n.e.name, status: 'done', message: `${n.e.name} joined as ${n.role}` });
    }
    return { clusterId, managerAddr, nodes: result };
  } finally {
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  }
}
