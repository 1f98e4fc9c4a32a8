// Issue 3 through the `flotilla` binary on the 3-node lab: swarm init/join (manager and worker) and a swarm create
// re-run; service create with every flag the verb has, compared field by field with the same service made by
// `docker service create` with the same flags; service update (env, ports, --force) and scale; node pause/drain/
// activate; then logs, exec and the live model over LOCAL unix sockets. The docker CLI inside the nodes is the oracle.
//
// The local-socket route: each lab node's dockerd listens on /run/docker.sock inside its container; the host (root)
// reaches that very socket as /proc/PID/root/run/docker.sock (PID = the node container's init). That is a real unix
// socket to a real swarm engine, with no forwarder in between, and it leaves the host engine out of any swarm (the lab,
// the container machines and other checkouts' runs live on it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import type { Cluster } from '../../src-main/core/swarm';
import type { LogLine, ModelEvent } from '../../src-main/api/domains/swarm';
import { run } from '../../src-main/core/lab/exec';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, leaveLabSwarm, nodeDocker, nodeDockerOk, nodeSwarmState, until, waitReachable, type LabNode } from '../support/lab';
import { settled } from './engine-shared';
import { cliEnv, flotilla as runFlotilla, json, ok, type Run } from '../support/cli';

let home: string;

const flotilla = (args: string[], timeout = 120_000): Promise<Run> => runFlotilla(args, { env: cliEnv({ FLOTILLA_HOME: home }), timeout });

interface Spec {
  Name?: string;
  TaskTemplate: { ContainerSpec: { Init?: boolean; Env?: string[] } & Record<string, unknown>; Resources?: { Limits?: object; Reservations?: object }; ForceUpdate?: number } & Record<string, unknown>;
  EndpointSpec?: { Ports?: Array<{ TargetPort: number; PublishedPort?: number; Protocol: string; PublishMode: string }> };
  Mode: { Replicated?: { Replicas: number }; Global?: object };
}

/** A spec with what legitimately differs between two services made with the same flags taken out. */
function comparable(spec: Spec, portBase: number): Spec {
  const s = structuredClone(spec);
  delete s.Name;
  // the docker CLI 20.10 writes Init:false, the engine's default; Flotilla leaves it unset (the same: no init)
  if (s.TaskTemplate.ContainerSpec.Init === false) delete s.TaskTemplate.ContainerSpec.Init;
  // {} and {Limits:{}, Reservations:{}} are the same "no resources" (the CLI sends the empty ones)
  const r = s.TaskTemplate.Resources;
  if (r) for (const k of ['Limits', 'Reservations'] as const) if (r[k] && !Object.keys(r[k]).length) delete r[k];
  // docker's update reorders env, mounts and ports; order carries no meaning for any of them
  s.TaskTemplate.ContainerSpec.Env?.sort();
  (s.TaskTemplate.ContainerSpec.Mounts as Array<{ Target: string }> | undefined)?.sort((a, b) => a.Target.localeCompare(b.Target));
  if (s.EndpointSpec?.Ports) {
    s.EndpointSpec.Ports = s.EndpointSpec.Ports.map((p) => ({ ...p, ...(p.PublishedPort ? { PublishedPort: p.PublishedPort - portBase } : {}) }));
    s.EndpointSpec.Ports.sort((a, b) => a.TargetPort - b.TargetPort);
  }
  return s;
}

