// The lab itself, on its own small lab "flt" (10.88.9.0/24) so the shared lab other tests use is untouched:
// up returns the documented shape and is idempotent, the nodes have the right names and addresses, root logs in
// over SSH with the lab identity, every node's engine holds the busybox workload image, an extra host without
// Docker can be added, and down leaves no container, volume or network behind. The docker CLI is the oracle.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { LabNode } from '../../src-main/api/domains/lab';
import { labDown, labHost, labStatus, labUp, LAB_LABEL } from '../../src-main/core/lab';
import { describeLab, LAB_BUSYBOX, nodeDocker, nodeExec } from '../support/lab';

const NAME = 'flt';
const SUBNET = '10.88.9.0/24';
const root = path.resolve(import.meta.dirname, '..', '..');

function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const labelled = (kind: 'ps -a' | 'volume ls' | 'network ls') => docker([...kind.split(' '), '-q', '--filter', `label=${LAB_LABEL}=${NAME}`]).split('\n').filter(Boolean);
const containerIds = (names: string[]) => names.map((n) => docker(['inspect', '--format', '{{.Id}}', n]));

function sshRun(node: LabNode, command: string): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('ready', () =>
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.resume();
        stream.on('close', (code: number) => {
          c.end();
          resolve({ stdout, code });
        });
      }),
    );
    c.on('error', reject);
    c.connect({ host: node.ip, port: 22, username: 'root', privateKey: fs.readFileSync(node.identity), readyTimeout: 20_000, hostVerifier: () => true });
  });
}

let nodes: LabNode[] = [];

describeLab('lab: up, status, SSH, workload image, down', () => {
  beforeAll(async () => {
    nodes = await labUp({ name: NAME, nodes: 2, subnet: SUBNET });
  });
  afterAll(async () => {
    await labDown(NAME);
  });

  it('returns [{name, ip, ssh, identity}] with fixed names and addresses and a 0600 key', () => {
    expect(z.array(LabNode.strict()).parse(nodes)).toEqual(nodes);
    expect(nodes.map((n) => [n.name, n.ip, n.ssh])).toEqual([
      ['flt-n1', '10.88.9.11', 'ssh://root@10.88.9.11'],
      ['flt-n2', '10.88.9.12', 'ssh://root@10.88.9.12'],
    ]);
    for (const n of nodes) {
      expect(path.isAbsolute(n.identity)).toBe(true);
      expect(fs.statSync(n.identity).mode & 0o777).toBe(0o600);
    }
  });

  it('gives each node its hostname and lab address, labelled containers on the lab network', async () => {
    for (const n of nodes) {
      expect((await nodeExec(n, ['hostname'])).stdout.trim()).toBe(n.name);
      expect((await nodeExec(n, ['ip', '-4', '-o', 'addr', 'show'])).stdout).toContain(`inet ${n.ip}/24`);
      expect(docker(['inspect', '--format', `{{index .Config.Labels "${LAB_LABEL}"}} {{(index .NetworkSettings.Networks "${NAME}").IPAddress}}`, n.name])).toBe(`${NAME} ${n.ip}`);
    }
    expect(docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', NAME])).toBe(SUBNET);
  });

  it('lets root in over SSH with the lab identity, with dockerd running', async () => {
    for (const n of nodes) {
      const r = await sshRun(n, "hostname && docker version --format '{{.Server.Version}}'");
      expect(r.code).toBe(0);
      const [host, version] = r.stdout.trim().split('\n');
      expect(host).toBe(n.name);
      expect(version).toMatch(/^\d+\.\d+/);
    }
  });

  it('has the busybox workload image in every node engine, and it runs', async () => {
    for (const n of nodes) {
      const r = await nodeDocker(n, ['run', '--rm', '--network', 'none', LAB_BUSYBOX, 'sh', '-c', 'echo hello from $(hostname -s | cut -c1-4) && httpd --help 2>&1 | head -1']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^hello from \w+\nBusyBox v1\./);
    }
    expect(docker(['image', 'inspect', '--format', '{{.Size}}', LAB_BUSYBOX])).toMatch(/^\d+$/);
  });

  it('is idempotent: up again reuses the running nodes; status reports the same', async () => {
    const before = containerIds(nodes.map((n) => n.name));
    const again = await labUp({ name: NAME, nodes: 2, subnet: SUBNET });
    expect(again).toEqual(nodes);
    expect(containerIds(nodes.map((n) => n.name))).toEqual(before);
    // status lists every running node of the lab (a flt-n3 may be left from an earlier run): ours come first
    expect((await labStatus(NAME)).slice(0, 2)).toEqual(nodes);
  });

  it('adds a missing node and prints exactly the node array with the CLI --json', () => {
    const r = spawnSync('node', [path.join(root, 'bin/flotilla.mjs'), 'lab', 'up', '--nodes', '3', '--name', NAME, '--subnet', SUBNET, '--json'], { encoding: 'utf8', cwd: root });
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as unknown;
    expect(printed).toEqual([...nodes, { name: 'flt-n3', ip: '10.88.9.13', ssh: 'ssh://root@10.88.9.13', identity: nodes[0].identity }]);
    expect(Object.keys((printed as object[])[2]).sort()).toEqual(['identity', 'ip', 'name', 'ssh']);
  });

  it('refuses to move a running lab to another subnet, naming the fix', async () => {
    await expect(labUp({ name: NAME, nodes: 1, subnet: '10.88.10.0/24' })).rejects.toThrow(/already runs on subnet 10\.88\.9\.0\/24.*lab down --name flt/);
  });

  it('starts an extra host without Docker that root can reach over SSH', async () => {
    const host = await labHost({ lab: NAME, name: 'flt-gen1', ip: '10.88.9.50', image: 'nodocker' });
    expect(host).toEqual({ name: 'flt-gen1', ip: '10.88.9.50', ssh: 'ssh://root@10.88.9.50', identity: nodes[0].identity });
    const r = await sshRun(host, 'hostname; command -v docker || echo no-docker; systemctl is-active ssh');
    expect(r.stdout.trim().split('\n')).toEqual(['flt-gen1', 'no-docker', 'active']);
    // hosts are not swarm nodes: status lists only the lab's nodes
    expect((await labStatus(NAME)).map((n) => n.name)).toEqual(['flt-n1', 'flt-n2', 'flt-n3']);
  });

  it('down removes every container, volume and network it made, and the key', async () => {
    expect(labelled('ps -a').length).toBe(4);
    expect(labelled('volume ls').length).toBe(4);
    const res = await labDown(NAME);
    expect(res.containers.sort()).toEqual(['flt-gen1', 'flt-n1', 'flt-n2', 'flt-n3']);
    expect(labelled('ps -a')).toEqual([]);
    expect(labelled('volume ls')).toEqual([]);
    expect(labelled('network ls')).toEqual([]);
    expect(fs.existsSync(nodes[0].identity)).toBe(false);
    expect(await labStatus(NAME)).toEqual([]);
  });
});
