// docker-machine's command set through the `flotilla machine` CLI, against one container machine
// (no lab needed): regenerate-certs, upgrade, active, config, url, env, ip, status, inspect, version,
// ls with an engine that never answers, ssh with a command; then a docker-machine store imported with a
// docker context of its own. Oracles: the docker CLI 28, openssl, bash.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { containerMachineLeftovers } from '../support/machines';
import { CONFIG_VERSION } from '../../src-main/core/machines/types';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const pexec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKER = '/usr/local/bin/docker';
const P = `fmc${process.pid % 1000}`;
const NAME = `${P}-a`;
let home: string;
let dockerConfig: string;
let store: MachineStore;

const run = (file: string, args: string[], opts: { env?: Record<string, string | undefined>; timeout?: number } = {}): Promise<Run> =>
  runProgram(file, args, { cwd: root, env: cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER, ...opts.env }), timeout: opts.timeout });

const flotilla = (args: string[], opts: { env?: Record<string, string | undefined>; timeout?: number } = {}) => run(process.execPath, [FLOTILLA_BIN, ...args], opts);
const docker = (args: string[], opts: { env?: Record<string, string | undefined>; timeout?: number } = {}) => run(DOCKER, args, opts);

async function serial(file: string): Promise<string> {
  return (await pexec('openssl', ['x509', '-noout', '-serial', '-in', file])).stdout.trim();
}

const leftovers = (names: string[]): Promise<string[]> => containerMachineLeftovers(store, dockerConfig, names);

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fmc-home-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fmc-dockercfg-'));
  store = new MachineStore(home);
  ok(await flotilla(['machine', 'create', '-d', 'container', NAME], { timeout: 300_000 }), 'machine create');
}, 360_000);

afterAll(async () => {
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
});

