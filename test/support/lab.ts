// What integration tests use to reach the lab that test/support/lab-global-setup.ts started.
// The docker CLI inside the nodes (`docker exec NODE docker ...`) is the oracle for what their engines hold.
import path from 'node:path';
import { describe, inject } from 'vitest';
import type { LabNode } from '../../src-main/api/domains/lab';
import { run, sleep } from '../../src-main/core/lab/exec';
import { withFileLock } from '../../src-main/core/filelock';
import { labCacheDir } from '../../src-main/core/lab';
import './lab-global-setup';

export type { LabNode };
export const LAB_BUSYBOX = 'flotilla-lab/busybox:latest';
export const labRequired = process.env.FLOTILLA_REQUIRE_LAB === '1';

function provided(): { nodes: LabNode[]; error: string } {
  // inject() is undefined outside the integration project (no globalSetup ran)
  const nodes = (inject('lab') as LabNode[] | undefined) ?? [];
  const error = (inject('labError') as string | undefined) ?? (nodes.length ? '' : 'no lab: run lab tests through the integration project (npx vitest run --project integration FILE)');
  return { nodes, error };
}

/** True when the lab is up for this run. */
export function labAvailable(): boolean {
  return provided().nodes.length > 0;
}

/** Why the lab is not available ('' when it is). */
export function labError(): string {
  return provided().error;
}

/** The lab's nodes (node 1 first); throws with the reason when there is no lab. */
export function labNodes(): LabNode[] {
  const { nodes, error } = provided();
  if (!nodes.length) throw new Error(`the lab is not running: ${error}`);
  return nodes;
}

/** The lab's name (FLOTILLA_LAB_NAME, default flab). */
export function labName(): string {
  return (inject('labName') as string | undefined) ?? process.env.FLOTILLA_LAB_NAME ?? 'flab';
}

