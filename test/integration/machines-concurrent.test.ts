// Three `flotilla machine create -d container` processes started at once on one fresh store: they share its CA,
// known_hosts and machines folder through the file locks, so all three succeed, all three are listed and reachable
// over TLS by the docker CLI 28 (the oracle), with one CA and every host key pinned. Then three `machine rm`
// processes at once leave nothing behind. No lab needed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerMachineLeftovers } from '../support/machines';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const DOCKER = '/usr/local/bin/docker';
const P = `fcc${process.pid % 1000}`; // machine name prefix, unique per run
const NAMES = [1, 2, 3].map((i) => `${P}-${i}`);
let home: string;
let dockerConfig: string;
let store: MachineStore;

const run = (file: string, args: string[], timeout?: number): Promise<Run> => runProgram(file, args, { env: cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER }), timeout });
const flotilla = (args: string[], timeout?: number) => run(process.execPath, [FLOTILLA_BIN, ...args], timeout);

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fcc-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fcc-dockercfg-'));
  store = new MachineStore(home);
  // bin/flotilla.mjs rebuilds a stale bundle: once here, not three times at once below
  ok(await flotilla(['--version'], 300_000), 'flotilla --version');
}, 320_000);

afterAll(async () => {
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
}, 180_000);

describe('concurrent machine commands on one store', () => {
  it('three `machine create -d container` at once all succeed, share one CA, are listed and reachable; three `rm` at once leave nothing', async () => {
    expect(await fs.readdir(home)).toEqual([]); // a fresh store: the three race to make the CA
    const created = await Promise.all(NAMES.map((n) => flotilla(['machine', 'create', '-d', 'container', n], 420_000)));
    created.forEach((r, i) => ok(r, `machine create ${NAMES[i]}`));

    const listed = JSON.parse(ok(await flotilla(['--json', 'machine', 'ls', '-t', '20'], 60_000), 'machine ls').stdout) as Array<{ name: string; state: string }>;
    expect(listed.map((m) => [m.name, m.state]).sort()).toEqual(NAMES.map((n) => [n, 'running']));

    // one CA: every machine's ca.pem is the store's
    const ca = await fs.readFile(path.join(home, 'certs', 'ca.pem'), 'utf8');
    for (const n of NAMES) expect(await fs.readFile(store.tlsFiles(n).ca, 'utf8'), `${n}'s ca.pem`).toBe(ca);
    // the oracle: the docker CLI over each machine's context (TLS, verified against that CA)
    for (const n of NAMES) expect(ok(await run(DOCKER, ['--context', n, 'info', '--format', '{{.Name}}']), `docker --context ${n} info`).stdout.trim()).toBe(n);
    // every host key pinned: none lost to another process's rewrite of known_hosts
    const pinned = await fs.readFile(store.knownHostsFile, 'utf8');
    for (const n of NAMES) {
      const ssh = (await store.load(n)).endpoint?.ssh;
      expect(ssh, `${n}'s endpoint`).toBeDefined();
      const pattern = ssh!.port === 22 ? ssh!.host : `[${ssh!.host}]:${ssh!.port}`;
      // container machines record every host key the node has (one line per key type) before the first SSH
      const types = pinned.split('\n').filter((l) => l.split(' ')[0] === pattern).map((l) => l.split(' ')[1]);
      expect(types.length, `known_hosts lines of ${n}`).toBeGreaterThan(0);
      expect(types, `known_hosts lines of ${n}: each key type exactly once`).toEqual([...new Set(types)]);
    }
    // no lock file left in the store
    expect((await fs.readdir(home)).filter((f) => f.endsWith('.lock'))).toEqual([]);
    expect((await fs.readdir(store.machinesDir)).sort()).toEqual(NAMES);

    const removed = await Promise.all(NAMES.map((n) => flotilla(['machine', 'rm', '-y', n], 180_000)));
    removed.forEach((r, i) => ok(r, `machine rm ${NAMES[i]}`));
    expect(await containerMachineLeftovers(store, dockerConfig, NAMES)).toEqual([]);
    expect(JSON.parse(ok(await flotilla(['--json', 'machine', 'ls'], 60_000), 'machine ls').stdout)).toEqual([]);
    expect((await fs.readFile(store.knownHostsFile, 'utf8').catch(() => '')).trim()).toBe('');
  }, 900_000);
});
