// Swarm operations against the 3-node lab; the docker CLI inside a node is the oracle after each operation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import type { Cluster } from '../../src-main/core/swarm';
import type { ClusterModel, LogLine, ModelEvent } from '../../src-main/api/domains/swarm';
import { applyChanges } from '../../src-main/core/swarm/cluster-model';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, nodeExec, until, type LabNode } from '../support/lab';
import { run } from '../../src-main/core/lab/exec';
import { flotilla } from '../support/cli';

// the test's own environment as it is: these tests name every engine with -H
const cli = (args: string[]) => flotilla(args, { env: process.env });

describeLab('swarm operations on the lab', () => {
  let nodes: LabNode[];
  let n1: LabNode, n2: LabNode, n3: LabNode;
  let manager: EngineConnection;
  let pool: ReturnType<typeof sw.pooledConnector>;
  let cluster: Cluster;
  const services: string[] = [];
  const ssh = (n: { ip: string } | string) => parseEngineUrl(`ssh://root@${typeof n === 'string' ? n : n.ip}`, { sshKey: nodes[0].identity });
  const svcName = (s: string) => {
    const name = `fswt-${s}-${Date.now().toString(36)}`;
    services.push(name);
    return name;
  };
  const oracleRunningOn = async (service: string): Promise<string[]> =>
    (await nodeDockerOk(n1, ['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']))
      .split('\n')
      .filter((l) => l.includes('Running'))
      .map((l) => l.split(' ')[0]);

  beforeAll(async () => {
    nodes = labNodes();
    [n1, n2, n3] = nodes;
    await ensureLabSwarm(nodes);
    manager = await connectEngine(ssh(n1));
    pool = sw.pooledConnector((node) => connectEngine(ssh(node.addr)));
    cluster = { manager, connectNode: pool.connectNode };
  });

  afterAll(async () => {
    for (const s of services) await nodeDocker(n1, ['service', 'rm', s]);
    await pool?.close();
    await manager?.close();
    await ensureLabSwarm(nodes);
  });

  it('createSwarm is idempotent: a re-run on a built swarm changes nothing, and finishes one whose worker left', async () => {
    const ep = (n: LabNode): sw.NodeEndpoint => ({ name: n.name, connect: () => connectEngine(ssh(n)), advertiseAddr: n.ip });
    const steps: string[] = [];
    const again = await sw.createSwarm({ managers: [ep(n1)], workers: [ep(n2), ep(n3)], onProgress: (p) => steps.push(`${p.step}:${p.node}:${p.status}`) });
    expect(again.nodes.map((n) => n.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(steps).toContain(`init:${n1.name}:skipped`);
    // a partly built swarm: n3 leaves; the re-run joins it again
    const oldId = (await nodeDockerOk(n3, ['info', '--format', '{{.Swarm.NodeID}}'])).trim();
    await nodeDockerOk(n3, ['swarm', 'leave', '--force']);
    const fixed = await sw.createSwarm({ managers: [ep(n1)], workers: [ep(n2), ep(n3)] });
    expect(fixed.nodes.find((n) => n.name === n3.name)?.action).toBe('joined');
    const newId = (await nodeDockerOk(n3, ['info', '--format', '{{.Swarm.NodeID}}'])).trim();
    expect(await nodeDockerOk(n1, ['node', 'inspect', newId, '--format', '{{.Status.State}} {{.Spec.Role}}'])).toMatch(/ready worker/);
    // tokens never appear in the result
    expect(JSON.stringify(fixed)).not.toMatch(/SWMTKN/);
    await until('the old entry down', async () => (await nodeDockerOk(n1, ['node', 'inspect', oldId, '--format', '{{.Status.State}}'])).trim() === 'down', 60_000);
    await nodeDockerOk(n1, ['node', 'rm', oldId]);
  });

  it('node ls matches the oracle; promote then demote with the raft arithmetic; the last manager is refused', async () => {
    const list = await sw.listNodes(manager);
    const oracle = (await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.Hostname}}'])).split('\n').filter(Boolean).sort();
    expect(list.map((n) => n.hostname).sort()).toEqual(oracle);
    expect(list.find((n) => n.hostname === n1.name)).toMatchObject({ role: 'manager', leader: true, addr: n1.ip, status: 'ready' });

    const p = await sw.setRole(manager, n2.name, 'manager');
    expect(p.quorum.managersAfter).toBe(2);
    expect(p.quorum.warnings[0]).toMatch(/2 managers is an even count: it tolerates 0 failures/);
    expect((await nodeDockerOk(n1, ['node', 'inspect', n2.name, '--format', '{{.Spec.Role}}'])).trim()).toBe('manager');
    const d = await sw.setRole(manager, n2.name, 'worker');
    expect(d.quorum.managersAfter).toBe(1);
    expect((await nodeDockerOk(n1, ['node', 'inspect', n2.name, '--format', '{{.Spec.Role}}'])).trim()).toBe('worker');
    await expect(sw.setRole(manager, n1.name, 'worker')).rejects.toThrow(`node ${n1.name} is the last manager`);
  });

  it('drain moves every running task off the node; activate lets tasks back', async () => {
    const name = svcName('drain');
    await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], replicas: 6 });
    await until('6 running', async () => (await oracleRunningOn(name)).length === 6);
    try {
      const n = await sw.setAvailability(manager, n2.name, 'drain');
      expect(n.availability).toBe('drain');
      await until('no task on the drained node', async () => {
        const on = await oracleRunningOn(name);
        return on.length === 6 && !on.includes(n2.name);
      });
      expect((await nodeDockerOk(n1, ['node', 'inspect', n2.name, '--format', '{{.Spec.Availability}}'])).trim()).toBe('drain');
    } finally {
      await sw.setAvailability(manager, n2.name, 'active');
    }
    expect((await nodeDockerOk(n1, ['node', 'inspect', n2.name, '--format', '{{.Spec.Availability}}'])).trim()).toBe('active');
    await sw.removeService(manager, name);
  });

  it('a rolling update of 6 replicas with parallelism 2, seen through the model in order; rollback restores the image', async () => {
    // a second tag of the workload image on every node, so the update changes the image
    for (const n of nodes) await nodeDockerOk(n, ['tag', LAB_BUSYBOX, 'flotilla-lab/busybox:v2']);
    const name = svcName('roll');
    const { id } = await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], replicas: 6, updateParallelism: 2, updateDelay: '1s', stopGracePeriod: '1s' });
    await until('6 running', async () => (await oracleRunningOn(name)).length === 6);
    const watcher = new sw.ClusterWatcher(cluster);
    await watcher.start();
    let model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
    const samples: Array<{ old: number; new: number }> = [];
    watcher.subscribe((e: ModelEvent) => {
      if (e.type === 'snapshot') model = e.model;
      else if (e.type === 'diff') model = applyChanges(model, e.changes);
      else return;
      const running = Object.values(model.tasks).filter((t) => t.serviceId === id && t.state === 'running');
      samples.push({ old: running.filter((t) => t.image === LAB_BUSYBOX).length, new: running.filter((t) => t.image === 'flotilla-lab/busybox:v2').length });
    });
    try {
      await sw.updateService(manager, name, { image: 'flotilla-lab/busybox:v2' });
      await until('update completed in the model', async () => model.services[id]?.updateStatus?.state === 'completed' && model.services[id].replicas.running === 6, 150_000, 250).catch(async (e: Error) => {
        const oracle = await nodeDocker(n1, ['service', 'ps', name, '--no-trunc', '--format', '{{.Name}} {{.Image}} {{.CurrentState}} {{.Error}}']);
        const status = await nodeDocker(n1, ['service', 'inspect', name, '--format', '{{json .UpdateStatus}}']);
        throw new Error(`${e.message}; model: ${JSON.stringify(model.services[id])}; docker UpdateStatus: ${status.stdout.trim()}; tasks:\n${oracle.stdout}`);
      });
      const last = samples.at(-1)!;
      expect(last).toEqual({ old: 0, new: 6 });
      // in order: old tasks only go away, new ones only come; never more than 2 tasks down at once (parallelism 2)
      for (let i = 1; i < samples.length; i++) {
        expect(samples[i].old).toBeLessThanOrEqual(samples[i - 1].old);
        expect(samples[i].new).toBeGreaterThanOrEqual(samples[i - 1].new);
      }
      for (const s of samples) expect(s.old + s.new).toBeGreaterThanOrEqual(4);
      // batches seen: the new count passes through 2 and 4 before 6
      const newCounts = new Set(samples.map((s) => s.new));
      expect(newCounts.has(2) || newCounts.has(1)).toBe(true);
      expect(newCounts.has(4) || newCounts.has(3)).toBe(true);
      expect(model.services[id].updateStatus?.progress).toEqual({ n: 6, m: 6 });
      expect((await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}'])).trim()).toMatch(/^flotilla-lab\/busybox:v2/);

      await sw.rollbackService(manager, name);
      await until('rolled back', async () => {
        const img = (await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.UpdateStatus.State}}'])).trim();
        return img.startsWith(LAB_BUSYBOX) && img.endsWith('rollback_completed');
      }, 150_000);
    } finally {
      watcher.stop();
      await sw.removeService(manager, name);
    }
  });

  it('logs --follow receives lines written after it started, stdout and stderr apart; exec returns output and exit code', async () => {
    const name = svcName('logs');
    await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 0.5; done'], replicas: 1 });
    await until('running', async () => (await oracleRunningOn(name)).length === 1);
    const ac = new AbortController();
    const lines: LogLine[] = [];
    const started = Date.now();
    const following = sw.serviceLogs(manager, name, { follow: true, tail: 0, timestamps: true, signal: ac.signal }, (l) => lines.push(l));
    await until('lines after start', async () => lines.filter((l) => l.stream === 'stdout').length >= 3 && lines.some((l) => l.stream === 'stderr'), 30_000, 200);
    ac.abort();
    await following;
    expect(lines.every((l) => (l.stream === 'stdout' ? l.line.startsWith('out ') : l.line.startsWith('err ')))).toBe(true);
    expect(lines.every((l) => Date.parse(l.timestamp ?? '') >= started - 2000)).toBe(true);
    expect(lines[0].taskId).toBeTruthy();

    const r = await sw.execInTask(cluster, name, { cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'] });
    expect(r).toMatchObject({ stdout: 'hello\n', stderr: 'oops\n', exitCode: 3 });
    // the task's own container logs, read from its node
    const taskLines: LogLine[] = [];
    await sw.taskLogs(cluster, r.taskId, { tail: 4 }, (l) => taskLines.push(l));
    expect(taskLines.length).toBe(4);
    expect(new Set(taskLines.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
    expect(taskLines.every((l) => l.line.startsWith(l.stream === 'stdout' ? 'out ' : 'err ') && l.taskId === r.taskId)).toBe(true);
    await sw.removeService(manager, name);
  });

  it('the model recovers after dockerd restarts on a node', async () => {
    const name = svcName('restart');
    const { id } = await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], mode: 'global' });
    await until('global running', async () => (await oracleRunningOn(name)).length === 3);
    const watcher = new sw.ClusterWatcher(cluster, { backoffMaxMs: 1000 });
    await watcher.start();
    const sources: ModelEvent[] = [];
    watcher.subscribe((e) => {
      if (e.type === 'source') sources.push(e);
    });
    try {
      const n2Id = Object.values(watcher.model().nodes).find((n) => n.hostname === n2.name)!.id;
      await until('model sees tasks', async () => Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.state === 'running').length === 3);
      // every node's container-event source is up before the restart
      const n2Events = () => sources.filter((s): s is Extract<ModelEvent, { type: 'source' }> => s.type === 'source' && s.source === `node ${n2.name}`);
      await until('all node sources connected', async () => nodes.every((n) => sources.some((s) => s.type === 'source' && s.source === `node ${n.name}` && s.connected)), 60_000, 200);
      await nodeExec(n2, ['systemctl', 'restart', 'docker'], { timeoutMs: 120_000 });
      await until('source lost and back', async () => n2Events().some((s) => !s.connected) && n2Events().at(-1)?.connected === true, 90_000).catch((e: Error) => {
        throw new Error(`${e.message}; sources seen: ${JSON.stringify(sources)}`);
      });
      // after the restart the task on n2 was replaced (live-restore is off): the model matches the oracle again
      await until('model matches the oracle', async () => {
        const oracle = (await nodeDockerOk(n1, ['service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.ID}} {{.CurrentState}}', '--no-trunc'])).split('\n').filter((l) => l.includes('Running')).map((l) => l.split(' ')[0]).sort();
        const mine = Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.desiredState === 'running' && t.state === 'running').map((t) => t.id).sort();
        return oracle.length === 3 && JSON.stringify(oracle) === JSON.stringify(mine) && watcher.model().nodes[n2Id]?.status === 'ready';
      }, 120_000);
    } finally {
      watcher.stop();
      await sw.removeService(manager, name);
    }
  });

  it('removes a node whose host was stopped, then the host rejoins', async () => {
    const id = (await nodeDockerOk(n3, ['info', '--format', '{{.Swarm.NodeID}}'])).trim();
    await run('docker', ['stop', '-t', '2', n3.name]);
    try {
      await until('n3 down', async () => (await nodeDockerOk(n1, ['node', 'inspect', id, '--format', '{{.Status.State}}'])).trim() === 'down', 120_000, 1000);
      const r = await sw.removeNode(cluster, id);
      expect(r.steps).toEqual([`removed ${n3.name}`]);
      expect(await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.ID}}'])).not.toContain(id);
      await expect(sw.inspectNode(manager, id)).rejects.toThrow(`no such node: ${id}`);
    } finally {
      await run('docker', ['start', n3.name]);
      await until('n3 engine back', async () => (await nodeDocker(n3, ['info', '--format', '{{.ServerVersion}}'])).code === 0, 120_000, 1000);
      await ensureLabSwarm(nodes);
    }
    expect(await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}}'])).toContain(`${n3.name} Ready`);
  });

  it('secrets (content never shown), configs, overlay networks, volumes per node, join tokens, swarm settings, leave guard', async () => {
    const tag = Date.now().toString(36);
    const sec = await sw.createSecret(manager, `fswt-sec-${tag}`, 'hunter2');
    const cfg = await sw.createConfig(manager, `fswt-cfg-${tag}`, 'a=1\n');
    const net = await sw.createOverlay(manager, { name: `fswt-net-${tag}`, attachable: true, encrypted: true, subnet: '10.77.7.0/24' });
    try {
      expect((await nodeDockerOk(n1, ['secret', 'inspect', sec.id, '--format', '{{.Spec.Name}}'])).trim()).toBe(`fswt-sec-${tag}`);
      expect(JSON.stringify(await sw.inspectSecret(manager, `fswt-sec-${tag}`))).not.toContain('hunter2');
      expect((await sw.listSecrets(manager)).map((x) => x.name)).toContain(`fswt-sec-${tag}`);
      await expect(sw.createSecret(manager, `fswt-sec-${tag}`, 'x')).rejects.toThrow(`secret fswt-sec-${tag} already exists`);
      expect((await sw.inspectConfig(manager, cfg.id)).data).toBe('a=1\n');
      const oracleNet = JSON.parse(await nodeDockerOk(n1, ['network', 'inspect', net.id])) as Array<{ Driver: string; Attachable: boolean; Options: Record<string, string>; IPAM: { Config: Array<{ Subnet: string }> } }>;
      expect(oracleNet[0]).toMatchObject({ Driver: 'overlay', Attachable: true, IPAM: { Config: [{ Subnet: '10.77.7.0/24' }] } });
      expect('encrypted' in oracleNet[0].Options).toBe(true);
      expect((await sw.listNetworks(manager)).find((x) => x.id === net.id)).toMatchObject({ attachable: true, encrypted: true, subnets: ['10.77.7.0/24'] });
      // volumes are read from every node's own engine
      await nodeDockerOk(n3, ['volume', 'create', `fswt-vol-${tag}`]);
      const vols = await sw.listVolumes(cluster);
      expect(vols.unreachable).toEqual([]);
      expect(vols.volumes.find((v) => v.name === `fswt-vol-${tag}`)?.node).toBe(n3.name);
      await nodeDockerOk(n3, ['volume', 'rm', `fswt-vol-${tag}`]);
      // join tokens: the manager's own, rotation changes it
      const t1 = await sw.joinToken(manager, 'worker');
      expect(t1.token).toBe((await nodeDockerOk(n1, ['swarm', 'join-token', '-q', 'worker'])).trim());
      expect(t1.managerAddr).toBe(`${n1.ip}:2377`);
      const t2 = await sw.joinToken(manager, 'worker', true);
      expect(t2.token).not.toBe(t1.token);
      expect(t2.token).toBe((await nodeDockerOk(n1, ['swarm', 'join-token', '-q', 'worker'])).trim());
      // settings
      await sw.swarmUpdate(manager, { taskHistoryLimit: 7 });
      expect((await nodeDockerOk(n1, ['info', '--format', '{{.Swarm.Cluster.Spec.Orchestration.TaskHistoryRetentionLimit}}'])).trim()).toBe('7');
      expect((await sw.swarmInfo(manager)).taskHistoryLimit).toBe(7);
      await sw.swarmUpdate(manager, { taskHistoryLimit: 5 });
      // the last manager does not leave without --force
      await expect(sw.swarmLeave(manager)).rejects.toThrow('this engine is the last manager');
    } finally {
      await sw.removeSecret(manager, sec.id);
      await sw.removeConfig(manager, cfg.id);
      await sw.removeNetwork(manager, net.id);
    }
    await expect(sw.inspectSecret(manager, sec.id)).rejects.toThrow(`no such secret: ${sec.id}`);
    expect(await nodeDockerOk(n1, ['network', 'ls', '--format', '{{.ID}}'])).not.toContain(net.id.slice(0, 12));
  });

  it('bad input gives the clear error and a non-zero exit from the CLI', async () => {
    const g = ['--ssh-key', n1.identity, '-H', n1.ssh];
    const unknownNode = await cli([...g, 'node', 'inspect', 'no-such-node']);
    expect(unknownNode.code).toBe(1);
    expect(unknownNode.stderr).toContain('flotilla: no such node: no-such-node');
    const unknownService = await cli([...g, 'service', 'scale', 'nope-svc=2']);
    expect(unknownService.code).toBe(1);
    expect(unknownService.stderr).toContain('flotilla: no such service: nope-svc');
    const badReplicas = await cli([...g, 'service', 'create', '--replicas', 'many', LAB_BUSYBOX]);
    expect(badReplicas.code).toBe(2);
    expect(badReplicas.stderr).toContain('invalid --replicas "many"');
    const worker = await cli(['--ssh-key', n1.identity, '-H', n2.ssh, 'node', 'ls']);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/is not a swarm manager: promote it or connect to a manager/);
    const unreachable = await cli(['--ssh-key', n1.identity, '-H', 'ssh://root@10.88.1.250', 'node', 'ls']);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/^flotilla: .*10\.88\.1\.250/);
    const json = await cli([...g, '--json', 'node', 'ls']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).length).toBe(3);
  });
});
