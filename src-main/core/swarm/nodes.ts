// Swarm nodes through a manager: list, inspect, availability, role (with quorum arithmetic), labels, remove.
import type { EngineConnection } from '../engine';
import type { Node, QuorumReport } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { engineCall, lastManager, noSuchNode } from './errors';
import { nodeAddr, toNode, type RawNode } from './mappers';
import { quorumReport } from './quorum';
import { requireManager } from './swarm';

export async function rawNodes(manager: EngineConnection): Promise<RawNode[]> {
  await requireManager(manager);
  return (await engineCall(() => manager.docker.listNodes())) as RawNode[];
}

export async function listNodes(manager: EngineConnection): Promise<Node[]> {
  const nodes = (await rawNodes(manager)).map(toNode);
  return nodes.sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** id, hostname, or a unique id prefix -> the node; `no such node: x` otherwise. */
export function findNode(nodes: RawNode[], ref: string): RawNode {
  const exact = nodes.find((n) => n.ID === ref) ?? nodes.filter((n) => n.Description?.Hostname === ref).at(0);
  if (exact) {
    const sameName = nodes.filter((n) => n.Description?.Hostname === ref);
    if (exact.ID !== ref && sameName.length > 1)
      throw new FlotillaError('BAD_INPUT', `${sameName.length} nodes are named ${ref} (a stale entry after a re-join?): use the node ID, one of ${sameName.map((n) => n.ID.slice(0, 12)).join(', ')}`);
    return exact;
  }
  const pre = nodes.filter((n) => n.ID.startsWith(ref));
  if (pre.length === 1) return pre[0];
  if (pre.length > 1) throw new FlotillaError('BAD_INPUT', `node ID prefix ${ref} is ambiguous: give more characters`);
  throw noSuchNode(ref);
}

export async function resolveNode(manager: EngineConnection, ref: string): Promise<RawNode> {
  return findNode(await rawNodes(manager), ref);
}

export async function inspectNode(manager: EngineConnection, ref: string): Promise<RawNode> {
  return resolveNode(manager, ref);
}

/**
 * Updates a node's spec at the version we read. When someone else updated the node in between (the CLI,
 * another window, the swarm itself right after a promotion), the engine answers "update out of sequence":
 * read the node again and apply the same change to the fresh spec, a few times.
 */
async function updateNode(manager: EngineConnection, n: RawNode, change: (spec: NonNullable<RawNode['Spec']>) => void): Promise<Node> {
  let current = n;
  for (let attempt = 1; ; attempt++) {
    const spec = structuredClone(current.Spec ?? {});
    change(spec);
    try {
      const node = current;
      await engineCall(() => manager.docker.getNode(node.ID).update({ _query: { version: node.Version?.Index ?? 0 }, _body: spec }), { kind: 'node', ref: node.Description?.Hostname ?? node.ID });
      break;
    } catch (e) {
      // "context deadline exceeded": raft could not commit in time (a new manager still catching up);
      // the change may or may not have landed, so read again and re-apply (the change is idempotent)
      if (attempt >= 8 || !/out of sequence|deadline exceeded/i.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 500 * attempt));
      current = (await engineCall(() => manager.docker.getNode(n.ID).inspect(), { kind: 'node', ref: n.Description?.Hostname ?? n.ID })) as RawNode;
    }
  }
  return toNode((await engineCall(() => manager.docker.getNode(n.ID).inspect())) as RawNode);
}

export async function setAvailability(manager: EngineConnection, ref: string, availability: 'active' | 'pause' | 'drain'): Promise<Node> {
  const n = await resolveNode(manager, ref);
  return updateNode(manager, n, (s) => {
    s.Availability = availability;
  });
}

/** The raft arithmetic for changing `ref` to `role`, and whether the change is refused. */
export async function roleChangeReport(manager: EngineConnection, ref: string, role: 'manager' | 'worker'): Promise<{ node: RawNode; report: QuorumReport; refuse?: string }> {
  const nodes = await rawNodes(manager);
  const n = findNode(nodes, ref);
  const managers = nodes.filter((x) => x.Spec?.Role === 'manager');
  const reachable = managers.filter((x) => x.ManagerStatus?.Reachability === 'reachable').length;
  const isManager = n.Spec?.Role === 'manager';
  const change: -1 | 0 | 1 = role === 'manager' ? (isManager ? 0 : 1) : isManager ? -1 : 0;
  const report = quorumReport(managers.length, reachable, change, n.ManagerStatus?.Reachability === 'reachable');
  const name = n.Description?.Hostname ?? n.ID;
  if (change === -1 && managers.length <= 1) return { node: n, report, refuse: lastManager(name).message };
  return { node: n, report };
}

