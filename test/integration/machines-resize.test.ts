// `machine set` and stable addresses on container machines, for real (issue 19 items 4 and 5), through the
// `flotilla` binary: CPUs and memory applied live with the engine's update, the disk refused with what is possible,
// bad input refused with the fix; addresses kept across stop and start whatever order machines start in; an address
// changed by hand followed at the next contact (new server certificate, docker context updated, said on stderr).
// Oracles: the docker CLI 28 (`docker inspect`, `docker --context NAME`) and openssl. No lab needed.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerMachineLeftovers } from '../support/machines';
import { cliEnv, FLOTILLA_BIN, ok, run, type Run } from '../support/cli';

const pexec = promisify(execFile);
const DOCKER = '/usr/local/bin/docker';
const P = `fmr${process.pid % 1000}`;
const A = `${P}-a`;
const B = `${P}-b`;
// a network of this file's own: the shared flotilla-machines network may have been made by an older Flotilla
const NET = `${P}-net`;
let home: string;
let dockerConfig: string;
let store: MachineStore;

const env = (): NodeJS.ProcessEnv => cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER });
const flotilla = (args: string[], timeout = 300_000): Promise<Run> => run(process.execPath, [FLOTILLA_BIN, ...args], { env: env(), timeout });
const docker = (args: string[]): Promise<Run> => run(DOCKER, args, { env: env() });
const container = (name: string): string => `flotilla-${name}`;

async function inspectContainer(name: string): Promise<{ ip: string; nanoCpus: number; memory: number }> {
  const r = ok(await docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}} {{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}`, container(name)]), 'docker inspect');
  const [ip, nanoCpus, memory] = r.stdout.trim().split(' ');
  return { ip, nanoCpus: Number(nanoCpus), memory: Number(memory) };
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fmr-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fmr-dockercfg-'));
  store = new MachineStore(home);
  const made = await Promise.all([A, B].map((n) => flotilla(['machine', 'create', '-d', 'container', '--container-network', NET, '--cpus', '1', '--memory', '512', n])));
  made.forEach((r, i) => ok(r, `machine create ${[A, B][i]}`));
}, 900_000);

afterAll(async () => {
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  expect(await containerMachineLeftovers(store, dockerConfig, [A, B])).toEqual([]);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
}, 300_000);

describe('machine set on a container machine', () => {
  it('applies CPUs and memory live with the engine\'s update; inspect and the engine agree', async () => {
    const before = await inspectContainer(A);
    expect(before).toMatchObject({ nanoCpus: 1e9, memory: 512 * 2 ** 20 });
    const r = ok(await flotilla(['machine', 'set', A, '--cpus', '2', '--memory', '1g']), 'machine set');
    expect(r.stdout).toContain(`${A}: cpus 1 -> 2 (applied live)`);
    expect(r.stdout).toContain(`${A}: memory 512 MB -> 1024 MB (applied live)`);
    expect(await inspectContainer(A)).toEqual({ ip: before.ip, nanoCpus: 2e9, memory: 2 ** 30 });
    // live: still running, the engine still answers over TLS
    ok(await docker(['--context', A, 'info', '--format', '{{.ServerVersion}}']), 'docker --context info');
    // the kernel's limit, read inside the machine (it sees this computer's cgroup tree): cgroupfs or systemd, v1 or v2
    const id = ok(await docker(['inspect', '--format', '{{.Id}}', container(A)]), 'docker inspect id').stdout.trim();
    const files = [`memory/docker/${id}/memory.limit_in_bytes`, `memory/system.slice/docker-${id}.scope/memory.limit_in_bytes`, `docker/${id}/memory.max`, `system.slice/docker-${id}.scope/memory.max`];
    const inside = ok(await flotilla(['machine', 'ssh', A, `for f in ${files.map((f) => `/sys/fs/cgroup/${f}`).join(' ')}; do [ -r $f ] && cat $f && break; done`]), 'ssh');
    expect(inside.stdout.trim()).toBe(String(2 ** 30));
    const spec = (JSON.parse(ok(await flotilla(['--json', 'machine', 'inspect', A]), 'inspect').stdout) as { spec: { cpus: number; memoryMb: number } }).spec;
    expect(spec).toMatchObject({ cpus: 2, memoryMb: 1024 });
    const json = JSON.parse(ok(await flotilla(['--json', 'machine', 'set', A, '--memory', '1024']), 'set --json').stdout) as { changes: string[]; notes: string[] };
    expect(json).toMatchObject({ changes: [], notes: [`${A} already has that size: nothing changed`] });
  });

  it('refuses a disk size (a container machine has none) and bad input, naming the fix, and changes nothing', async () => {
    const disk = await flotilla(['machine', 'set', A, '--disk', '40g']);
    expect(disk.code).toBe(1);
    expect(disk.stderr).toContain('a container machine has no disk size to change');
    expect(disk.stderr).toContain('leave out --disk (it applies to qemu, virtualbox and hyperv VMs)');
    const none = await flotilla(['machine', 'set', A]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`nothing to change: give --cpus N, --memory SIZE or --disk SIZE (e.g. flotilla machine set ${A} --memory 2g)`);
    const bad = await flotilla(['machine', 'set', A, '--memory', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --memory "lots": expected a size like 2048, 512m or 2g');
    const tooMany = await flotilla(['machine', 'set', A, '--cpus', '4096']);
    expect(tooMany.code).toBe(2);
    const missing = await flotilla(['machine', 'set', `${P}-none`, '--cpus', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no such machine: ${P}-none; list them with \`flotilla machine ls\``);
    expect(await inspectContainer(A)).toMatchObject({ nanoCpus: 2e9, memory: 2 ** 30 });
  });
});

