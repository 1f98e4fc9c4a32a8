// "Why not running" on the lab: one service per reason a task cannot run, explained through the host's dispatcher
// (what the window's panel calls) and the `flotilla service explain` CLI; each checked against what the engine says,
// `docker service ps --no-trunc` (its Error column) on the manager.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHost, type Host } from '../../src-main/host';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../../src-main/core/engine';
import { ServiceExplanation, TaskExplanation, type ExplainReasonKind } from '../../src-main/api/domains/explain';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';

const CLI = path.resolve(__dirname, '../../bin/flotilla.mjs');
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface PsRow {
  ID: string;
  Name: string;
  Node: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
}

describeLab('why a task is not running, on the lab', () => {
  let host: Host;
  let home: string;
  let nodes: LabNode[];
  let n1: LabNode;
  let engineId: string;
  let manager: EngineConnection;
  const services: string[] = [];
  const run = Date.now().toString(36);
  const svcName = (s: string): string => {
    const name = `fxp-${s}-${run}`;
    services.push(name);
    return name;
  };

  beforeAll(async () => {
    nodes = labNodes();
    n1 = nodes[0];
    await ensureLabSwarm(nodes);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fxp-'));
    host = createHost({ transport: 'in-process', home });
    engineId = `lab:${n1.name}`;
    manager = await connectEngine(parseEngineUrl(`ssh://root@${n1.ip}`, { sshKey: n1.identity }));
  });

  afterAll(async () => {
    if (services.length) await nodeDocker(n1, ['service', 'rm', ...services]);
    // the drain/pause case restores the nodes itself; this is the safety net if it failed half way
    if (nodes) for (const n of nodes) await nodeDocker(n1, ['node', 'update', '--availability', 'active', n.name]);
    await manager?.close();
    await host?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  /** the engine's own view: `docker service ps --no-trunc` rows, Error unquoted as the engine holds it */
  async function oracle(service: string): Promise<PsRow[]> {
    const out = await nodeDockerOk(n1, ['service', 'ps', '--no-trunc', '--format', '{{json .}}', service]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as PsRow)
      .map((r) => ({ ...r, Error: r.Error.replace(/^"(.*)"$/, '$1') }));
  }

  /** waits until the engine reports the pending task's scheduling error, then asks Flotilla */
  async function pendingWithError(service: string, errorPart: string): Promise<{ rows: PsRow[]; e: ServiceExplanation }> {
    const rows = await until(`the engine to report "${errorPart}" for ${service}`, async () => {
      const r = await oracle(service);
      return r.some((x) => x.CurrentState.startsWith('Pending') && x.Error.includes(errorPart)) && r;
    });
    const e = ServiceExplanation.parse(await host.dispatcher.call('swarm.services.explain', { engineId, service }));
    return { rows, e };
  }

  /** the one pending task: its engine error equals the Error column; every node gives `kind` (and nothing else) */
  function expectEveryNode(rows: PsRow[], e: ServiceExplanation, kind: ExplainReasonKind): TaskExplanation {
    const pending = rows.filter((r) => r.CurrentState.startsWith('Pending'));
    expect(pending).toHaveLength(1);
    const t = e.tasks.find((x) => x.taskId === pending[0].ID);
    expect(t, `explanation of task ${pending[0].ID}`).toBeDefined();
    expect(t!.state).toBe('pending');
    expect(t!.engineError).toBe(pending[0].Error);
    expect(t!.history[0]).toMatchObject({ taskId: t!.taskId, state: 'pending', error: pending[0].Error });
    expect(t!.nodes.map((n) => n.hostname).sort()).toEqual(nodes.map((n) => n.name).sort());
    for (const n of t!.nodes) {
      expect(n.schedulable, n.hostname).toBe(false);
      expect(n.reasons.map((r) => r.kind), n.hostname).toEqual([kind]);
    }
    return t!;
  }

  it('a placement constraint that fails is quoted as written on every node; the CLI prints the same', async () => {
    const name = svcName('zone');
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', name, '--constraint', 'node.labels.zone==nowhere', LAB_BUSYBOX, 'sleep', '1d']);
    const { rows, e } = await pendingWithError(name, `scheduling constraints not satisfied on ${nodes.length} nodes`);
    const t = expectEveryNode(rows, e, 'constraint');
    for (const n of t.nodes) expect(n.reasons[0]).toMatchObject({ constraint: 'node.labels.zone==nowhere', text: 'constraint "node.labels.zone==nowhere" fails: node.labels.zone is "" here' });
    expect(e).toMatchObject({ serviceName: name, desired: 1, running: 0 });

    const human = await cli(['-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, 'service', 'explain', name]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`service ${name} (replicated): 0 of 1 running`);
    expect(human.stdout).toContain(`engine error: ${rows[0].Error}`);
    for (const n of nodes) expect(human.stdout).toMatch(new RegExp(`${n.name}\\s+no\\s+constraint "node.labels.zone==nowhere" fails`));
    const json = await cli(['-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, 'service', 'explain', '--task', t.taskId.slice(0, 10), '--json']);
    expect(TaskExplanation.parse(JSON.parse(json.stdout)).nodes.map((n) => n.reasons[0].constraint)).toEqual(nodes.map(() => 'node.labels.zone==nowhere'));
    const none = await cli(['-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, 'service', 'explain', `nope-${run}`]);
    expect(none).toMatchObject({ code: 1, stderr: `flotilla: no such service: nope-${run}\n` });
  });

  it('a reservation larger than the node, and one larger than what the node has left beside another task', async () => {
    const mem = (await nodeDockerOk(n1, ['node', 'inspect', '--format', '{{.Description.Hostname}} {{.Description.Resources.MemoryBytes}}', ...nodes.map((n) => n.name)]))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '));
    const total = new Map(mem.map(([h, b]) => [h, Number(b)]));
    const most = Math.max(...total.values());
    const name = svcName('big');
    const want = Math.ceil((most * 2) / 2 ** 20);
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', name, '--reserve-memory', `${want}M`, LAB_BUSYBOX, 'sleep', '1d']);
    const { rows, e } = await pendingWithError(name, `insufficient resources on ${nodes.length} nodes`);
    const t = expectEveryNode(rows, e, 'resources');
    for (const n of t.nodes) {
      const r = n.reasons[0].resource!;
      expect(r).toMatchObject({ what: 'memory', reserved: want * 2 ** 20, total: total.get(n.hostname) });
      expect(r.available).toBe(r.total - r.reservedByOthers);
      expect(n.reasons[0].text).toMatch(/^insufficient memory: the task reserves [\d.]+ GiB, the node has [\d.]+ GiB available/);
    }
    await nodeDockerOk(n1, ['service', 'rm', name]);

    // what the node has left: a global service holds 40% of the smallest node's memory on every node; 70% would fit
    // on an empty node but not beside it (the lab's nodes share the host's memory, so they are all the same size)
    const least = Math.min(...total.values());
    expect(most).toBeLessThan(least * 1.1);
    const holder = svcName('hold');
    const held = Math.floor((least * 0.4) / 2 ** 20);
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', holder, '--mode', 'global', '--reserve-memory', `${held}M`, LAB_BUSYBOX, 'sleep', '1d']);
    await until(`${holder} running on every node`, async () => (await oracle(holder)).filter((r) => r.CurrentState.startsWith('Running')).length === nodes.length);
    const beside = svcName('beside');
    const wants = Math.ceil((least * 0.7) / 2 ** 20);
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', beside, '--reserve-memory', `${wants}M`, LAB_BUSYBOX, 'sleep', '1d']);
    const b = await pendingWithError(beside, `insufficient resources on ${nodes.length} nodes`);
    for (const n of expectEveryNode(b.rows, b.e, 'resources').nodes) {
      expect(n.reasons[0].resource).toEqual({ what: 'memory', reserved: wants * 2 ** 20, total: total.get(n.hostname), reservedByOthers: held * 2 ** 20, available: total.get(n.hostname)! - held * 2 ** 20 });
      expect(n.reasons[0].text).toMatch(/ reserved by 1 task on it\)$/);
    }
  });

  it('platform mismatch: the image platforms (Placement.Platforms) and a node.platform.arch constraint', async () => {
    const name = svcName('s390');
    // the docker CLI fills Platforms from a registry's manifest; there is no registry here, so the spec says it, as the CLI would
    await manager.docker.createService({
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: LAB_BUSYBOX, Args: ['sleep', '1d'] }, Placement: { Platforms: [{ Architecture: 's390x', OS: 'linux' }] } },
      Mode: { Replicated: { Replicas: 1 } },
    });
    const { rows, e } = await pendingWithError(name, `unsupported platform on ${nodes.length} nodes`);
    const t = expectEveryNode(rows, e, 'platform');
    const arch = (await nodeDockerOk(n1, ['node', 'inspect', 'self', '--format', '{{.Description.Platform.OS}}/{{.Description.Platform.Architecture}}'])).trim();
    expect(t.nodes.find((n) => n.hostname === n1.name)!.reasons[0].text).toBe(`platform mismatch: the image runs on linux/s390x; this node is ${arch}`);

    const byArch = svcName('arch');
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', byArch, '--constraint', 'node.platform.arch==s390x', LAB_BUSYBOX, 'sleep', '1d']);
    const c = await pendingWithError(byArch, `scheduling constraints not satisfied on ${nodes.length} nodes`);
    const ct = expectEveryNode(c.rows, c.e, 'constraint');
    expect(ct.nodes[0].reasons[0].text).toBe(`constraint "node.platform.arch==s390x" fails: node.platform.arch is "${arch.split('/')[1]}" here`);
  });

  it('max_replicas_per_node 1 with more replicas than nodes', async () => {
    const name = svcName('spread');
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', name, '--replicas', String(nodes.length + 1), '--replicas-max-per-node', '1', LAB_BUSYBOX, 'sleep', '1d']);
    // the placed tasks settled first: under load the engine still had them starting when its rows were read, and
    // Flotilla, asked a moment later, counted them running (3 against the rows' 0)
    await until(`${name}: a task running on each of the ${nodes.length} nodes`, async () => (await oracle(name)).filter((r) => r.CurrentState.startsWith('Running')).length === nodes.length, 180_000, 1000);
    const { rows, e } = await pendingWithError(name, 'max replicas per node limit exceed');
    expect(e.running).toBe(rows.filter((r) => r.CurrentState.startsWith('Running')).length);
    const t = expectEveryNode(rows, e, 'max-replicas');
    expect(t.nodes[0].reasons[0].text).toBe('max_replicas_per_node is 1 and 1 task of this service is already here');
  });

  it('a host-mode port already taken: the task that holds it on each node is named', async () => {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const holder = svcName('holder');
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', holder, '--mode', 'global', '--publish', `mode=host,published=${port},target=80`, LAB_BUSYBOX, 'sleep', '1d']);
    await until(`${holder} running on every node`, async () => (await oracle(holder)).filter((r) => r.CurrentState.startsWith('Running')).length === nodes.length);
    const name = svcName('port');
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', name, '--publish', `mode=host,published=${port},target=80`, LAB_BUSYBOX, 'sleep', '1d']);
    const { rows, e } = await pendingWithError(name, `host-mode port already in use on ${nodes.length} nodes`);
    const t = expectEveryNode(rows, e, 'host-port');
    const holders = await oracle(holder);
    for (const n of t.nodes) {
      const held = holders.find((h) => h.Node === n.hostname && h.CurrentState.startsWith('Running'))!;
      expect(n.reasons[0]).toMatchObject({ taskId: held.ID });
      expect(n.reasons[0].text).toMatch(new RegExp(`^host-mode port ${port}/tcp is already taken here by task ${holder}\\.`));
    }
  });

  it('an image that does not exist (no registry: the pull fails): the nodes it was rejected on and the slot history', async () => {
    const name = svcName('ghost');
    const image = `nosuch.invalid/ghost-${run}:1`;
    // a 20 s restart delay keeps the slot still between our reading and the engine's (no retry, no pruned task)
    await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--no-resolve-image', '--restart-delay', '20s', '--name', name, image]);
    await until(`a rejection of ${name}`, async () => (await oracle(name)).some((x) => x.CurrentState.startsWith('Rejected')));
    // the engine's listing first: a task it shows rejected is rejected by the time Flotilla reads (states only move
    // on), where reading the other way round let a task turn from preparing to rejected in between
    const rows = await oracle(name);
    const e = ServiceExplanation.parse(await host.dispatcher.call('swarm.services.explain', { engineId, service: name }));
    expect(e.tasks).toHaveLength(1);
    const t = e.tasks[0];
    const rejected = rows.filter((r) => r.CurrentState.startsWith('Rejected'));
    // the engine's errors, as `docker service ps --no-trunc` shows them, are the ones in the slot's history
    for (const r of rejected) expect(t.history.find((h) => h.taskId === r.ID), r.ID).toMatchObject({ state: 'rejected', error: r.Error });
    expect(rejected[0].Error).toMatch(/No such image/i);
    for (const hostname of new Set(rejected.map((r) => r.Node))) {
      const n = t.nodes.find((x) => x.hostname === hostname)!;
      expect(n.reasons.map((r) => r.kind)).toEqual(['image']);
      expect(n.reasons[0].text).toMatch(/^the image could not be pulled here: No such image/i);
    }
    expect(t.summary).toMatch(/could not (pull the image|be pulled)/);
  });

  it('every node drained or paused: the task waits, each node says which (nodes restored afterwards)', async () => {
    // other cases' services would move around while the nodes are drained: remove them first
    await nodeDocker(n1, ['service', 'rm', ...services.splice(0)]);
    const name = svcName('parked');
    try {
      await nodeDockerOk(n1, ['node', 'update', '--availability', 'pause', n1.name]);
      for (const n of nodes.slice(1)) await nodeDockerOk(n1, ['node', 'update', '--availability', 'drain', n.name]);
      await nodeDockerOk(n1, ['service', 'create', '-d', '-q', '--name', name, LAB_BUSYBOX, 'sleep', '1d']);
      const { rows, e } = await pendingWithError(name, `${nodes.length} nodes not available for new tasks`);
      const pending = rows.find((r) => r.CurrentState.startsWith('Pending'))!;
      const t = e.tasks.find((x) => x.taskId === pending.ID)!;
      expect(t.engineError).toBe(pending.Error);
      expect(Object.fromEntries(t.nodes.map((n) => [n.hostname, n.reasons.map((r) => r.kind)]))).toEqual(Object.fromEntries(nodes.map((n, i) => [n.name, [i === 0 ? 'pause' : 'drain']])));
    } finally {
      for (const n of nodes) await nodeDocker(n1, ['node', 'update', '--availability', 'active', n.name]);
    }
    await until(`${name} running once the nodes are active`, async () => (await oracle(name)).some((r) => r.CurrentState.startsWith('Running')));
    const after = ServiceExplanation.parse(await host.dispatcher.call('swarm.services.explain', { engineId, service: name }));
    expect(after).toMatchObject({ running: 1, tasks: [] });
  });
});
