// More swarm operations on the lab (issue 3): an interactive exec with a TTY (resize, stdin, exit code),
// the guided removal of a node that is up, node labels, and autolock with its unlock key. The docker CLI
// inside a node is the oracle. The lab is left as one swarm (ensureLabSwarm) for the files that follow.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection } from '../../src-main/core/engine';
import * as sw from '../../src-main/core/swarm';
import type { Cluster } from '../../src-main/core/swarm';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, type LabNode } from '../support/lab';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describeLab('swarm operations on the lab, continued', () => {
  let nodes: LabNode[];
  let n1: LabNode, n3: LabNode;
  let manager: EngineConnection;
  let pool: ReturnType<typeof sw.pooledConnector>;
  let cluster: Cluster;
  const ssh = (ip: string) => parseEngineUrl(`ssh://root@${ip}`, { sshKey: nodes[0].identity });

  beforeAll(async () => {
    nodes = labNodes();
    [n1, , n3] = nodes;
    await ensureLabSwarm(nodes);
    manager = await connectEngine(ssh(n1.ip));
    pool = sw.pooledConnector((node) => connectEngine(ssh(node.addr)));
    cluster = { manager, connectNode: pool.connectNode };
  });
  afterAll(async () => {
    await pool?.close();
    await manager?.close();
    await ensureLabSwarm(nodes);
  });

  it('exec with a TTY: the size follows resize, stdin reaches the shell, the exit code comes back', async () => {
    const name = `fswx-tty-${Date.now().toString(36)}`;
    await sw.createService(manager, { name, image: LAB_BUSYBOX, args: ['sleep', '3600'], replicas: 1 });
    try {
      const t = await until('a running task', async () => {
        const located = await sw.locateTask(cluster, name);
        return located.containerId ? located : undefined;
      });
      let out = '';
      const session = await sw.execInteractive(t.conn, t.containerId, { cmd: ['sh'], tty: true, onOutput: (_s, d) => (out += d.toString('utf8')) });
      await session.resize(111, 33);
      session.stream.write('stty size; echo "x$((6*7))y"; exit 3\n');
      const code = await session.wait();
      expect(code).toBe(3);
      expect(out).toContain('33 111');
      expect(out).toContain('x42y');
    } finally {
      await sw.removeService(manager, name);
    }
  });

  it('labels: add and remove on a node, as docker node inspect sees them', async () => {
    await sw.labelNode(manager, n3.name, { 'zone': 'b', 'flotilla.test': 'yes' });
    expect(JSON.parse(await nodeDockerOk(n1, ['node', 'inspect', n3.name, '--format', '{{json .Spec.Labels}}']))).toMatchObject({ zone: 'b', 'flotilla.test': 'yes' });
    await sw.labelNode(manager, n3.name, {}, ['zone', 'flotilla.test']);
    const after = JSON.parse(await nodeDockerOk(n1, ['node', 'inspect', n3.name, '--format', '{{json .Spec.Labels}}'])) as Record<string, string>;
    expect(Object.keys(after)).not.toContain('zone');
    await expect(sw.labelNode(manager, n3.name, {}, ['zone'])).rejects.toThrow(`node ${n3.name} has no label zone`);
  });

  it('removes a node that is up through the guided path: drain, leave on that node, remove', async () => {
    const steps: string[] = [];
    const r = await sw.removeNode(cluster, n3.name, { onStep: (s) => steps.push(s) });
    expect(r.steps).toEqual([`drained ${n3.name}`, `${n3.name} left the swarm`, `removed ${n3.name}`]);
    expect(steps).toEqual(r.steps);
    expect(await nodeDockerOk(n1, ['node', 'ls', '--format', '{{.Hostname}}'])).not.toContain(n3.name);
    expect((await nodeDockerOk(n3, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim()).toBe('inactive');
    // the manager Flotilla talks through is refused, with the way out
    await expect(sw.removeNode(cluster, n1.name)).rejects.toThrow(`node ${n1.name} is the manager Flotilla is connected through`);
    await ensureLabSwarm(nodes);
  });

  it('autolock: turning it on returns the unlock key the managers hold; turning it off clears it', async () => {
    try {
      const { unlockKey } = await sw.swarmUpdate(manager, { autolock: true });
      expect(unlockKey).toMatch(/^SWMKEY-1-/);
      expect((await nodeDockerOk(n1, ['swarm', 'unlock-key', '-q'])).trim()).toBe(unlockKey);
      expect((await sw.swarmInfo(manager)).autolock).toBe(true);
    } finally {
      await sw.swarmUpdate(manager, { autolock: false });
    }
    expect((await sw.swarmInfo(manager)).autolock).toBe(false);
    const r = await nodeDocker(n1, ['swarm', 'unlock-key', '-q']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no unlock key|not.*autolock/i);
  });
});