/** describe() for tests that need the lab: skipped with the reason only when there is no lab and it is not required. */
export function describeLab(name: string, fn: () => void): void {
  if (!labAvailable() && !labRequired) describe.skip(`${name} (skipped: ${labError()})`, fn);
  else describe(name, fn);
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

type NodeRef = string | LabNode;
const nameOf = (n: NodeRef) => (typeof n === 'string' ? n : n.name);

/** Runs a command inside a lab node (`docker exec [-i] NODE args...`). Never throws for a non-zero exit. */
export function nodeExec(node: NodeRef, args: string[], opts: { input?: string | Uint8Array; timeoutMs?: number } = {}): Promise<ExecResult> {
  const i = opts.input !== undefined ? ['-i'] : [];
  return run('docker', ['exec', ...i, nameOf(node), ...args], { input: opts.input, timeoutMs: opts.timeoutMs ?? 120_000 });
}

/** The docker CLI inside a lab node: `nodeDocker('flab-n1', ['node', 'ls'])`. Never throws for a non-zero exit. */
export function nodeDocker(node: NodeRef, args: string[], opts: { input?: string | Uint8Array; timeoutMs?: number } = {}): Promise<ExecResult> {
  return nodeExec(node, ['docker', ...args], opts);
}

/** Like nodeDocker, but a non-zero exit throws (with stderr); returns stdout. */
export async function nodeDockerOk(node: NodeRef, args: string[], opts: { input?: string | Uint8Array; timeoutMs?: number } = {}): Promise<string> {
  const r = await nodeDocker(node, args, opts);
  if (r.code !== 0) throw new Error(`docker ${args[0]} ${args[1] ?? ''} on ${nameOf(node)} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/**
 * Polls fn until it returns a truthy value (a throw counts as "not yet"), every everyMs; after timeoutMs throws
 * `timed out waiting for WHAT`. For waiting on the engines' state with a deadline instead of fixed sleeps.
 */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000, everyMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface NodeSwarmState {
  /** inactive | pending | active | error | locked */
  state: string;
  nodeId: string;
  nodeAddr: string;
  isManager: boolean;
  /** only managers know it */
  clusterId: string;
  error: string;
}

/** A node's swarm state as its own engine reports it (`docker info`). */
export async function nodeSwarmState(node: NodeRef): Promise<NodeSwarmState> {
  const out = await nodeDockerOk(node, ['info', '--format', '{{json .Swarm}}']);
  const s = JSON.parse(out) as { LocalNodeState?: string; NodeID?: string; NodeAddr?: string; ControlAvailable?: boolean; Error?: string; Cluster?: { ID?: string } | null };
  return { state: s.LocalNodeState ?? 'inactive', nodeId: s.NodeID ?? '', nodeAddr: s.NodeAddr ?? '', isManager: !!s.ControlAvailable, clusterId: s.Cluster?.ID ?? '', error: s.Error ?? '' };
}

export interface LabSwarm {
  manager: LabNode;
  workers: LabNode[];
  clusterId: string;
  /** swarm node ID of every lab node, by node name */
  nodeIds: Record<string, string>;
}

interface SwarmNodeRow {
  ID: string;
  Hostname: string;
  Status: string;
  Availability: string;
  ManagerStatus: string;
}

async function swarmNodes(manager: LabNode): Promise<SwarmNodeRow[]> {
  const out = await nodeDockerOk(manager, ['node', 'ls', '--format', '{{json .}}'], { timeoutMs: 60_000 });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SwarmNodeRow);
}

async function leave(node: LabNode): Promise<void> {
  // "context deadline exceeded": the managers could not commit in time (raft still settling); retry
  const deadline = Date.now() + 90_000;
  for (;;) {
    const r = await nodeDocker(node, ['swarm', 'leave', '--force'], { timeoutMs: 120_000 });
    if (r.code === 0 || /not part of a swarm/i.test(r.stderr)) return;
    if (!/deadline exceeded/i.test(r.stderr) || Date.now() > deadline) throw new Error(`docker swarm leave --force on ${node.name} failed: ${r.stderr.trim()}`);
    await sleep(2000);
  }
}

/** Waits until the managers report a (just promoted) node reachable: until then raft cannot commit. */
export async function waitReachable(manager: LabNode, nodeId: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const r = await nodeDocker(manager, ['node', 'inspect', nodeId, '--format', '{{.ManagerStatus.Reachability}}']);
    if (r.stdout.trim() === 'reachable') return;
    if (Date.now() > deadline) throw new Error(`node ${nodeId} was promoted but is not reachable after 90 s (docker node ls on ${manager.name})`);
    await sleep(1000);
  }
}

/**
 * Demotes a node, retrying while raft is still settling: right after a promotion the manager answers
 * "update out of sequence" (a concurrent node update) or "context deadline exceeded" (the new member
 * has not caught up yet) for a few seconds; both clear by themselves.
 */
async function demote(manager: LabNode, nodeId: string, name: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const r = await nodeDocker(manager, ['node', 'demote', nodeId], { timeoutMs: 60_000 });
    if (r.code === 0) return;
    if (!/out of sequence|deadline exceeded|rpc error/i.test(r.stderr) || Date.now() > deadline)
      throw new Error(`docker node demote ${name} on ${manager.name} failed (exit ${r.code}): ${r.stderr.trim()}`);
    await sleep(2000);
  }
}

/**
 * Makes the lab one healthy swarm, whatever state earlier tests left it in: node 1 is the manager (advertising
 * its lab IP), the others are workers of that swarm; nodes in another or a broken swarm are reset, stale
 * (Down) node entries removed, drained nodes made active again. Idempotent and quick when all is well.
 */
export async function ensureLabSwarm(nodes: LabNode[] = labNodes()): Promise<LabSwarm> {
  const [manager, ...workers] = nodes;
  return withFileLock(path.join(labCacheDir(), 'locks', `swarm-${manager.name}.lock`), async () => {
    // 1. the manager: an active manager advertising its lab address whose cluster answers (has quorum)
    let m = await nodeSwarmState(manager);
    const healthy = m.state === 'active' && m.isManager && m.nodeAddr === manager.ip && (await nodeDocker(manager, ['node', 'ls', '-q'], { timeoutMs: 60_000 })).code === 0;
    if (!healthy) {
      if (m.state !== 'inactive') await leave(manager);
      await nodeDockerOk(manager, ['swarm', 'init', '--advertise-addr', manager.ip, '--listen-addr', `${manager.ip}:2377`], { timeoutMs: 120_000 });
      m = await nodeSwarmState(manager);
    }
    // 2. the workers: members of this swarm, not managers
    let members = await swarmNodes(manager);
    const token = (await nodeDockerOk(manager, ['swarm', 'join-token', '-q', 'worker'])).trim();
    for (const w of workers) {
      const s = await nodeSwarmState(w);
      const row = members.find((r) => r.ID === s.nodeId);
      if (s.state === 'active' && row) {
        if (s.isManager || row.ManagerStatus) await demote(manager, s.nodeId, w.name);
        continue;
      }
      if (s.state !== 'inactive') await leave(w);
      const r = await nodeDocker(w, ['swarm', 'join', '--token', token, '--advertise-addr', w.ip, `${manager.ip}:2377`], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`${w.name} could not join the lab swarm at ${manager.ip}:2377: ${r.stderr.trim().replaceAll(token, '<token>')}`);
    }
    // 3. every lab node Ready and Active; stale entries (nodes that left) removed
    const ids: Record<string, string> = {};
    for (const n of nodes) ids[n.name] = (await nodeSwarmState(n)).nodeId;
    const wanted = new Set(Object.values(ids));
    const deadline = Date.now() + 90_000;
    for (;;) {
      members = await swarmNodes(manager);
      // entries left by lab nodes that rejoined under a new ID (or any node that is Down) are stale
      const stale = members.filter((r) => !wanted.has(r.ID) && (r.Status === 'Down' || nodes.some((n) => n.name === r.Hostname)));
      for (const r of stale) await nodeDocker(manager, ['node', 'rm', '--force', r.ID]);
      for (const r of members) if (wanted.has(r.ID) && r.Availability !== 'Active') await nodeDockerOk(manager, ['node', 'update', '--availability', 'active', r.ID]);
      const notReady = nodes.filter((n) => members.find((r) => r.ID === ids[n.name])?.Status !== 'Ready');
      if (!notReady.length && !stale.length) break;
      if (Date.now() > deadline) throw new Error(`lab swarm: ${notReady.map((n) => n.name).join(', ')} not Ready after 90 s (docker node ls on ${manager.name})`);
      await sleep(1000);
    }
    return { manager, workers, clusterId: m.clusterId, nodeIds: ids };
  });
}

/** Returns every lab node to "no swarm" (workers first, then the manager). */
export async function leaveLabSwarm(nodes: LabNode[] = labNodes()): Promise<void> {
  const [manager, ...workers] = nodes;
  await withFileLock(path.join(labCacheDir(), 'locks', `swarm-${manager.name}.lock`), async () => {
    for (const n of [...workers, manager]) {
      const s = await nodeSwarmState(n);
      if (s.state !== 'inactive') await leave(n);
    }
  });
}
