// `flotilla events --activity` on the lab swarm: the words the window's Activity view shows, from the same
// derivation (src-main/api/activity.ts) on the same model stream. A service whose command exits 1 and a drained
// node must appear as activity; the docker CLI in the manager is the oracle (every task reported failed is a failed
// task of that service in `docker service ps`, on the node named). The CLI reaches the manager over its local unix
// socket (/proc/PID/root/run/docker.sock of the node's container), as swarm-cli.test.ts does.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActivityItem } from '../../src-main/api/activity';
import { run } from '../../src-main/core/lab/exec';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';

const BIN = path.resolve(__dirname, '../../bin/flotilla.mjs');

describeLab('flotilla events --activity on the lab swarm', () => {
  let n1: LabNode;
  let n2: LabNode;
  let home: string;
  let child: ChildProcess | undefined;
  let out = '';
  let err = '';
  const name = `activity-${Date.now().toString(36)}`;
  const items = (): ActivityItem[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ActivityItem);

  beforeAll(async () => {
    const nodes = labNodes();
    await ensureLabSwarm(nodes);
    [n1, n2] = nodes;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-activity-'));
  }, 600_000);

  afterAll(async () => {
    child?.kill('SIGINT');
    if (n1) {
      await nodeDocker(n1, ['service', 'rm', name]);
      await nodeDocker(n1, ['node', 'update', '--availability', 'active', n2.name]);
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('reports the failing tasks and the drained node, as docker sees them', async () => {
    const pid = (await run('docker', ['inspect', '--format', '{{.State.Pid}}', n1.name])).stdout.trim();
    const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: home };
    for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[k];
    child = spawn(process.execPath, [BIN, '-H', `unix:///proc/${pid}/root/run/docker.sock`, '--json', 'events', '--activity'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));

    // a crash loop: it keeps failing after the CLI's first model (the baseline), whenever that comes
    await nodeDockerOk(n1, ['service', 'create', '--detach', '--name', name, '--replicas', '2', '--restart-delay', '2s', LAB_BUSYBOX, 'sh', '-c', 'exit 1']);
    await until(`a task-failed item for ${name} (stderr: ${err})`, async () => items().some((i) => i.kind === 'task-failed' && i.service === name), 120_000, 250);

    await nodeDockerOk(n1, ['node', 'update', '--availability', 'drain', n2.name]);
    await until(`"${n2.name} was drained" (stderr: ${err})`, async () => items().some((i) => i.kind === 'node-availability' && i.title === `${n2.name} was drained`), 60_000, 250);

    // the oracle: every failed task reported is a failed task of the service in docker service ps, on that node
    const rows = (await nodeDockerOk(n1, ['service', 'ps', '--no-trunc', '--format', '{{.ID}} {{.Node}} {{.CurrentState}} {{.Error}}', name])).trim().split('\n');
    const failed = items().filter((i) => i.kind === 'task-failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f.title).toMatch(new RegExp(`^${name}\\.[12] failed on ${f.node}$`));
      expect(f.detail).toBe('task: non-zero exit (1)');
      const row = rows.find((r) => r.startsWith(`${f.taskId} `));
      // docker service ps keeps the last few tasks per slot (task history): a reported task may have been pruned
      if (row) expect(row).toMatch(new RegExp(`^${f.taskId} ${f.node} Failed .*non-zero exit \\(1\\)`));
    }
    expect(failed.some((f) => rows.some((r) => r.startsWith(`${f.taskId} `)))).toBe(true);
    const drained = items().find((i) => i.kind === 'node-availability');
    expect(drained).toMatchObject({ node: n2.name, detail: 'availability active → drain' });
    expect((await nodeDockerOk(n1, ['node', 'inspect', '--format', '{{.ID}} {{.Spec.Availability}}', n2.name])).trim()).toBe(`${drained?.nodeId} drain`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 300_000);
});
