// The one-click swarm through the `flotilla` binary with TWO managers: `swarm create NAME --driver container
// --managers 2` makes two container machines (TLS, docker contexts) and forms one swarm; the docker CLI 28 over each
// machine's context is the oracle (both managers, one Leader and one Reachable, and the raft agrees from either side);
// then `flotilla --machine NAME-m2 node ls` through the second manager, and `swarm rm -y` leaves nothing. No lab needed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerName } from '../../src-main/core/machines/drivers/container';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const DOCKER = '/usr/local/bin/docker';
const SW = `fscm${process.pid % 1000}`;
let home: string;
let dockerConfig: string;
let store: MachineStore;

const run = (file: string, args: string[], timeout?: number): Promise<Run> => runProgram(file, args, { env: cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER }), timeout });
const flotilla = (args: string[], timeout?: number) => run(process.execPath, [FLOTILLA_BIN, ...args], timeout);
const docker = (args: string[]) => run(DOCKER, args);

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fscm-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fscm-dockercfg-'));
  store = new MachineStore(home);
});

afterAll(async () => {
  // whatever a failed run left: the machines (containers, volumes, contexts) and the throw-away folders
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
}, 180_000);

describe('one-click swarm with two managers through the CLI', () => {
  it('swarm create NAME --driver container --managers 2 --workers 0: both machines managers of one swarm; swarm rm -y leaves nothing', async () => {
    const [m1, m2] = [`${SW}-m1`, `${SW}-m2`];
    // each machine is a systemd container: on a host already crowded with them systemd runs out of inotify instances
    // (fs.inotify.max_user_instances, 128 by default), sshd never starts and create reports SSH refused
    const created = ok(await flotilla(['--json', 'swarm', 'create', SW, '--driver', 'container', '--managers', '2', '--workers', '0'], 420_000), 'swarm create');
    const r = JSON.parse(created.stdout) as { managers: string[]; workers: string[]; clusterId: string };
    expect(r.managers).toEqual([m1, m2]);
    expect(r.workers).toEqual([]);

    // the oracle, from each manager's own context over TLS: the same cluster, two managers, one of them the leader
    for (const ctx of [m1, m2]) {
      const info = ok(await docker(['--context', ctx, 'info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Cluster.ID}} {{.Swarm.Managers}}']), `docker info on ${ctx}`);
      expect(info.stdout.trim()).toBe(`active true ${r.clusterId} 2`);
    }
    const rows = async (ctx: string) => ok(await docker(['--context', ctx, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}']), `node ls on ${ctx}`).stdout.trim().split('\n').sort();
    expect(await rows(m1)).toEqual([`${m1} Ready Leader`, `${m2} Ready Reachable`]);
    expect(await rows(m2)).toEqual([`${m1} Ready Leader`, `${m2} Ready Reachable`]);
    // each advertises its own machine IP
    for (const n of [m1, m2]) {
      const ip = ok(await flotilla(['machine', 'ip', n]), `machine ip ${n}`).stdout.trim();
      expect(ok(await docker(['--context', n, 'info', '--format', '{{.Swarm.NodeAddr}}']), `NodeAddr of ${n}`).stdout.trim()).toBe(ip);
    }
    // Flotilla through the second manager sees the same
    const ls = JSON.parse(ok(await flotilla(['--machine', m2, '--json', 'node', 'ls']), 'node ls via m2').stdout) as Array<{ hostname: string; role: string; leader: boolean; status: string }>;
    expect(ls.map((n) => [n.hostname, n.role, n.leader, n.status]).sort()).toEqual([
      [m1, 'manager', true, 'ready'],
      [m2, 'manager', false, 'ready'],
    ]);
    expect(created.stdout + created.stderr).not.toMatch(/SWMTKN/);

    ok(await flotilla(['swarm', 'rm', '-y', SW], 180_000), 'swarm rm');
    for (const n of [m1, m2]) {
      expect((await docker(['-H', 'unix:///var/run/docker.sock', 'container', 'inspect', containerName(n)])).code, `container of ${n} left`).not.toBe(0);
      expect((await docker(['context', 'inspect', n])).code, `context ${n} left`).not.toBe(0);
      expect(await store.exists(n)).toBe(false);
    }
    const again = await flotilla(['swarm', 'rm', '-y', SW]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no one-click swarm named ${SW}`);
  }, 600_000);
});
