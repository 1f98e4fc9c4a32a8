// Swarm operations over a verified TLS connection to the MANAGER (lab node 1's dockerd given tcp://IP:2376 here):
// service logs (since/until, tail, timestamps, stdout/stderr apart) and follow-cancel closing the upstream request,
// exec into a task, the live model surviving a dockerd restart on the manager, `--json` on CLI verbs, task timelines.
// The docker CLI inside node 1 is the oracle.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection, type TlsFiles } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import type { Cluster } from '../../src-main/core/swarm';
import type { LogLine, ModelEvent } from '../../src-main/api/domains/swarm';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';
import { dockerCli, inNode, settled, waitFor } from './engine-shared';
import { flotilla } from '../support/cli';

const pexec = promisify(execFile);
const openssl = async (dir: string, ...args: string[]): Promise<void> => void (await pexec('openssl', args, { cwd: dir }));
const NODE_TLS_DIR = '/etc/docker/flotilla-test-tls';
const DROP_IN = '/etc/systemd/system/docker.service.d/flotilla-tls.conf';
// the test's own environment as it is: these tests name every engine with -H
const cli = (args: string[]) => flotilla(args, { env: process.env });

async function issue(dir: string, name: string, cn: string, ext: string): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  await openssl(dir, 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  await openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}-cert.pem`);
}

/** Gives the node's dockerd TLS on 2376 besides its unix socket (once per lab; later runs reuse its CA); returns client files. */
async function tlsOn(node: LabNode, tmp: string): Promise<TlsFiles> {
  const listening = async () => (await inNode(node.name, "ss -Htln '( sport = :2376 )' | wc -l")).trim() !== '0';
  const configured = (await inNode(node.name, `test -f ${NODE_TLS_DIR}/ca-key.pem && test -f ${DROP_IN} && echo yes || echo no`)).trim() === 'yes';
  if (configured && (await listening())) {
    for (const f of ['ca.pem', 'ca-key.pem']) await dockerCli(['cp', `${node.name}:${NODE_TLS_DIR}/${f}`, path.join(tmp, f)]);
  } else {
    await openssl(tmp, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '30', '-sha256', '-subj', '/CN=ca');
    await issue(tmp, 'server', node.name, `subjectAltName=IP:${node.ip},DNS:${node.name}\nextendedKeyUsage=serverAuth\n`);
    await inNode(node.name, `mkdir -p ${NODE_TLS_DIR} /etc/systemd/system/docker.service.d`);
    for (const f of ['ca.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem']) await dockerCli(['cp', path.join(tmp, f), `${node.name}:${NODE_TLS_DIR}/${f}`]);
    const exec = `ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --tlsverify --tlscacert=${NODE_TLS_DIR}/ca.pem --tlscert=${NODE_TLS_DIR}/server-cert.pem --tlskey=${NODE_TLS_DIR}/server-key.pem --containerd=/run/containerd/containerd.sock $DOCKER_OPTS`;
    fs.writeFileSync(path.join(tmp, 'drop-in.conf'), ['[Service]', 'ExecStart=', exec, ''].join('\n'));
    await dockerCli(['cp', path.join(tmp, 'drop-in.conf'), `${node.name}:${DROP_IN}`]);
    await inNode(node.name, 'systemctl daemon-reload && systemctl restart docker', 180_000);
    await waitFor(`dockerd on ${node.name} to listen on 2376`, listening, 60_000);
  }
  await issue(tmp, 'client', 'flotilla-test-client', 'extendedKeyUsage=clientAuth\n');
  return { ca: path.join(tmp, 'ca.pem'), cert: path.join(tmp, 'client-cert.pem'), key: path.join(tmp, 'client-key.pem') };
}

describeLab('swarm over TLS to the manager, CLI --json, task timelines', () => {
  let nodes: LabNode[];
  let n1: LabNode;
  let tmp: string;
  let files: TlsFiles;
  let tlsUrl: string;
  let manager: EngineConnection;
  let pool: ReturnType<typeof sw.pooledConnector>;
  let cluster: Cluster;
  const services: string[] = [];
  const svcName = (s: string) => {
    const name = `fswc-${s}-${Date.now().toString(36)}`;
    services.push(name);
    return name;
  };
  const tls = () => connectEngine(parseEngineUrl(tlsUrl, { tlscacert: files.ca, tlscert: files.cert, tlskey: files.key }));
  const ssh = (ip: string) => connectEngine(parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity }));
  const running = async (service: string): Promise<string[]> =>
    (await nodeDockerOk(n1, ['service', 'ps', service, '--filter', 'desired-state=running', '--no-trunc', '--format', '{{.ID}} {{.Node}} {{.CurrentState}}']))
      .split('\n')
      .filter((l) => l.includes('Running'))
      .map((l) => l.split(' ')[0]);

  beforeAll(async () => {
    nodes = labNodes();
    n1 = nodes[0];
    await ensureLabSwarm(nodes);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-swc-'));
    files = await tlsOn(n1, tmp);
    tlsUrl = `tcp://${n1.ip}:2376`;
    // a first TLS setup restarted the manager's dockerd: wait until the swarm answers again
    await ensureLabSwarm(nodes);
    manager = await tls();
    // the manager's own tasks are reached over TLS too, the others over SSH
    pool = sw.pooledConnector((node) => (node.addr === n1.ip ? tls() : ssh(node.addr)));
    cluster = { manager, connectNode: pool.connectNode };
  }, 240_000);

  afterAll(async () => {
    for (const s of services) await nodeDocker(n1, ['service', 'rm', s]);
    await pool?.close();
    await manager?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await ensureLabSwarm(nodes);
  }, 180_000);

  it('over TLS: service logs with since/until, tail and timestamps match docker service logs, stdout and stderr apart; follow-cancel closes the request; exec into the task', async () => {
    const name = svcName('logs');
    await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 0.2; done'], replicas: 1, constraints: [`node.hostname==${n1.name}`] });
    await until('running', async () => (await running(name)).length === 1);
    const all: LogLine[] = [];
    await until('a few seconds of lines', async () => {
      all.length = 0;
      await sw.serviceLogs(manager, name, { timestamps: true, tail: 'all' }, (l) => all.push(l));
      return all.filter((l) => l.stream === 'stdout').length >= 15;
    }, 30_000, 500);
    expect(all.every((l) => l.line.startsWith(l.stream === 'stdout' ? 'out ' : 'err ') && !!l.timestamp)).toBe(true);
    // since/until: a window in the middle, compared line for line with the oracle's stdout and stderr
    const stamps = all.map((l) => l.timestamp!).sort();
    const since = stamps[Math.floor(stamps.length / 4)];
    const untilTs = stamps[Math.floor((stamps.length * 3) / 4)];
    const secs = (iso: string) => (Date.parse(iso) / 1000).toFixed(3);
    const win: LogLine[] = [];
    await sw.serviceLogs(manager, name, { timestamps: true, since: secs(since), until: secs(untilTs) }, (l) => win.push(l));
    // docker service logs has no --until: the oracle is the task's container on node 1 (the only task), `docker logs --since --until`
    const container = (await nodeDockerOk(n1, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${name}`])).trim();
    const oracle = await nodeDocker(n1, ['logs', '--since', secs(since), '--until', secs(untilTs), container]);
    const lines = (s: string) => s.split('\n').filter((l) => l.trim());
    expect(win.length).toBeGreaterThan(2);
    expect(win.length).toBeLessThan(all.length);
    expect(win.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(lines(oracle.stdout));
    expect(win.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(lines(oracle.stderr));
    for (const l of win) expect(Date.parse(l.timestamp!)).toBeGreaterThanOrEqual(Date.parse(since) - 1000);
    for (const l of win) expect(Date.parse(l.timestamp!)).toBeLessThanOrEqual(Date.parse(untilTs) + 1000);
    // tail: the last lines only
    const tail: LogLine[] = [];
    await sw.serviceLogs(manager, name, { tail: 6 }, (l) => tail.push(l));
    expect(tail.length).toBe(6);
    expect(new Set(tail.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));

    // follow over a connection of its own: open channels go up while following and back to the start on cancel
    const own = await tls();
    try {
      const baseline = await settled(own);
      const ac = new AbortController();
      const followed: LogLine[] = [];
      const started = Date.now();
      const following = sw.serviceLogs(own, name, { follow: true, tail: 0, timestamps: true, signal: ac.signal }, (l) => followed.push(l));
      await until('followed lines', async () => followed.filter((l) => l.stream === 'stdout').length >= 3 && followed.some((l) => l.stream === 'stderr'), 30_000, 100);
      expect(own.openChannels()).toBeGreaterThanOrEqual(baseline + 1);
      expect(followed.every((l) => Date.parse(l.timestamp!) >= started - 2000)).toBe(true);
      ac.abort();
      await following;
      await waitFor(`follow cancelled: open channels back to ${baseline} (now ${own.openChannels()})`, () => own.openChannels() === baseline, 10_000);
    } finally {
      await own.close();
    }

    // exec into the task: located on node 1 and reached over TLS
    const r = await sw.execInTask(cluster, name, { cmd: ['sh', '-c', 'echo "$(hostname) ok"; echo bad >&2; exit 4'] });
    const containerHost = (await nodeDockerOk(n1, ['inspect', '--format', '{{.Config.Hostname}}', (await nodeDockerOk(n1, ['ps', '-q', '--filter', `label=com.docker.swarm.task.id=${r.taskId}`])).trim()])).trim();
    expect(r).toMatchObject({ stdout: `${containerHost} ok\n`, stderr: 'bad\n', exitCode: 4 });
    expect(r.nodeId).toBe((await nodeDockerOk(n1, ['info', '--format', '{{.Swarm.NodeID}}'])).trim());
    await sw.removeService(manager, name);
  }, 120_000);

  it('the live model over TLS recovers after dockerd restarts on the MANAGER node', async () => {
    const name = svcName('mrestart');
    const { id } = await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], mode: 'global' });
    await until('global running', async () => (await running(name)).length === nodes.length);
    const watchConn = await tls();
    const watcher = new sw.ClusterWatcher({ manager: watchConn, connectNode: pool.connectNode }, { backoffMaxMs: 1000 });
    const sources: Array<Extract<ModelEvent, { type: 'source' }>> = [];
    watcher.subscribe((e) => {
      if (e.type === 'source') sources.push(e);
    });
    await watcher.start();
    try {
      await until('model sees the tasks', async () => Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.state === 'running').length === nodes.length, 60_000);
      await until('node sources connected', async () => nodes.every((n) => sources.some((s) => s.source === `node ${n.name}` && s.connected)), 60_000, 200);
      const before = sources.length;
      await inNode(n1.name, 'systemctl restart docker', 180_000);
      const mgr = () => sources.slice(before).filter((s) => s.source === 'manager' || s.source === `node ${n1.name}`);
      await until('manager source lost and back', async () => mgr().some((s) => !s.connected) && mgr().filter((s) => s.source === 'manager').at(-1)?.connected === true, 120_000).catch((e: Error) => {
        throw new Error(`${e.message}; sources seen: ${JSON.stringify(sources)}`);
      });
      await until('model matches the oracle', async () => {
        const oracle = (await running(name)).sort();
        const mine = Object.values(watcher.model().tasks).filter((t) => t.serviceId === id && t.desiredState === 'running' && t.state === 'running').map((t) => t.id).sort();
        return oracle.length === nodes.length && JSON.stringify(oracle) === JSON.stringify(mine);
      }, 120_000);
      // timelines in the model: every running task of the service has its states oldest first, ending in running
      for (const t of Object.values(watcher.model().tasks).filter((x) => x.serviceId === id && x.state === 'running')) expect(t.timeline?.at(-1)?.state).toBe('running');
    } finally {
      watcher.stop();
      await watchConn.close();
      await sw.removeService(manager, name);
    }
  }, 240_000);

  it('--json on CLI verbs over TLS: node ls, service ls, service ps (with task timelines), secret ls, network ls, swarm join-token', async () => {
    const g = ['--tlscacert', files.ca, '--tlscert', files.cert, '--tlskey', files.key, '-H', tlsUrl, '--json'];
    const name = svcName('json');
    await nodeDockerOk(n1, ['service', 'create', '--detach', '--name', name, '--replicas', '2', '--publish', '18081:80', LAB_BUSYBOX, 'sleep', '3600']);
    const sec = `fswc-sec-${Date.now().toString(36)}`;
    await nodeDockerOk(n1, ['secret', 'create', sec, '-'], { input: 'topsecret' });
    try {
      await until('2 running', async () => (await running(name)).length === 2);
      const nodeLs = await cli([...g, 'node', 'ls']);
      expect(nodeLs.code, nodeLs.stderr).toBe(0);
      const mine = JSON.parse(nodeLs.stdout) as Array<{ id: string; hostname: string; role: string; leader: boolean; availability: string; status: string; engineVersion: string; addr: string; cpus: number; memoryBytes: number; labels: Record<string, string> }>;
      const oracleNodes = JSON.parse(await nodeDockerOk(n1, ['node', 'inspect', ...(await nodeDockerOk(n1, ['node', 'ls', '-q'])).split('\n').filter(Boolean)])) as Array<{
        ID: string;
        Spec: { Role: string; Availability: string; Labels: Record<string, string> };
        Description: { Hostname: string; Engine: { EngineVersion: string }; Resources: { NanoCPUs: number; MemoryBytes: number } };
        Status: { State: string; Addr: string };
        ManagerStatus?: { Leader?: boolean; Addr: string };
      }>;
      expect(mine.length).toBe(oracleNodes.length);
      for (const o of oracleNodes) {
        expect(mine.find((n) => n.id === o.ID)).toEqual({
          id: o.ID,
          hostname: o.Description.Hostname,
          role: o.Spec.Role,
          leader: !!o.ManagerStatus?.Leader,
          ...(o.ManagerStatus ? { reachability: expect.any(String) as string } : {}),
          availability: o.Spec.Availability,
          status: o.Status.State,
          engineVersion: o.Description.Engine.EngineVersion,
          // docker node ls shows the node's own address (a manager's is 0.0.0.0 on some engines: then its raft address)
          addr: o.Status.Addr && o.Status.Addr !== '0.0.0.0' ? o.Status.Addr : (o.ManagerStatus?.Addr ?? '').replace(/:\d+$/, ''),
          cpus: o.Description.Resources.NanoCPUs / 1e9,
          memoryBytes: o.Description.Resources.MemoryBytes,
          labels: o.Spec.Labels,
        });
      }

      const svcLs = await cli([...g, 'service', 'ls']);
      expect(svcLs.code, svcLs.stderr).toBe(0);
      const svc = (JSON.parse(svcLs.stdout) as Array<{ id: string; name: string; mode: string; replicas: { desired: number; running: number }; image: string; ports: Array<{ published?: number; target: number; protocol: string }> }>).find((s) => s.name === name);
      expect(svc).toMatchObject({ id: (await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{.ID}}'])).trim(), mode: 'replicated', replicas: { desired: 2, running: 2 }, ports: [{ published: 18081, target: 80, protocol: 'tcp' }] });
      expect(svc!.image).toMatch(/flotilla-lab\/busybox/);

      const ps = await cli([...g, 'service', 'ps', name]);
      expect(ps.code, ps.stderr).toBe(0);
      const tasks = JSON.parse(ps.stdout) as Array<{ id: string; state: string; timestamps: { created: string; status: string }; timeline?: Array<{ state: string; at: string }> }>;
      const oracleTasks = JSON.parse(await nodeDockerOk(n1, ['inspect', '--type', 'task', ...(await nodeDockerOk(n1, ['service', 'ps', '-q', '--no-trunc', name])).split('\n').filter(Boolean)])) as Array<{ ID: string; CreatedAt: string; Status: { State: string; Timestamp: string } }>;
      expect(tasks.map((t) => t.id).sort()).toEqual(oracleTasks.map((t) => t.ID).sort());
      for (const t of tasks) {
        const o = oracleTasks.find((x) => x.ID === t.id)!;
        // the timeline a listing can give: created (new), then the current state since its timestamp
        expect(t.timeline).toEqual([{ state: 'new', at: o.CreatedAt }, ...(o.Status.State === 'new' ? [] : [{ state: o.Status.State, at: o.Status.Timestamp }])]);
      }

      const secLs = await cli([...g, 'secret', 'ls']);
      expect(secLs.code, secLs.stderr).toBe(0);
      expect(secLs.stdout).not.toContain('topsecret');
      expect((JSON.parse(secLs.stdout) as Array<{ id: string; name: string }>).find((s) => s.name === sec)?.id).toBe((await nodeDockerOk(n1, ['secret', 'inspect', sec, '--format', '{{.ID}}'])).trim());

      const netLs = await cli([...g, 'network', 'ls']);
      expect(netLs.code, netLs.stderr).toBe(0);
      const nets = JSON.parse(netLs.stdout) as Array<{ id: string; name: string; driver: string; scope: string }>;
      expect(nets.find((n) => n.name === 'ingress')).toMatchObject({ id: (await nodeDockerOk(n1, ['network', 'inspect', 'ingress', '--format', '{{.ID}}'])).trim(), driver: 'overlay', scope: 'swarm' });

      // join-token prints the token only because it was asked for; other verbs never carry one
      const jt = await cli([...g, 'swarm', 'join-token', 'worker']);
      expect(jt.code, jt.stderr).toBe(0);
      expect(JSON.parse(jt.stdout)).toEqual({ token: (await nodeDockerOk(n1, ['swarm', 'join-token', '-q', 'worker'])).trim(), managerAddr: `${n1.ip}:2377` });
      for (const out of [nodeLs, svcLs, ps, secLs, netLs]) expect(out.stdout).not.toMatch(/SWMTKN/);
    } finally {
      await nodeDocker(n1, ['secret', 'rm', sec]);
      await nodeDocker(n1, ['service', 'rm', name]);
    }
  }, 120_000);
});
