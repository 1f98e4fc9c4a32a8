// Issue 22, item 4: `flotilla node ls` and `service ls` print what `docker node ls` / `docker service ls` (CLI 28,
// inside the lab manager) print: the table (columns, padding, truncated IDs, the `*` of this node), -q, --filter
// (and the refusal of an unknown one) and --format, including `{{json .}}`'s field names. Every node is paused:
// no task starts, so the REPLICAS column holds still between the two reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src-main/core/lab/exec';
import { cliEnv, flotilla as runFlotilla, type Run } from '../support/cli';
import { describeLab, ensureLabSwarm, LAB_BUSYBOX, nodeExec, type LabNode } from '../support/lab';
import { stackSnapshots } from '../support/stack-snapshot';

let node: LabNode;
let home: string;
const sfx = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x');
const [rep, glob] = [`tbl${sfx}rep`, `tbl${sfx}glob`];

async function docker28(args: string[]): Promise<Run> {
  const r = await nodeExec(node, ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'docker28', ...args]);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}
const flotilla = (args: string[]): Promise<Run> => runFlotilla(['-H', `ssh://root@${node.ip}`, '--ssh-key', node.identity, ...args], { env: cliEnv({ FLOTILLA_HOME: home }) });

describeLab('node ls and service ls print what the docker CLI prints', () => {
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-tables-'));
    node = (await ensureLabSwarm()).manager;
    await stackSnapshots(node, { ipamSubnet: () => false, mine: /^$/ }).setAvailability('pause');
    const has = await run('docker', ['exec', node.name, 'test', '-x', '/usr/local/bin/docker28']);
    if (has.code !== 0) {
      const r = await run('docker', ['cp', '/usr/local/bin/docker', `${node.name}:/usr/local/bin/docker28`]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    for (const args of [
      ['--name', rep, '--replicas', '2', '-p', '31000-31001:80-81', '-p', '31002:90/udp', '-p', 'mode=host,published=31003,target=70', LAB_BUSYBOX, 'sleep', '3600'],
      ['--name', glob, '--mode', 'global', LAB_BUSYBOX, 'sleep', '3600'],
    ]) {
      const r = await docker28(['service', 'create', '-d', ...args]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
  });

  afterAll(async () => {
    if (node) {
      await nodeExec(node, ['docker', 'service', 'rm', rep, glob]).catch(() => undefined);
      await stackSnapshots(node, { ipamSubnet: () => false, mine: /^$/ }).setAvailability('active').catch(() => undefined);
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('the same text for each flag set, and both refuse an unknown filter', async () => {
    const sets = [
      ['node', 'ls'],
      ['node', 'ls', '-q'],
      ['node', 'ls', '--format', '{{json .}}'],
      ['node', 'ls', '--format', 'json'],
      ['node', 'ls', '--filter', 'role=manager'],
      ['node', 'ls', '--filter', 'role=worker', '-q'],
      ['node', 'ls', '--filter', `name=${node.name.replace(/n1$/, 'n2')}`],
      ['node', 'ls', '--format', '{{.Hostname}}\\t{{.Status}} {{.ManagerStatus}}'],
      ['node', 'ls', '--format', 'table {{.Hostname}}\\t{{.Availability}}'],
      ['service', 'ls', '--filter', `name=tbl${sfx}`],
      ['service', 'ls', '--filter', `name=tbl${sfx}`, '-q'],
      ['service', 'ls', '--filter', `name=tbl${sfx}`, '--format', '{{json .}}'],
      ['service', 'ls', '--filter', `name=tbl${sfx}`, '--filter', 'mode=global'],
      ['service', 'ls', '--filter', `name=${rep}`, '--format', '{{.Name}} {{.Ports}}'],
    ];
    const problems: string[] = [];
    for (const args of sets) {
      const [d, f] = await Promise.all([docker28(args), flotilla(args)]);
      expect(d.code, `docker ${args.join(' ')}: ${d.stderr}`).toBe(0);
      if (f.code !== 0 || f.stdout !== d.stdout) problems.push(`${args.join(' ')}\n--- docker\n${d.stdout}--- flotilla (exit ${f.code})\n${f.stdout}${f.stderr}`);
    }
    for (const args of [['node', 'ls', '--filter', 'bogus=1'], ['service', 'ls', '--filter', 'bogus=1'], ['node', 'ls', '-f', 'nameonly']]) {
      const [d, f] = await Promise.all([docker28(args), flotilla(args)]);
      if (d.code === 0 || f.code === 0) problems.push(`${args.join(' ')}: docker exit ${d.code}, flotilla exit ${f.code}`);
    }
    expect(problems.join('\n\n')).toBe('');
  });
});