describe('container machines keep their address', () => {
  it('across stop and start, even when the machines start again in the other order', async () => {
    const ipA = (await inspectContainer(A)).ip;
    const ipB = (await inspectContainer(B)).ip;
    ok(await flotilla(['machine', 'stop', A, B]), 'stop both');
    // the engine would give B the first free address (A's) if nothing pinned them
    ok(await flotilla(['machine', 'start', B]), 'start B');
    ok(await flotilla(['machine', 'start', A]), 'start A');
    expect((await inspectContainer(A)).ip).toBe(ipA);
    expect((await inspectContainer(B)).ip).toBe(ipB);
    expect(ok(await flotilla(['machine', 'ip', A]), 'ip').stdout.trim()).toBe(ipA);
    ok(await docker(['--context', B, 'info', '--format', '{{.ServerVersion}}']), 'docker --context B info');
  });

  it('an address changed by hand while stopped is followed at the next contact: new server certificate, docker context updated, said on stderr', async () => {
    const old = (await inspectContainer(B)).ip;
    const subnet = ok(await docker(['network', 'inspect', NET, '--format', '{{(index .IPAM.Config 0).Subnet}}']), 'network inspect').stdout.trim();
    const base = subnet.split('/')[0].split('.').slice(0, 3).join('.');
    const moved = `${base}.${200 + (process.pid % 50)}`;
    // by hand, as a user would: stop, reconnect with another --ip, start, all with the docker CLI
    ok(await docker(['stop', '-t', '30', container(B)]), 'docker stop');
    ok(await docker(['network', 'disconnect', NET, container(B)]), 'disconnect');
    ok(await docker(['network', 'connect', '--ip', moved, NET, container(B)]), 'connect --ip');
    ok(await docker(['start', container(B)]), 'docker start');
    expect((await inspectContainer(B)).ip).toBe(moved);
    // the next contact: `machine env` (DOCKER_HOST for the new address), with what was done on stderr
    const e = ok(await flotilla(['machine', 'env', B]), 'machine env');
    expect(e.stderr).toContain(`${B}: address changed (${old} -> ${moved}: a new server certificate for it, and the docker context ${B} updated)`);
    expect(e.stderr).toContain(`${B}: address followed`);
    expect(e.stdout).toContain(`export DOCKER_HOST="tcp://${moved}:2376"`);
    // the docker CLI reaches it through its context, verifying the new certificate
    const ctx = ok(await docker(['context', 'inspect', B, '--format', '{{.Endpoints.docker.Host}}']), 'context inspect');
    expect(ctx.stdout.trim()).toBe(`tcp://${moved}:2376`);
    ok(await docker(['--context', B, 'info', '--format', '{{.ServerVersion}}']), 'docker --context info at the new address');
    const sans = (await pexec('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', path.join(store.machineDir(B), 'server.pem')])).stdout;
    // whole addresses: 192.168.224.2 is a prefix of 192.168.224.244
    const ips = [...sans.matchAll(/IP Address:([\d.]+)/g)].map((m) => m[1]);
    expect(ips).toContain(moved);
    expect(ips).not.toContain(old);
    // a second contact has nothing to follow
    const again = ok(await flotilla(['machine', 'ip', B]), 'machine ip');
    expect(again.stdout.trim()).toBe(moved);
    expect(again.stderr).not.toContain('address changed');
  });
});