describe('flotilla machine verbs on a container machine', () => {
  it('ip, url, status, version, inspect, config agree with the engine the docker CLI reaches', async () => {
    const ip = ok(await flotilla(['machine', 'ip', NAME]), 'ip').stdout.trim();
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const url = ok(await flotilla(['machine', 'url', NAME]), 'url').stdout.trim();
    expect(url).toBe(`tcp://${ip}:2376`);
    expect(ok(await flotilla(['machine', 'status', NAME]), 'status').stdout.trim()).toBe('Running');
    expect(JSON.parse(ok(await flotilla(['--json', 'machine', 'status', NAME]), 'status --json').stdout)).toEqual({ name: NAME, state: 'running' });
    const serverVersion = ok(await docker(['--context', NAME, 'version', '--format', '{{.Server.Version}}']), 'docker version').stdout.trim();
    expect(ok(await flotilla(['machine', 'version', NAME]), 'version').stdout.trim()).toBe(serverVersion);
    const inspect = JSON.parse(ok(await flotilla(['machine', 'inspect', NAME]), 'inspect').stdout) as { name: string; driver: string; state: string; ip: string; url: string; context: string; tls: { ca: string; serverCert: { sans: string[] } } };
    expect(inspect).toMatchObject({ name: NAME, driver: 'container', state: 'running', ip, url, context: NAME });
    expect(inspect.tls.serverCert.sans).toEqual(expect.arrayContaining([ip, NAME, 'localhost']));
    expect(JSON.stringify(inspect)).not.toMatch(/PRIVATE KEY/);
    // `docker $(flotilla machine config NAME) info`
    const flags = ok(await flotilla(['machine', 'config', NAME]), 'config').stdout.trim().split('\n');
    expect(flags).toEqual(['--tlsverify', `--tlscacert=${inspect.tls.ca}`, expect.stringMatching(/^--tlscert=/), expect.stringMatching(/^--tlskey=/), `-H=${url}`]);
    expect(ok(await docker([...flags, 'info', '--format', '{{.Name}}']), 'docker $(config) info').stdout.trim()).toBe(NAME);
  });

  it('env: bash `eval` of it points docker at the machine, `-u` unsets it; active names the machine DOCKER_HOST points at', async () => {
    const env = ok(await flotilla(['machine', 'env', '--shell', 'bash', NAME]), 'env').stdout;
    expect(env).toContain('export DOCKER_HOST="tcp://');
    const unset = ok(await flotilla(['machine', 'env', '--shell', 'bash', '-u']), 'env -u').stdout;
    expect(unset).toContain('unset DOCKER_HOST');
    const envFile = path.join(home, 'env.sh');
    const unsetFile = path.join(home, 'unset.sh');
    await fs.writeFile(envFile, env);
    await fs.writeFile(unsetFile, unset);
    const script = `set -e; eval "$(cat '${envFile}')"; echo "host=$DOCKER_HOST machine=$DOCKER_MACHINE_NAME"; '${DOCKER}' info --format '{{.Name}}'; eval "$(cat '${unsetFile}')"; echo "after=\${DOCKER_HOST:-unset} \${DOCKER_TLS_VERIFY:-unset} \${DOCKER_CERT_PATH:-unset} \${DOCKER_MACHINE_NAME:-unset}"`;
    const r = ok(await run('bash', ['-c', script]), 'bash eval');
    const url = ok(await flotilla(['machine', 'url', NAME]), 'url').stdout.trim();
    expect(r.stdout).toContain(`host=${url} machine=${NAME}`);
    expect(r.stdout.split('\n')).toContain(NAME);
    expect(r.stdout).toContain('after=unset unset unset unset');
    // active: with DOCKER_HOST as `machine env` sets it, and without
    expect(ok(await flotilla(['machine', 'active'], { env: { DOCKER_HOST: url, DOCKER_TLS_VERIFY: '1' } }), 'active').stdout.trim()).toBe(NAME);
    const none = await flotilla(['machine', 'active']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no active machine');
    // ls marks it active the same way
    const ls = ok(await flotilla(['--json', 'machine', 'ls'], { env: { DOCKER_HOST: url } }), 'ls --json');
    expect((JSON.parse(ls.stdout) as Array<{ name: string; active: boolean }>).find((x) => x.name === NAME)?.active).toBe(true);
  });

  it('ssh NAME -- CMD runs the command there', async () => {
    const r = ok(await flotilla(['machine', 'ssh', NAME, '--', 'echo', 'hi', '&&', 'hostname']), 'ssh');
    expect(r.stdout).toBe(`hi\n${NAME}\n`);
    const fail = await flotilla(['machine', 'ssh', NAME, '--', 'exit', '3']);
    expect(fail.code).toBe(3);
  });

  it('regenerate-certs -f gives a new server certificate that openssl verifies, and docker --context still works', async () => {
    const dir = store.machineDir(NAME);
    const before = await serial(path.join(dir, 'server.pem'));
    ok(await flotilla(['machine', 'regenerate-certs', '-f', NAME], { timeout: 240_000 }), 'regenerate-certs');
    const after = await serial(path.join(dir, 'server.pem'));
    expect(after).toMatch(/^serial=/);
    expect(after).not.toBe(before);
    const v = await pexec('openssl', ['verify', '-CAfile', path.join(home, 'certs', 'ca.pem'), path.join(dir, 'server.pem')]);
    expect(v.stdout.trim()).toBe(`${path.join(dir, 'server.pem')}: OK`);
    // the engine serves the new certificate
    const ip = ok(await flotilla(['machine', 'ip', NAME]), 'ip').stdout.trim();
    const served = await run('bash', ['-c', `openssl s_client -connect ${ip}:2376 -CAfile '${path.join(home, 'certs', 'ca.pem')}' -cert '${path.join(dir, 'cert.pem')}' -key '${path.join(dir, 'key.pem')}' </dev/null 2>/dev/null | openssl x509 -noout -serial`]);
    expect(served.stdout.trim()).toBe(after);
    expect(ok(await docker(['--context', NAME, 'info', '--format', '{{.Name}}']), 'docker --context info').stdout.trim()).toBe(NAME);
    // without -f and without a terminal it asks, cannot, and changes nothing
    const refused = await flotilla(['machine', 'regenerate-certs', NAME]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('add -f');
    expect(await serial(path.join(dir, 'server.pem'))).toBe(after);
  }, 300_000);

  it('upgrade runs the OS package upgrade of Docker, restarts it, and the engine answers again', async () => {
    const since = async () => ok(await flotilla(['machine', 'ssh', NAME, '--', 'systemctl', 'show', 'docker', '-p', 'ActiveEnterTimestampMonotonic', '--value']), 'systemctl show').stdout.trim();
    const before = await since();
    const r = ok(await flotilla(['machine', 'upgrade', NAME], { timeout: 300_000 }), 'upgrade');
    expect(await since()).not.toBe(before);
    expect(await store.readLog(NAME)).toMatch(/docker\.io/);
    expect(r.stdout.trim()).toBe(`${NAME} upgraded`);
    const version = ok(await docker(['--context', NAME, 'version', '--format', '{{.Server.Version}}']), 'docker version').stdout.trim();
    expect(ok(await flotilla(['machine', 'version', NAME]), 'version').stdout.trim()).toBe(version);
    expect((await store.load(NAME)).dockerVersion).toBe(version);
  }, 360_000);

  it('ls returns within its timeout when one engine never answers, with the error in ERRORS', async () => {
    // a "machine" whose ssh and engine ports accept connections and then say nothing (docker-machine waited forever here)
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => void held.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const hung = `${P}-hung`;
    try {
      await store.reserve(hung);
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await fs.copyFile(path.join(store.machineDir(NAME), f), path.join(store.machineDir(hung), f));
      await store.save({
        configVersion: CONFIG_VERSION,
        name: hung,
        driver: 'generic',
        createdAt: new Date().toISOString(),
        state: 'ready',
        spec: { cpus: 0, memoryMb: 0, diskGb: 0, options: {} },
        engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
        endpoint: { ip: '127.0.0.1', ssh: { host: '127.0.0.1', port, user: 'root' }, docker: { host: '127.0.0.1', port } },
        driverData: { address: '127.0.0.1', sshPort: port, enginePort: port, user: 'root' },
        sshKey: 'id_ed25519',
      });
      // what starting the CLI costs on this machine right now, to judge ls's own time
      const t0 = Date.now();
      ok(await flotilla(['--version']), 'version');
      const startup = Date.now() - t0;
      const started = Date.now();
      const r = ok(await flotilla(['machine', 'ls', '-t', '3'], { timeout: 60_000 }), 'ls');
      const took = Date.now() - started;
      // 3 s of waiting plus startup and some slack; before the query was aborted at the deadline, the CLI sat on the silent socket for 16 s
      expect(took, `startup ${startup} ms`).toBeGreaterThanOrEqual(3_000);
      expect(took, `startup ${startup} ms`).toBeLessThan(3_000 + startup + 3_000);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0].split(/\s{2,}/)).toEqual(['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'SWARM', 'DOCKER', 'ERRORS']);
      const hungLine = lines.find((l) => l.startsWith(`${hung} `));
      expect(hungLine, r.stdout).toMatch(/generic\s+Timeout\s+.*Unknown\s+no answer within 3 s$/);
      const goodLine = lines.find((l) => l.startsWith(`${NAME} `));
      expect(goodLine, r.stdout).toMatch(/container\s+Running\s+tcp:\/\/\S+:2376\s+v\d+\.\d+/);
      const json = JSON.parse(ok(await flotilla(['--json', 'machine', 'ls', '-t', '3'], { timeout: 60_000 }), 'ls --json').stdout) as Array<{ name: string; state: string; error: string }>;
      expect(json.find((x) => x.name === hung)).toMatchObject({ state: 'timeout', error: 'no answer within 3 s' });
      expect(json.find((x) => x.name === NAME)).toMatchObject({ state: 'running', error: '' });
    } finally {
      for (const s of held) s.destroy();
      silent.close();
      await store.removeDir(hung).catch(() => undefined);
    }
  });
});

describe('docker-machine import keeps a docker context per machine', () => {
  it('`docker --context NAME` reaches an imported machine, and rm removes the context but not the docker-machine files', async () => {
    const dm = await fs.mkdtemp(path.join(os.tmpdir(), 'fmc-dm-'));
    const dmName = `${P}-dm1`;
    try {
      const cfg = await store.load(NAME);
      const d = path.join(dm, 'machines', dmName);
      await fs.mkdir(path.join(dm, 'certs'), { recursive: true });
      await fs.mkdir(d, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
        await fs.copyFile(path.join(home, 'certs', f), path.join(dm, 'certs', f));
        await fs.copyFile(path.join(store.machineDir(NAME), f), path.join(d, f));
      }
      await fs.copyFile(path.join(store.machineDir(NAME), 'id_ed25519'), path.join(d, 'id_rsa'));
      const v3 = {
        ConfigVersion: 3,
        DriverName: 'generic',
        Name: dmName,
        Driver: { IPAddress: cfg.endpoint!.ip, MachineName: dmName, SSHUser: 'root', SSHPort: 22, SSHKeyPath: path.join(d, 'id_rsa'), StorePath: dm, EnginePort: 2376, SSHKey: '' },
        HostOptions: {
          Driver: '',
          EngineOptions: { ArbitraryFlags: [], Dns: null, GraphDir: '', Env: [], Ipv6: false, InsecureRegistry: [], Labels: [], LogLevel: '', StorageDriver: '', SelinuxEnabled: false, TlsVerify: true, RegistryMirror: [], InstallURL: 'https://get.docker.com' },
          AuthOptions: { CertDir: path.join(dm, 'certs'), CaCertPath: path.join(dm, 'certs', 'ca.pem'), ClientCertPath: path.join(dm, 'certs', 'cert.pem'), ClientKeyPath: path.join(dm, 'certs', 'key.pem'), ServerCertPath: path.join(d, 'server.pem'), ServerKeyPath: path.join(d, 'server-key.pem'), ServerCertSANs: [], StorePath: d },
        },
      };
      await fs.writeFile(path.join(d, 'config.json'), JSON.stringify(v3, null, 2), { mode: 0o600 });
      const snapshot = async () => JSON.stringify(await fs.readdir(d)) + (await fs.readFile(path.join(d, 'config.json'), 'utf8')) + JSON.stringify((await fs.stat(d)).mtimeMs);
      const before = await snapshot();

      const imported = JSON.parse(ok(await flotilla(['--json', 'machine', 'import', '--from', dm]), 'import').stdout) as Array<{ name: string; imported: boolean; reachable: boolean; context?: string }>;
      expect(imported).toEqual([expect.objectContaining({ name: dmName, imported: true, reachable: true, context: dmName })]);
      const ctx = JSON.parse(ok(await docker(['context', 'inspect', dmName]), 'context inspect').stdout) as Array<{ Endpoints: { docker: { Host: string } } }>;
      expect(ctx[0].Endpoints.docker.Host).toBe(`tcp://${cfg.endpoint!.ip}:2376`);
      expect(ok(await docker(['--context', dmName, 'info', '--format', '{{.Name}}']), 'docker --context dm1 info').stdout.trim()).toBe(NAME);
      expect(JSON.parse(ok(await flotilla(['machine', 'inspect', dmName]), 'inspect').stdout)).toMatchObject({ driver: 'docker-machine', context: dmName });

      ok(await flotilla(['machine', 'rm', '-y', dmName]), 'rm imported');
      expect(await leftovers([dmName])).toEqual([]);
      expect(await snapshot()).toBe(before);
      // the machine it pointed at is untouched
      expect(ok(await docker(['--context', NAME, 'info', '--format', '{{.Name}}']), 'docker --context info').stdout.trim()).toBe(NAME);
    } finally {
      await fs.rm(dm, { recursive: true, force: true });
    }
  });

  it('a context of the same name that Flotilla did not make is left alone and the import says so', async () => {
    const dm = await fs.mkdtemp(path.join(os.tmpdir(), 'fmc-dm2-'));
    const dmName = `${P}-dm2`;
    try {
      ok(await docker(['context', 'create', dmName, '--description', 'mine', '--docker', 'host=tcp://192.0.2.1:2376']), 'context create');
      const cfg = await store.load(NAME);
      const d = path.join(dm, 'machines', dmName);
      await fs.mkdir(d, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await fs.copyFile(path.join(store.machineDir(NAME), f), path.join(d, f));
      await fs.writeFile(path.join(d, 'config.json'), JSON.stringify({ ConfigVersion: 3, DriverName: 'generic', Name: dmName, Driver: { IPAddress: cfg.endpoint!.ip, SSHUser: 'root', SSHPort: 22, EnginePort: 2376 } }));
      const imported = JSON.parse(ok(await flotilla(['--json', 'machine', 'import', '--from', dm]), 'import').stdout) as Array<{ name: string; imported: boolean; context?: string; reason?: string }>;
      expect(imported[0]).toMatchObject({ name: dmName, imported: true });
      expect(imported[0].context).toBeUndefined();
      expect(imported[0].reason).toContain(`a docker context named ${dmName} already exists and was not made by Flotilla`);
      ok(await flotilla(['machine', 'rm', '-y', dmName]), 'rm imported');
      const still = JSON.parse(ok(await docker(['context', 'inspect', dmName]), 'context inspect').stdout) as Array<{ Metadata: { Description: string }; Endpoints: { docker: { Host: string } } }>;
      expect(still[0].Metadata.Description).toBe('mine');
      expect(still[0].Endpoints.docker.Host).toBe('tcp://192.0.2.1:2376');
    } finally {
      await docker(['context', 'rm', '-f', dmName]);
      await fs.rm(dm, { recursive: true, force: true });
    }
  });
});

describe('rm', () => {
  it('removes the machine and everything it made', async () => {
    ok(await flotilla(['machine', 'rm', '-y', NAME]), 'rm');
    expect(await leftovers([NAME])).toEqual([]);
    expect(JSON.parse(ok(await flotilla(['--json', 'machine', 'ls']), 'ls').stdout)).toEqual([]);
  });
});