/**
 * A promoted node counts toward quorum at once, but votes only once it has caught up with the raft log:
 * until then a two-manager swarm cannot commit anything. Wait (up to 90 s) until the managers report the
 * new one reachable, so the next change is not refused with "context deadline exceeded".
 */
async function waitReachable(manager: EngineConnection, id: string, last: Node): Promise<Node> {
  const deadline = Date.now() + 90_000;
  let n = last;
  while (Date.now() < deadline) {
    const raw = (await engineCall(() => manager.docker.getNode(id).inspect()).catch(() => undefined)) as RawNode | undefined;
    if (raw) {
      n = toNode(raw);
      if (raw.ManagerStatus?.Reachability === 'reachable') return n;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return n; // still catching up: the node view says so (reachability), and the next change retries
}

export async function setRole(manager: EngineConnection, ref: string, role: 'manager' | 'worker'): Promise<{ node: Node; quorum: QuorumReport }> {
  const { node, report, refuse } = await roleChangeReport(manager, ref, role);
  if (refuse) throw new FlotillaError('PRECONDITION', refuse);
  if ((node.Spec?.Role ?? 'worker') === role) return { node: toNode(node), quorum: report };
  let updated = await updateNode(manager, node, (s) => {
    s.Role = role;
  });
  if (role === 'manager') updated = await waitReachable(manager, node.ID, updated);
  return { node: updated, quorum: report };
}

export async function labelNode(manager: EngineConnection, ref: string, add: Record<string, string> = {}, remove: string[] = []): Promise<Node> {
  const n = await resolveNode(manager, ref);
  for (const k of remove) if (!(k in (n.Spec?.Labels ?? {}))) throw new FlotillaError('NOT_FOUND', `node ${n.Description?.Hostname ?? ref} has no label ${k}`);
  return updateNode(manager, n, (s) => {
    const labels = { ...(s.Labels ?? {}) };
    for (const k of remove) delete labels[k];
    Object.assign(labels, add);
    s.Labels = labels;
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Removes a node. A down node is removed directly. An up node goes the guided path: drain it, make its
 * engine leave the swarm (through cluster.connectNode), wait until the managers see it down, then remove.
 * A manager is demoted first (refused for the last one). `force` removes an up node without the guided path.
 */
export async function removeNode(cluster: Cluster, ref: string, opts: { force?: boolean; onStep?: (s: string) => void; timeoutMs?: number } = {}): Promise<{ steps: string[] }> {
  const steps: string[] = [];
  const step = (s: string): void => {
    steps.push(s);
    opts.onStep?.(s);
  };
  const { manager } = cluster;
  let n = await resolveNode(manager, ref);
  const name = n.Description?.Hostname ?? n.ID;
  const info = await requireManager(manager);
  if (n.ID === info.NodeID) throw new FlotillaError('PRECONDITION', `node ${name} is the manager Flotilla is connected through: connect to another manager to remove it`);
  if (n.Spec?.Role === 'manager') {
    const r = await roleChangeReport(manager, n.ID, 'worker');
    if (r.refuse) throw new FlotillaError('PRECONDITION', r.refuse);
    await setRole(manager, n.ID, 'worker');
    step(`demoted ${name} (${r.report.arithmetic})`);
    n = await resolveNode(manager, n.ID);
  }
  if (n.Status?.State !== 'down' && !opts.force) {
    await setAvailability(manager, n.ID, 'drain');
    step(`drained ${name}`);
    const conn = await cluster.connectNode({ id: n.ID, hostname: name, addr: nodeAddr(n) }).catch((e: unknown) => {
      throw new FlotillaError('UNREACHABLE', `node ${name} is up but its engine cannot be reached (${(e as Error).message}): make it leave by hand, or pass --force`);
    });
    await engineCall(() => conn.docker.swarmLeave({ force: false }));
    step(`${name} left the swarm`);
    const end = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      n = await resolveNode(manager, n.ID);
      if (n.Status?.State === 'down') break;
      if (Date.now() > end) throw new FlotillaError('TIMEOUT', `the managers still see ${name} up after it left: retry \`node rm\` in a moment`);
      await sleep(500);
    }
  }
  await engineCall(() => manager.docker.getNode(n.ID).remove({ force: Boolean(opts.force) }), { kind: 'node', ref: name });
  step(`removed ${name}`);
  return { steps };
}
