// The foundation as a new user meets it: `npm start` where no Electron binary is installed falls back to
// browser mode, `flotilla serve --listen` warns and still wants the token, `engine info` / `engine ls`
// agree with the docker CLI, help and bad flags behave, and -H ssh:// / --tlscacert reach lab engines.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeLab, labNodes, type LabNode } from '../support/lab';
import { inNode, waitFor } from './engine-shared';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const pexec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKER = '/usr/local/bin/docker';
let dockerConfig: string;

const cleanEnv = (env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => cliEnv({ DOCKER_CONFIG: dockerConfig, ELECTRON_EXEC_PATH: undefined, FLOTILLA_DEBUG: undefined, ...env });
const run = (file: string, args: string[], env: Record<string, string | undefined> = {}, timeout = 60_000): Promise<Run> => runProgram(file, args, { cwd: root, env: cleanEnv(env), timeout });

const flotilla = (args: string[], env: Record<string, string | undefined> = {}) => run(process.execPath, [FLOTILLA_BIN, ...args], env);
const docker = (args: string[], env: Record<string, string | undefined> = {}) => run(DOCKER, args, env);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A long-running child in its own process group (npm -> sh -> node -> node), with its output collected. */
interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}
const procs: Proc[] = [];

function start(file: string, args: string[], env: Record<string, string | undefined> = {}): Proc {
  const child = spawn(file, args, { cwd: root, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, out: () => out, err: () => err, exited };
  procs.push(p);
  return p;
}

async function killTree(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null || !p.child.pid) return;
  try {
    process.kill(-p.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const done = await Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
  if (!done) {
    try {
      process.kill(-p.child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** No process of the group is left once it was killed. */
async function groupGone(pid: number): Promise<boolean> {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function urlFrom(p: Proc, port: number): Promise<string> {
  const re = new RegExp(`http://[^\\s/]+:${port}/\\?token=[A-Za-z0-9_-]+`);
  await waitFor(`a line with the URL on port ${port} (stdout so far: ${p.out()} / stderr: ${p.err()})`, () => re.test(p.out()) || p.child.exitCode !== null, 120_000);
  const m = re.exec(p.out());
  expect(m, `no URL printed; stdout: ${p.out()}\nstderr: ${p.err()}`).not.toBeNull();
  return m![0];
}

function wsStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

/** The page and its WebSocket answer with the token and say 401 without (always dialled on 127.0.0.1). */
async function checkToken(port: number, token: string): Promise<void> {
  const page = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<html/i);
  // the renderer's files are public since the cookie went (SECURITY.md): the WebSocket is what the token guards
  const none = await fetch(`http://127.0.0.1:${port}/`);
  expect(none.status).toBe(200);
  expect(none.headers.get('set-cookie')).toBeNull();
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws`)).toBe(401);
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws?token=wrong`)).toBe(401);
  expect(await wsStatus(`ws://127.0.0.1:${port}/ws?token=${token}`)).toBe(101);
}

beforeAll(() => {
  dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'fcl-dockercfg-'));
});

afterEach(async () => {
  for (const p of procs.splice(0)) await killTree(p);
});

afterAll(() => {
  fs.rmSync(dockerConfig, { recursive: true, force: true });
});

describe('npm start and flotilla serve', () => {
  it('`npm start` without an Electron binary says so in one line, then serves browser mode with a token', async () => {
    const electronDir = path.join(root, 'node_modules', 'electron');
    expect(fs.existsSync(path.join(electronDir, 'path.txt')), 'this machine has the Electron binary: the fallback cannot be seen here').toBe(false);
    const port = await freePort();
    const p = start('npm', ['start', '--', '--port', String(port)]);
    const url = await urlFrom(p, port);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=`));
    const lines = p.out().split('\n');
    const explain = lines.findIndex((l) => l.includes('Electron binary is not installed'));
    const urlLine = lines.findIndex((l) => l.includes(url));
    expect(explain, p.out()).toBeGreaterThanOrEqual(0);
    expect(lines[explain]).toBe('The Electron binary is not installed here, so Flotilla starts in browser mode: open the URL below.');
    expect(urlLine).toBeGreaterThan(explain);
    await checkToken(port, new URL(url).searchParams.get('token')!);
    const pid = p.child.pid!;
    await killTree(p);
    await waitFor('the npm start process tree to exit', () => groupGone(pid), 15_000);
    await waitFor(`port ${port} to close`, async () => !(await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)), 15_000);
  }, 180_000);

  it('`serve --listen 0.0.0.0` warns and still requires the token', async () => {
    const port = await freePort();
    const p = start(process.execPath, [path.join(root, 'bin', 'flotilla.mjs'), 'serve', '--listen', '0.0.0.0', '--port', String(port)]);
    const url = await urlFrom(p, port);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=`)); // 0.0.0.0 is no address to open: the URL names loopback
    expect(p.err()).toContain('warning: listening on 0.0.0.0: anyone who can reach it and has the token controls your Docker engines');
    await checkToken(port, new URL(url).searchParams.get('token')!);
  });

  it('`serve` without --listen warns about nothing and binds 127.0.0.1', async () => {
    const port = await freePort();
    const p = start(process.execPath, [path.join(root, 'bin', 'flotilla.mjs'), 'serve', '--port', String(port)]);
    const url = await urlFrom(p, port);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=`));
    expect(p.err()).not.toContain('warning');
    const ss = (await pexec('ss', ['-Htln', `( sport = :${port} )`])).stdout.trim();
    expect(ss.split('\n').map((l) => l.split(/\s+/)[3])).toEqual([`127.0.0.1:${port}`]);
  });

  it('`serve --port` with a bad value or a taken port fails with a message naming it', async () => {
    const bad = await flotilla(['serve', '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --port "eighty"');
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await flotilla(['serve', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is in use; choose another with --port`);
    } finally {
      taken.close();
    }
  });
});