describeLab('the flotilla CLI on the lab swarm; logs, exec and the model over local sockets', () => {
  let nodes: LabNode[];
  let n1: LabNode, n2: LabNode, n3: LabNode;
  const sfx = Date.now().toString(36);
  const services: string[] = [];
  const svc = (s: string): string => {
    const name = `fscl-${s}-${sfx}`;
    services.push(name);
    return name;
  };
  const secret = `fscl-sec-${sfx}`;
  const config = `fscl-cfg-${sfx}`;
  const network = `fscl-net-${sfx}`;
  const volume = `fscl-vol-${sfx}`;
  const g = (n: LabNode): string[] => ['-H', `ssh://root@${n.ip}`, '--ssh-key', n.identity];
  const spec = async (name: string): Promise<Spec> => JSON.parse(await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{json .Spec}}'])) as Spec;
  /** running tasks of a service as `docker service ps` shows them: [{id, node}] */
  const running = async (name: string): Promise<Array<{ id: string; node: string }>> =>
    (await nodeDockerOk(n1, ['service', 'ps', name, '--filter', 'desired-state=running', '--no-trunc', '--format', '{{.ID}} {{.Node}} {{.CurrentState}}']))
      .split('\n')
      .filter((l) => / Running /.test(l))
      .map((l) => ({ id: l.split(' ')[0], node: l.split(' ')[1] }));
  const updateState = async (name: string): Promise<string> => (await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}'])).trim();
  const availability = async (n: LabNode): Promise<string> => (await nodeDockerOk(n1, ['node', 'inspect', n.name, '--format', '{{.Spec.Availability}}'])).trim();

  beforeAll(() => {
    nodes = labNodes();
    [n1, n2, n3] = nodes;
    // a known_hosts of its own: the lab's host keys are pinned here, not in the user's store
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-swcli-'));
  });

  afterAll(async () => {
    for (const s of services) await nodeDocker(n1, ['service', 'rm', s]);
    await nodeDocker(n1, ['secret', 'rm', secret]);
    await nodeDocker(n1, ['config', 'rm', config]);
    // the overlay network goes once the services' tasks are gone
    await until(`network ${network} removed`, async () => {
      const r = await nodeDocker(n1, ['network', 'rm', network]);
      return r.code === 0 || /not found/i.test(r.stderr);
    }, 60_000, 1000).catch(() => undefined);
    if (home) fs.rmSync(home, { recursive: true, force: true });
    await ensureLabSwarm(nodes);
  }, 180_000);

  it('swarm init, swarm join as manager and as worker through the CLI; a swarm create re-run over the three changes nothing', async () => {
    await leaveLabSwarm(nodes);
    const outputs: string[] = [];
    const keep = (r: Run): Run => {
      outputs.push(r.stdout, r.stderr);
      return r;
    };

    const init = json<{ nodeId: string; advertiseAddr?: string }>(keep(await flotilla([...g(n1), '--json', 'swarm', 'init', '--advertise-addr', n1.ip])), 'swarm init');
    const s1 = await nodeSwarmState(n1);
    expect(s1).toMatchObject({ state: 'active', isManager: true, nodeAddr: n1.ip });
    expect(init).toEqual({ nodeId: s1.nodeId, advertiseAddr: n1.ip });

    const j2 = json<{ nodeId: string }>(keep(await flotilla([...g(n2), '--json', 'swarm', 'join', '--manager', `ssh://root@${n1.ip}`, '--role', 'manager', '--advertise-addr', n2.ip])), 'swarm join --role manager');
    const s2 = await nodeSwarmState(n2);
    expect(s2).toMatchObject({ state: 'active', isManager: true, nodeAddr: n2.ip, clusterId: s1.clusterId });
    expect(j2.nodeId).toBe(s2.nodeId);
    await waitReachable(n1, s2.nodeId);

    // as a worker, in text mode, with the advertise address left to Flotilla (the address we dial the node at)
    const j3 = ok(keep(await flotilla([...g(n3), 'swarm', 'join', '--manager', `ssh://root@${n1.ip}`])), 'swarm join (worker)');
    const s3 = await nodeSwarmState(n3);
    expect(s3).toMatchObject({ state: 'active', isManager: false, nodeAddr: n3.ip });
    expect(j3.stdout.trim()).toBe(`This node (${s3.nodeId}) joined the swarm as a worker.`);

    const ls = await until('3 Ready nodes in docker node ls', async () => {
      const rows = (await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'])).split('\n').filter(Boolean).map((r) => r.trim()).sort();
      return rows.length === 3 && rows.every((r) => r.includes(' Ready')) && rows;
    });
    expect(ls).toEqual([`${n1.name} Ready Leader`, `${n2.name} Ready Reachable`, `${n3.name} Ready`]);

    // the one-action form over the same three engines: already built, so every node is left as it is
    const again = json<{ clusterId: string; nodes: Array<{ name: string; nodeId: string; role: string; action: string }> }>(
      keep(await flotilla([...g(n1), '--json', 'swarm', 'create', '--manager', `ssh://root@${n1.ip}`, '--manager', `ssh://root@${n2.ip}`, '--worker', `ssh://root@${n3.ip}`])),
      'swarm create re-run',
    );
    expect(again.clusterId).toBe(s1.clusterId);
    expect(again.nodes.map((n) => [n.name, n.nodeId, n.role, n.action])).toEqual([
      [n1.ip, s1.nodeId, 'manager', 'unchanged'],
      [n2.ip, s2.nodeId, 'manager', 'unchanged'],
      [n3.ip, s3.nodeId, 'worker', 'unchanged'],
    ]);

    const badRole = keep(await flotilla([...g(n3), 'swarm', 'join', '--manager', `ssh://root@${n1.ip}`, '--role', 'boss']));
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('invalid --role "boss": expected worker or manager');
    const again3 = keep(await flotilla([...g(n3), 'swarm', 'join', '--manager', `ssh://root@${n1.ip}`]));
    expect(again3.code).toBe(1);
    expect(again3.stderr).toContain('is already part of a swarm');
    // join tokens were fetched and used, never printed
    for (const o of outputs) expect(o).not.toMatch(/SWMTKN/);

    // back to the lab's shape (node 2 demoted) for what follows and for the other test files
    await ensureLabSwarm(nodes);
  }, 180_000);

  const fullFlags = (p: number): string[] => [
    '--replicas', '2',
    '-e', 'A=1', '-e', 'B=two',
    '-l', 'svc.tier=web', '-l', 'svc.owner=team',
    '--container-label', 'c.one=1',
    '-p', `${p + 1}:80`,
    '-p', `published=${p + 2},target=81,protocol=udp`,
    '--mount', `type=volume,source=${volume},target=/data`,
    '--mount', 'type=tmpfs,target=/scratch',
    '--mount', 'type=bind,source=/tmp,target=/hosttmp,readonly',
    '--network', network,
    '--constraint', 'node.role==worker',
    '--placement-pref', 'spread=node.labels.zone',
    '--limit-cpu', '0.5', '--limit-memory', '64m', '--reserve-cpu', '0.1', '--reserve-memory', '16m',
    '--restart-condition', 'on-failure', '--restart-delay', '3s', '--restart-max-attempts', '5',
    '--update-parallelism', '2', '--update-delay', '1s', '--update-failure-action', 'rollback', '--update-order', 'stop-first', '--update-monitor', '1s',
    '--rollback-parallelism', '1', '--rollback-delay', '1s', '--rollback-failure-action', 'continue', '--rollback-order', 'start-first',
    '--secret', `source=${secret},target=app-secret,mode=0400`,
    '--config', `source=${config},target=/etc/app.conf`,
    '--health-cmd', 'test -d /scratch', '--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '2',
    '-u', '1000', '-w', '/tmp', '--hostname', '{{.Service.Name}}-{{.Task.Slot}}', '--stop-grace-period', '1s',
  ];
  const globalFlags = (p: number): string[] => ['--mode', 'global', '-p', `published=${p + 4},target=84,mode=host`, '--no-healthcheck', '-e', 'X=1', '--stop-grace-period', '1s'];
  let full: string, twin: string, glob: string, globTwin: string, light: string;

  it('service create with every flag the verb has equals `docker service create` with the same flags, field by field; the tasks run as asked', async () => {
    await nodeDockerOk(n1, ['secret', 'create', secret, '-'], { input: 'the-secret' });
    await nodeDockerOk(n1, ['config', 'create', config, '-'], { input: 'setting=1\n' });
    await nodeDockerOk(n1, ['network', 'create', '--driver', 'overlay', '--attachable', network]);
    [full, twin, glob, globTwin] = [svc('full'), svc('twin'), svc('glob'), svc('globtwin')];
    const created = json<{ id: string }>(await flotilla([...g(n1), '--json', 'service', 'create', '--name', full, ...fullFlags(18200), LAB_BUSYBOX, '--', 'sh', '-c', 'sleep 3600']), 'service create (full)');
    await nodeDockerOk(n1, ['service', 'create', '--detach', '--no-resolve-image', '--name', twin, ...fullFlags(18210), LAB_BUSYBOX, 'sh', '-c', 'sleep 3600']);
    ok(await flotilla([...g(n1), 'service', 'create', '--name', glob, ...globalFlags(18200), LAB_BUSYBOX, '--', 'sleep', '3600']), 'service create (global)');
    await nodeDockerOk(n1, ['service', 'create', '--detach', '--no-resolve-image', '--name', globTwin, ...globalFlags(18210), LAB_BUSYBOX, 'sleep', '3600']);
    expect(created.id).toBe((await nodeDockerOk(n1, ['service', 'inspect', full, '--format', '{{.ID}}'])).trim());

    const [mine, theirs, mineG, theirsG] = [await spec(full), await spec(twin), await spec(glob), await spec(globTwin)];
    // what was asked for, as the engine stored it
    const netId = (await nodeDockerOk(n1, ['network', 'inspect', network, '--format', '{{.ID}}'])).trim();
    const ids = { secret: (await nodeDockerOk(n1, ['secret', 'inspect', secret, '--format', '{{.ID}}'])).trim(), config: (await nodeDockerOk(n1, ['config', 'inspect', config, '--format', '{{.ID}}'])).trim() };
    const s = 1e9;
    expect(mine).toMatchObject({
      Name: full,
      Labels: { 'svc.tier': 'web', 'svc.owner': 'team' },
      Mode: { Replicated: { Replicas: 2 } },
      TaskTemplate: {
        ContainerSpec: {
          Image: LAB_BUSYBOX,
          Args: ['sh', '-c', 'sleep 3600'],
          Env: ['A=1', 'B=two'],
          Labels: { 'c.one': '1' },
          Mounts: [
            { Type: 'volume', Source: volume, Target: '/data' },
            { Type: 'tmpfs', Target: '/scratch' },
            { Type: 'bind', Source: '/tmp', Target: '/hosttmp', ReadOnly: true },
          ],
          User: '1000',
          Dir: '/tmp',
          Hostname: '{{.Service.Name}}-{{.Task.Slot}}',
          StopGracePeriod: 1 * s,
          Healthcheck: { Test: ['CMD-SHELL', 'test -d /scratch'], Interval: 1 * s, Timeout: 2 * s, Retries: 2 },
          Secrets: [{ SecretID: ids.secret, SecretName: secret, File: { Name: 'app-secret', UID: '0', GID: '0', Mode: 0o400 } }],
          Configs: [{ ConfigID: ids.config, ConfigName: config, File: { Name: '/etc/app.conf', UID: '0', GID: '0', Mode: 0o444 } }],
        },
        Placement: { Constraints: ['node.role==worker'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] },
        Resources: { Limits: { NanoCPUs: 0.5 * s, MemoryBytes: 64 * 2 ** 20 }, Reservations: { NanoCPUs: 0.1 * s, MemoryBytes: 16 * 2 ** 20 } },
        RestartPolicy: { Condition: 'on-failure', Delay: 3 * s, MaxAttempts: 5 },
        Networks: [{ Target: netId }],
      },
      UpdateConfig: { Parallelism: 2, Delay: 1 * s, FailureAction: 'rollback', Monitor: 1 * s, Order: 'stop-first' },
      RollbackConfig: { Parallelism: 1, Delay: 1 * s, FailureAction: 'continue', Order: 'start-first' },
      EndpointSpec: {
        Mode: 'vip',
        Ports: [
          { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18201, PublishMode: 'ingress' },
          { Protocol: 'udp', TargetPort: 81, PublishedPort: 18202, PublishMode: 'ingress' },
        ],
      },
    });
    expect(mineG).toMatchObject({ Mode: { Global: {} }, TaskTemplate: { ContainerSpec: { Env: ['X=1'], Healthcheck: { Test: ['NONE'] } } }, EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 84, PublishedPort: 18204, PublishMode: 'host' }] } });
    // and everything else the same as the docker CLI's, to the last field
    expect(comparable(mine, 18200)).toEqual(comparable(theirs, 18210));
    expect(comparable(mineG, 18200)).toEqual(comparable(theirsG, 18210));

    // the tasks: 2 on the workers, the global one on every node with its host-mode port
    const tasks = await until('2 running tasks on the workers', async () => {
      const r = await running(full);
      return r.length === 2 && r;
    });
    for (const t of tasks) expect([n2.name, n3.name]).toContain(t.node);
    await until('the global service on every node', async () => (await running(glob)).length === 3);
    for (const n of nodes) expect(await nodeDockerOk(n, ['ps', '--filter', `label=com.docker.swarm.service.name=${glob}`, '--format', '{{.Ports}}'])).toContain('0.0.0.0:18204->84/tcp');
    // inside one container of the full service: user, workdir, hostname template, env, config, secret mode, mounts, health
    const t = tasks[0];
    const cid = (await nodeDockerOk(t.node, ['ps', '-q', '--filter', `label=com.docker.swarm.task.id=${t.id}`])).trim();
    const slot = (await nodeDockerOk(n1, ['inspect', '--type', 'task', t.id, '--format', '{{.Slot}}'])).trim();
    const inside = (await nodeDockerOk(t.node, ['exec', cid, 'sh', '-c', 'id -u; pwd; hostname; echo "$A $B"; cat /etc/app.conf; stat -c %a /run/secrets/app-secret; grep -E " /(scratch|hosttmp|data) " /proc/mounts | sort -k2'])).split('\n');
    expect(inside.slice(0, 6)).toEqual(['1000', '/tmp', `${full}-${slot}`, '1 two', 'setting=1', '400']);
    // /proc/mounts: "source target fstype options..."; the volume's and bind's fstype depend on the node's storage
    const mounts = inside.slice(6).filter(Boolean).map((l) => l.split(' ')).map(([, target, type, opts]) => `${target} ${target === '/scratch' ? type : '-'} ${opts.split(',')[0]}`);
    expect(mounts).toEqual(['/data - rw', '/hosttmp - ro', '/scratch tmpfs rw']);
    await until('the container healthy', async () => (await nodeDockerOk(t.node, ['inspect', cid, '--format', '{{.State.Health.Status}}'])).trim() === 'healthy', 60_000);
  }, 150_000);

  it('service update --env-add/--env-rm/--publish-add/--publish-rm as docker does it; then (on a light service) --force replaces every task; service scale', async () => {
    ok(await flotilla([...g(n1), 'service', 'update', full, '--env-add', 'C=3', '--env-rm', 'A', '--publish-add', '18203:82', '--publish-rm', '80']), 'service update env/ports');
    await nodeDockerOk(n1, ['service', 'update', '--detach', twin, '--env-add', 'C=3', '--env-rm', 'A', '--publish-add', '18213:82', '--publish-rm', '80']);
    await until('both updates completed', async () => (await updateState(full)) === 'completed' && (await updateState(twin)) === 'completed', 120_000);
    const [mine, theirs] = [await spec(full), await spec(twin)];
    expect(mine.TaskTemplate.ContainerSpec.Env).toEqual(['B=two', 'C=3']);
    expect(mine.EndpointSpec?.Ports?.map((p) => `${p.PublishedPort}:${p.TargetPort}/${p.Protocol}`).sort()).toEqual(['18202:81/udp', '18203:82/tcp']);
    expect(comparable(mine, 18200)).toEqual(comparable(theirs, 18210));

    // the heavy pair has served; --force, scale and the node verbs use a light service that starts and stops at once
    for (const x of [full, twin, glob, globTwin]) await nodeDockerOk(n1, ['service', 'rm', x]);
    light = svc('light');
    ok(await flotilla([...g(n1), 'service', 'create', '--name', light, '--replicas', '2', '--constraint', 'node.role==worker', '--stop-grace-period', '1s', LAB_BUSYBOX, '--', 'sleep', '3600']), 'service create (light)');
    const before = await until('2 running', async () => {
      const r = await running(light);
      return r.length === 2 && r;
    });
    const force = (await spec(light)).TaskTemplate.ForceUpdate ?? 0;
    ok(await flotilla([...g(n1), 'service', 'update', light, '--force']), 'service update --force');
    expect((await spec(light)).TaskTemplate.ForceUpdate).toBe(force + 1);
    await until('every task replaced', async () => {
      const now = await running(light);
      return now.length === 2 && now.every((t) => !before.some((b) => b.id === t.id)) && (await updateState(light)) === 'completed';
    }, 120_000);
    // the replaced tasks are shut down, kept in the history
    const old = (await nodeDockerOk(n1, ['service', 'ps', light, '--no-trunc', '--format', '{{.ID}} {{.DesiredState}}'])).split('\n');
    for (const b of before) expect(old).toContain(`${b.id} Shutdown`);

    const scaled = ok(await flotilla([...g(n1), 'service', 'scale', `${light}=3`]), 'service scale');
    expect(scaled.stdout.trim()).toBe(`${light} scaled to 3`);
    expect((await spec(light)).Mode).toEqual({ Replicated: { Replicas: 3 } });
    await until('3 running', async () => (await running(light)).length === 3);
    const bad = await flotilla([...g(n1), 'service', 'scale', `${light}=-1`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`invalid replicas "-1" for ${light}: expected a whole number from 0 upwards`);
  }, 240_000);

  it('node pause, drain and activate through the CLI, as docker node inspect and the scheduler see them', async () => {
    const paused = json<Array<{ hostname: string; availability: string }>>(await flotilla([...g(n1), '--json', 'node', 'pause', n3.name]), 'node pause');
    expect(paused.map((n) => [n.hostname, n.availability])).toEqual([[n3.name, 'pause']]);
    expect(await availability(n3)).toBe('pause');
    try {
      // a paused node keeps its tasks and gets no new ones
      const before = await running(light);
      ok(await flotilla([...g(n1), 'service', 'scale', `${light}=5`]), 'scale to 5');
      const after = await until('5 running', async () => {
        const r = await running(light);
        return r.length === 5 && r;
      }).catch(async (e: Error) => {
        throw new Error(`${e.message}: ${await nodeDockerOk(n1, ['service', 'ps', '--no-trunc', light])}`);
      });
      const added = after.filter((t) => !before.some((b) => b.id === t.id));
      expect(added.length).toBe(5 - before.length);
      expect(added.every((t) => t.node === n2.name)).toBe(true);
      expect(after.filter((t) => t.node === n3.name).length).toBe(before.filter((t) => t.node === n3.name).length);

      const drained = ok(await flotilla([...g(n1), 'node', 'drain', n3.name]), 'node drain');
      expect(drained.stdout.trim()).toBe(`${n3.name}: drain`);
      expect(await availability(n3)).toBe('drain');
      await until('no task of the service left on the drained node', async () => {
        const r = await running(light);
        return r.length === 5 && r.every((t) => t.node !== n3.name);
      }, 90_000);
    } finally {
      ok(await flotilla([...g(n1), 'node', 'activate', n3.name, n2.name]), 'node activate');
    }
    expect(await availability(n3)).toBe('active');
    expect(await availability(n2)).toBe('active');
    const unknown = await flotilla([...g(n1), 'node', 'pause', 'no-such-node']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such node: no-such-node');
  }, 180_000);

  it('over the LOCAL unix sockets: service and task logs, follow with cancel, exec on the right node, the live model; the CLI with -H unix://', async () => {
    const sock: Record<string, string> = {};
    for (const n of nodes) sock[n.ip] = `/proc/${(await run('docker', ['inspect', '--format', '{{.State.Pid}}', n.name])).stdout.trim()}/root/run/docker.sock`;
    const unix = (ip: string): Promise<EngineConnection> => {
      if (!sock[ip]) throw new Error(`no lab node at ${ip}`);
      return connectEngine({ kind: 'unix', socketPath: sock[ip] });
    };
    const manager = await unix(n1.ip);
    const own = await unix(n1.ip);
    const pool = sw.pooledConnector((node) => unix(node.addr));
    const cluster: Cluster = { manager, connectNode: pool.connectNode };
    const watcher = new sw.ClusterWatcher(cluster);
    const name = svc('local');
    try {
      expect(manager.url).toBe(`unix://${sock[n1.ip]}`);
      expect(((await manager.docker.info()) as { Name: string }).Name).toBe(n1.name);
      const { id } = await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 0.2; done'], constraints: [`node.hostname==${n2.name}`], stopGracePeriod: '1s' });
      const [task] = await until('the task running on node 2', async () => {
        const r = await running(name);
        return r.length === 1 && r[0].node === n2.name && r;
      });

      // service logs through the manager's socket: both streams, apart
      const all: LogLine[] = [];
      await until('a few seconds of lines', async () => {
        all.length = 0;
        await sw.serviceLogs(manager, name, { timestamps: true }, (l) => all.push(l));
        return all.filter((l) => l.stream === 'stdout').length >= 12;
      }, 30_000);
      expect(all.every((l) => l.line.startsWith(l.stream === 'stdout' ? 'out ' : 'err ') && l.taskId === task.id)).toBe(true);
      // task logs through node 2's own socket, a since/until window line for line against `docker logs` on node 2
      const stamps = all.map((l) => l.timestamp!).sort();
      const secs = (iso: string) => (Date.parse(iso) / 1000).toFixed(3);
      const [since, upto] = [secs(stamps[2]), secs(stamps[stamps.length - 3])];
      const win: LogLine[] = [];
      await sw.taskLogs(cluster, task.id, { since, until: upto }, (l) => win.push(l));
      const cid = (await nodeDockerOk(n2, ['ps', '-q', '--filter', `label=com.docker.swarm.task.id=${task.id}`])).trim();
      const oracle = await nodeDocker(n2, ['logs', '--since', since, '--until', upto, cid]);
      const lines = (t: string) => t.split('\n').filter(Boolean);
      expect(win.length).toBeGreaterThan(4);
      expect(win.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(lines(oracle.stdout));
      expect(win.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(lines(oracle.stderr));

      // follow: lines written after it started; cancelling closes the request on the socket
      const baseline = await settled(own);
      const ac = new AbortController();
      const followed: LogLine[] = [];
      const started = Date.now();
      const following = sw.serviceLogs(own, name, { follow: true, tail: 0, timestamps: true, signal: ac.signal }, (l) => followed.push(l));
      await until('followed lines', async () => followed.filter((l) => l.stream === 'stdout').length >= 3 && followed.some((l) => l.stream === 'stderr'), 30_000, 100);
      expect(own.openChannels()).toBeGreaterThan(baseline);
      expect(followed.every((l) => Date.parse(l.timestamp!) >= started - 2000)).toBe(true);
      ac.abort();
      await following;
      await until(`open channels back to ${baseline}`, async () => own.openChannels() === baseline, 10_000, 100);

      // exec: located on node 2 and run through node 2's socket, output and exit code
      const r = await sw.execInTask(cluster, name, { cmd: ['sh', '-c', 'echo "$(hostname) ok"; echo bad >&2; exit 3'] });
      const host = (await nodeDockerOk(n2, ['inspect', '--format', '{{.Config.Hostname}}', cid])).trim();
      expect(r).toMatchObject({ taskId: task.id, stdout: `${host} ok\n`, stderr: 'bad\n', exitCode: 3 });
      expect(r.nodeId).toBe((await nodeSwarmState(n2)).nodeId);

      // the live model over the sockets follows a scale done by the CLI over the manager's socket
      const sources: Array<Extract<ModelEvent, { type: 'source' }>> = [];
      watcher.subscribe((e) => {
        if (e.type === 'source') sources.push(e);
      });
      await watcher.start();
      const modelRunning = () => Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.desiredState === 'running' && t.state === 'running').map((t) => t.id).sort();
      await until('the model has the task', async () => modelRunning().join() === task.id, 60_000, 200);
      await until('node 2 source connected', async () => sources.some((x) => x.source === `node ${n2.name}` && x.connected), 60_000, 200);
      const H = ['-H', `unix://${sock[n1.ip]}`];
      const tail = ok(await flotilla([...H, '--json', 'service', 'logs', name, '--tail', '4']), 'service logs over unix');
      const got = tail.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
      expect(got.length).toBe(4);
      expect(new Set(got.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
      ok(await flotilla([...H, 'service', 'update', name, '--constraint-rm', `node.hostname==${n2.name}`, '--replicas', '3']), 'service update over unix');
      await until('the model matches docker service ps', async () => {
        const oracleIds = (await running(name)).map((t) => t.id).sort();
        return oracleIds.length === 3 && modelRunning().join() === oracleIds.join();
      }, 90_000, 250);
      expect(watcher.model().services[id]?.replicas).toMatchObject({ desired: 3, running: 3 });
    } finally {
      watcher.stop();
      await pool.close();
      await own.close();
      await manager.close();
    }
  }, 180_000);
});