describe('engine info and engine ls against the local engine', () => {
  it('`engine info` (human and --json) matches `docker info`', async () => {
    const oracle = JSON.parse(ok(await docker(['info', '--format', '{{json .}}']), 'docker info').stdout) as { ServerVersion: string; NCPU: number; MemTotal: number; OperatingSystem: string; Architecture: string; Swarm: { LocalNodeState: string } };
    const api = ok(await docker(['version', '--format', '{{.Server.APIVersion}}']), 'docker version').stdout.trim();
    const json = JSON.parse(ok(await flotilla(['--json', 'engine', 'info']), 'engine info --json').stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ url: 'unix:///var/run/docker.sock', reachable: true, dockerVersion: oracle.ServerVersion, apiVersion: api, os: oracle.OperatingSystem, arch: oracle.Architecture, cpus: oracle.NCPU, memoryBytes: oracle.MemTotal, swarm: { state: oracle.Swarm.LocalNodeState || 'inactive' } });
    const human = ok(await flotilla(['engine', 'info']), 'engine info').stdout;
    expect(human).toContain('Engine:        unix:///var/run/docker.sock\n');
    expect(human).toContain(`Docker:        ${oracle.ServerVersion} (API ${api})\n`);
    expect(human).toContain(`OS:            ${oracle.OperatingSystem} ${oracle.Architecture}\n`);
    expect(human).toContain(`CPUs / memory: ${oracle.NCPU} / ${(oracle.MemTotal / 2 ** 30).toFixed(1)} GiB\n`);
    expect(human).toContain(`Swarm:         ${oracle.Swarm.LocalNodeState || 'inactive'}`);
    // DOCKER_HOST is honoured first, as docker does
    const viaEnv = JSON.parse(ok(await flotilla(['--json', 'engine', 'info'], { DOCKER_HOST: 'unix:///var/run/docker.sock' }), 'engine info with DOCKER_HOST').stdout) as { dockerVersion: string };
    expect(viaEnv.dockerVersion).toBe(oracle.ServerVersion);
    const dead = await flotilla(['engine', 'info'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('/nonexistent/docker.sock');
  });

  it('`engine ls` (human and --json) lists the docker contexts `docker context ls` lists and follows the current one', async () => {
    const name = `fcl-ctx-${process.pid % 1000}`;
    ok(await docker(['context', 'create', name, '--description', 'the lab test context', '--docker', 'host=tcp://192.0.2.7:2376']), 'context create');
    const oracle = ok(await docker(['context', 'ls', '--format', '{{.Name}} {{.Current}} {{.DockerEndpoint}}']), 'context ls').stdout.trim().split('\n').sort();
    const list = JSON.parse(ok(await flotilla(['--json', 'engine', 'ls']), 'engine ls --json').stdout) as { local: string; contexts: Array<{ name: string; host: string; current: boolean; description?: string }> };
    expect(list.local).toBe('unix:///var/run/docker.sock');
    expect(list.contexts.map((c) => `${c.name} ${c.current} ${c.host}`).sort()).toEqual(oracle);
    const human = ok(await flotilla(['engine', 'ls']), 'engine ls').stdout.split('\n');
    expect(human[0]).toBe('Local engine: unix:///var/run/docker.sock');
    expect(human[2].split(/\s{2,}/)).toEqual(['CONTEXT', 'CURRENT', 'ENDPOINT', 'DESCRIPTION']);
    expect(human.find((l) => l.startsWith(`${name} `))?.split(/\s{2,}/)).toEqual([name, 'tcp://192.0.2.7:2376', 'the lab test context']);
    // `docker context use` moves "local" and CURRENT, as it moves the docker CLI
    ok(await docker(['context', 'use', name]), 'context use');
    try {
      const after = JSON.parse(ok(await flotilla(['--json', 'engine', 'ls']), 'engine ls --json').stdout) as typeof list;
      expect(after.local).toBe('tcp://192.0.2.7:2376');
      expect(after.contexts.filter((c) => c.current).map((c) => c.name)).toEqual([name]);
      const oracleAfter = ok(await docker(['context', 'ls', '--format', '{{.Name}} {{.Current}} {{.DockerEndpoint}}']), 'context ls').stdout.trim().split('\n').sort();
      expect(after.contexts.map((c) => `${c.name} ${c.current} ${c.host}`).sort()).toEqual(oracleAfter);
      // DOCKER_HOST wins over the current context
      const withEnv = JSON.parse(ok(await flotilla(['--json', 'engine', 'ls'], { DOCKER_HOST: 'unix:///var/run/docker.sock' }), 'engine ls').stdout) as typeof list;
      expect(withEnv.local).toBe('unix:///var/run/docker.sock');
    } finally {
      await docker(['context', 'use', 'default']);
      await docker(['context', 'rm', '-f', name]);
    }
  });
});

describe('help and bad usage', () => {
  it('`--help` at the top and on verb groups prints usage and exits 0', async () => {
    const top = ok(await flotilla(['--help']), 'flotilla --help').stdout;
    expect(top).toMatch(/^Usage: flotilla \[options\] \[command\]/);
    for (const flag of ['-H, --host <url>', '--tlscacert <file>', '--tlscert <file>', '--tlskey <file>', '--ssh-key <file>', '--machine <name>', '--json']) expect(top).toContain(flag);
    for (const verb of ['serve', 'lab', 'engine', 'machine', 'swarm', 'node', 'service', 'stack']) expect(top).toMatch(new RegExp(`\\n  ${verb}\\b`));
    const machine = ok(await flotilla(['machine', '--help']), 'machine --help').stdout;
    expect(machine).toMatch(/^Usage: flotilla machine \[options\] \[command\]/);
    for (const verb of ['ls', 'create', 'provision', 'regenerate-certs', 'start', 'stop', 'restart', 'kill', 'rm', 'status', 'inspect', 'ip', 'url', 'version', 'config', 'active', 'env', 'ssh', 'scp', 'upgrade', 'import', 'drivers']) expect(machine).toMatch(new RegExp(`\\n  ${verb}\\b`));
    const node = ok(await flotilla(['node', '--help']), 'node --help').stdout;
    expect(node).toMatch(/^Usage: flotilla node \[options\] \[command\]/);
    for (const verb of ['ls', 'inspect', 'drain', 'pause', 'activate', 'promote', 'demote', 'label', 'rm']) expect(node).toMatch(new RegExp(`\\n  ${verb}\\b`));
    const env = ok(await flotilla(['machine', 'env', '--help']), 'machine env --help').stdout;
    expect(env).toContain('-u, --unset');
    const engine = ok(await flotilla(['help', 'engine']), 'help engine').stdout;
    expect(engine).toMatch(/^Usage: flotilla engine/);
  });

  it('a bad flag exits 2 with a message naming it', async () => {
    const top = await flotilla(['--no-such-flag', 'engine', 'info']);
    expect(top.code).toBe(2);
    expect(top.stderr).toContain("unknown option '--no-such-flag'");
    const sub = await flotilla(['machine', 'ls', '--bogus']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("unknown option '--bogus'");
    const verb = await flotilla(['machine', 'frobnicate']);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toContain("unknown command 'frobnicate'");
    const value = await flotilla(['machine', 'ls', '--timeout', 'soon']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('invalid timeout "soon"');
    const url = await flotilla(['-H', 'ftp://example.com', 'engine', 'info']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('ftp://example.com');
  });
});

describeLab('-H ssh:// and --tlscacert reach lab engines', () => {
  const NODE_TLS_DIR = '/etc/docker/flotilla-test-tls';
  const DROP_IN = '/etc/systemd/system/docker.service.d/flotilla-tls.conf';
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fcl-tls-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('`-H ssh://root@IP --ssh-key` answers `engine info` as the node itself does', async () => {
    const node: LabNode = labNodes()[0];
    const id = (await inNode(node.name, "docker info --format '{{.ID}} {{.ServerVersion}}'")).trim();
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const r = ok(await flotilla(['-H', node.ssh, '--ssh-key', node.identity, '--json', 'engine', 'info'], { FLOTILLA_HOME: home, SSH_AUTH_SOCK: undefined }), 'engine info over ssh');
    const info = JSON.parse(r.stdout) as { url: string; dockerVersion: string };
    expect([node.ssh, `${node.ssh}:22`]).toContain(info.url);
    expect(`${id.split(' ')[1]}`).toBe(info.dockerVersion);
    // the host key was pinned in Flotilla's own known_hosts on first use
    expect(fs.readFileSync(path.join(home, 'known_hosts'), 'utf8')).toContain(node.ip);
    const badKey = await flotilla(['-H', node.ssh, '--ssh-key', path.join(tmp, 'missing-key'), 'engine', 'info'], { FLOTILLA_HOME: home, SSH_AUTH_SOCK: undefined });
    expect(badKey.code).not.toBe(0);
    expect(badKey.stderr).toContain('missing-key');
  });

  it('`-H tcp://IP:2376 --tlscacert --tlscert --tlskey` answers `engine info`; a wrong CA is refused', async () => {
    // node 3's dockerd gets TLS the way test/integration/engine-tls.test.ts gives it (and reuses it when that ran)
    const node = labNodes()[2];
    const openssl = async (...args: string[]) => void (await pexec('openssl', args, { cwd: tmp }));
    const issue = async (ca: string, name: string, cn: string, ext: string) => {
      fs.writeFileSync(path.join(tmp, `${name}.ext`), ext);
      await openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}-cert.pem`);
    };
    const listening = async () => (await inNode(node.name, "ss -Htln '( sport = :2376 )' | wc -l")).trim() !== '0';
    const configured = (await inNode(node.name, `test -f ${NODE_TLS_DIR}/ca-key.pem && test -f ${DROP_IN} && echo yes || echo no`)).trim() === 'yes';
    if (configured && (await listening())) {
      for (const f of ['ca.pem', 'ca-key.pem']) await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'cp', `${node.name}:${NODE_TLS_DIR}/${f}`, path.join(tmp, f)]);
    } else {
      await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '30', '-sha256', '-subj', '/CN=ca');
      await issue('ca', 'server', node.name, `subjectAltName=IP:${node.ip},DNS:${node.name}\nextendedKeyUsage=serverAuth\n`);
      await inNode(node.name, `mkdir -p ${NODE_TLS_DIR} /etc/systemd/system/docker.service.d`);
      for (const f of ['ca.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem']) await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'cp', path.join(tmp, f), `${node.name}:${NODE_TLS_DIR}/${f}`]);
      fs.writeFileSync(
        path.join(tmp, 'drop-in.conf'),
        ['[Service]', 'ExecStart=', `ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --tlsverify --tlscacert=${NODE_TLS_DIR}/ca.pem --tlscert=${NODE_TLS_DIR}/server-cert.pem --tlskey=${NODE_TLS_DIR}/server-key.pem --containerd=/run/containerd/containerd.sock $DOCKER_OPTS`, ''].join('\n'),
      );
      await pexec(DOCKER, ['-H', 'unix:///var/run/docker.sock', 'cp', path.join(tmp, 'drop-in.conf'), `${node.name}:${DROP_IN}`]);
      await inNode(node.name, 'systemctl daemon-reload && systemctl restart docker', 180_000);
      await waitFor('dockerd on node 3 to listen on 2376', listening, 60_000);
    }
    await issue('ca', 'client', 'fcl-client', 'extendedKeyUsage=clientAuth\n');
    const url = `tcp://${node.ip}:2376`;
    const flags = ['-H', url, '--tlscacert', path.join(tmp, 'ca.pem'), '--tlscert', path.join(tmp, 'client-cert.pem'), '--tlskey', path.join(tmp, 'client-key.pem')];
    const oracle = ok(await docker(['--tlsverify', `--tlscacert=${path.join(tmp, 'ca.pem')}`, `--tlscert=${path.join(tmp, 'client-cert.pem')}`, `--tlskey=${path.join(tmp, 'client-key.pem')}`, '-H', url, 'info', '--format', '{{.Name}} {{.ServerVersion}}']), 'docker over TLS').stdout.trim();
    const info = JSON.parse(ok(await flotilla([...flags, '--json', 'engine', 'info']), 'engine info over TLS').stdout) as { url: string; dockerVersion: string };
    expect(info.url).toBe(url);
    expect(oracle).toBe(`${node.name} ${info.dockerVersion}`);
    // TLS is always verified: a CA that did not sign the server is refused
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-key.pem', '-out', 'other.pem', '-days', '1', '-sha256', '-subj', '/CN=other');
    const wrong = await flotilla(['-H', url, '--tlscacert', path.join(tmp, 'other.pem'), '--tlscert', path.join(tmp, 'client-cert.pem'), '--tlskey', path.join(tmp, 'client-key.pem'), 'engine', 'info']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/certificate/i);
  }, 240_000);
});
