// `stack deploy`'s flags against the docker CLI on the lab swarm: --with-registry-auth (credentials from a
// temporary DOCKER_CONFIG's auths, credHelpers and credsStore, the helpers being real programs on PATH),
// --resolve-image always|changed|never, and --prune.
// Registry auth is never stored in a service spec, so the observable is the X-Registry-Auth header itself: the
// docker CLI and Flotilla both talk to the manager's engine through a pass-through socket on this machine (each
// connection piped to `docker exec -i MANAGER docker system dial-stdio`) that records the request headers; the
// values sent on /services/create must be byte-identical. The lab has no registry, so --resolve-image can only
// fail to reach one: the comparison is the resulting spec image (the tag, no digest), the platforms and the
// CLI's warning (printed by the CLI on updates only).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src-main/core/lab/exec';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import { loadStack } from '../../src-main/core/stacks/loader';
import { deployStack, type DeployOptions } from '../../src-main/core/stacks/deploy';
import { describeLab, ensureLabSwarm, nodeDocker, nodeDockerOk, nodeExec, type LabNode } from '../support/lab';

// the docker CLI of this machine: the CLI 28 where it is installed, else Debian's 20.10 (CI); FLOTILLA_ORACLE_DOCKER picks one
const CLI = process.env.FLOTILLA_ORACLE_DOCKER || (fs.existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker');
const NS = 'com.docker.stack.namespace';
const RUN = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x');

let node: LabNode;
let tmp: string;
let sock: string;
let proxy: net.Server;
let ssh: EngineConnection;
let viaProxy: EngineConnection;
let cli28 = false;
let worker: LabNode | undefined;
const children = new Set<ChildProcess>();

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
}
const recorded: Recorded[] = [];

/** a unix socket that pipes every connection to the manager's engine and records each request's headers */
function startProxy(socketPath: string): Promise<net.Server> {
  const server = net.createServer((c) => {
    const child = spawn('docker', ['exec', '-i', node.name, 'docker', 'system', 'dial-stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.add(child);
    let text = '';
    c.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      // request heads (bodies are JSON and never hold an HTTP request line)
      const re = /(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.1\r\n((?:[^\r\n]+\r\n)*)\r\n/g;
      let m: RegExpExecArray | null;
      let consumed = 0;
      while ((m = re.exec(text))) {
        const headers: Record<string, string> = {};
        for (const line of m[3].split('\r\n').filter(Boolean)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        recorded.push({ method: m[1], path: m[2], headers });
        consumed = re.lastIndex;
      }
      text = text.slice(consumed);
    });
    c.pipe(child.stdin);
    child.stdout.pipe(c);
    const end = () => {
      child.kill();
      children.delete(child);
      c.destroy();
    };
    c.on('close', end);
    c.on('error', end);
    child.on('exit', () => c.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${path.join(tmp, 'bin')}:/usr/local/bin:/usr/bin:/bin`, HOME: tmp, DOCKER_CONFIG: path.join(tmp, 'docker'), DOCKER_HOST: `unix://${sock}`, ...extra };
}

/** the docker CLI of this machine, through the recording socket */
async function docker(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(CLI, args, { env: cliEnv(), timeoutMs: 120_000 });
}

async function dockerStackDeploy(file: string, stack: string, flags: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await docker(['stack', 'deploy', ...(cli28 ? ['--detach=true'] : []), ...flags, '-c', file, stack]);
  if (r.code !== 0) throw new Error(`docker stack deploy ${stack} failed: ${r.stderr}`);
  return r;
}

async function flotillaDeploy(conn: EngineConnection, file: string, stack: string, opts: Partial<DeployOptions>) {
  const loaded = loadStack({ files: [{ file, content: fs.readFileSync(file, 'utf8') }], env: { HOME: tmp } });
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return deployStack(conn.docker, { stack, config: loaded.config, wait: false, resolveImage: 'never', ...opts });
}

function writeCompose(name: string, services: Record<string, string>): string {
  const file = path.join(tmp, name);
  const body = Object.entries(services)
    .map(([s, image]) => `  ${s}:\n    image: ${image}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`)
    .join('');
  fs.writeFileSync(file, `version: "3.9"\nservices:\n${body}`);
  return file;
}

async function serviceSpecs(stack: string): Promise<Record<string, { Image: string; Platforms: unknown }>> {
  const ids = (await nodeDockerOk(node, ['service', 'ls', '-q', '--filter', `label=${NS}=${stack}`])).trim().split('\n').filter(Boolean);
  if (!ids.length) return {};
  const list = JSON.parse(await nodeDockerOk(node, ['service', 'inspect', ...ids])) as Array<{ Spec: { Name: string; TaskTemplate: { ContainerSpec: { Image: string }; Placement?: { Platforms?: unknown } } } }>;
  return Object.fromEntries(list.map((s) => [s.Spec.Name.slice(stack.length + 1), { Image: s.Spec.TaskTemplate.ContainerSpec.Image, Platforms: s.Spec.TaskTemplate.Placement?.Platforms ?? null }]));
}

async function removeStacks(): Promise<void> {
  const list = async () => {
    const r = await nodeDocker(node, ['service', 'ls', '--filter', `label=${NS}`, '--format', '{{.Name}}']);
    const n = await nodeDocker(node, ['network', 'ls', '--filter', `label=${NS}`, '--format', '{{.Name}}']);
    return `${r.stdout}\n${n.stdout}`.split('\n').filter((l) => l.startsWith(`f${RUN}`));
  };
  const stacks = [...new Set((await list()).map((l) => l.split('_')[0]))];
  if (stacks.length) await nodeDocker(node, ['stack', 'rm', ...stacks]);
  const deadline = Date.now() + 60_000;
  while ((await list()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
}

/** X-Registry-Auth values sent on /services/create since `from` */
const createAuths = (from: number) => recorded.slice(from).filter((r) => r.method === 'POST' && /\/services\/create/.test(r.path)).map((r) => r.headers['x-registry-auth'] ?? '(none)');
const decode = (v: string) => (v === '(none)' ? v : Buffer.from(v, 'base64url').toString('utf8'));

describeLab('stack deploy flags vs the docker CLI', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stack-flags-'));
    process.env.FLOTILLA_HOME = path.join(tmp, 'home');
    const swarm = await ensureLabSwarm();
    node = swarm.manager;
    worker = swarm.workers[0];
    await ensureNodeBusybox(node.name);
    cli28 = /^2[1-9]\.|^[3-9]\d\./.test((await run(CLI, ['version', '--format', '{{.Client.Version}}'], { env: { PATH: '/usr/bin:/bin' } })).stdout.trim());
    sock = path.join(tmp, 'engine.sock');
    proxy = await startProxy(sock);
    ssh = await connectEngine({ kind: 'ssh', user: 'root', host: node.ip, port: 22, identityFile: node.identity });
    viaProxy = await connectEngine({ kind: 'unix', socketPath: sock });
    // a DOCKER_CONFIG with all three sources, and two credential helpers that log what they are asked
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(tmp, 'docker'));
    const helper = (name: string, body: string) => {
      fs.writeFileSync(path.join(bin, `docker-credential-${name}`), `#!/bin/sh\n[ "$1" = get ] || { echo "unsupported $1" >&2; exit 1; }\nread -r url\necho "${name} $url" >> ${tmp}/helper.log\ncase "$url" in\n${body}\n*) echo "credentials not found in native keychain"; exit 1;;\nesac\n`, { mode: 0o755 });
    };
    helper('fh2help', `helper.flotilla.test) printf '{"ServerURL":"%s","Username":"bob","Secret":"s3cr&t<1>"}\\n' "$url";;`);
    helper('fh2store', `https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"tok-123"}\\n' "$url";;`);
    fs.writeFileSync(
      path.join(tmp, 'docker', 'config.json'),
      JSON.stringify({
        auths: { 'registry.flotilla.test:5000': { auth: Buffer.from('alice:pa<ss>&word').toString('base64') }, 'https://legacy.flotilla.test/v1/': { username: 'carol', password: 'c' } },
        credsStore: 'fh2store',
        // an empty helper means the file, not the credsStore
        credHelpers: { 'helper.flotilla.test': 'fh2help', 'registry.flotilla.test:5000': '', 'legacy.flotilla.test': '' },
      }),
    );
    await removeStacks();
  });

  afterAll(async () => {
    if (node) await removeStacks();
    await ssh?.close();
    await viaProxy?.close();
    proxy?.close();
    for (const c of children) c.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('--with-registry-auth sends the same X-Registry-Auth as the docker CLI for auths, credHelpers and credsStore', async () => {
    const file = writeCompose('auth.yml', {
      file: 'registry.flotilla.test:5000/team/a:1',
      legacy: 'legacy.flotilla.test/team/l:1',
      helper: 'helper.flotilla.test/team/b:1',
      hub: 'flotilla-lab/busybox:latest',
      none: 'nothere.flotilla.test/d:1',
    });
    let from = recorded.length;
    await dockerStackDeploy(file, `f${RUN}ca`, ['--with-registry-auth', '--resolve-image', 'never']);
    const cliAuths = createAuths(from).sort();
    const cliAsked = fs.readFileSync(path.join(tmp, 'helper.log'), 'utf8').split('\n').filter(Boolean).sort();
    fs.writeFileSync(path.join(tmp, 'helper.log'), '');
    from = recorded.length;
    const oldPath = process.env.PATH;
    const oldConfig = process.env.DOCKER_CONFIG;
    process.env.PATH = `${path.join(tmp, 'bin')}:${oldPath}`;
    process.env.DOCKER_CONFIG = path.join(tmp, 'docker');
    try {
      await flotillaDeploy(viaProxy, file, `f${RUN}fa`, { withRegistryAuth: true });
    } finally {
      process.env.PATH = oldPath;
      if (oldConfig === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = oldConfig;
    }
    const flAuths = createAuths(from).sort();
    const flAsked = fs.readFileSync(path.join(tmp, 'helper.log'), 'utf8').split('\n').filter(Boolean).sort();
    expect(cliAuths).toHaveLength(5);
    expect(flAsked).toEqual(cliAsked);
    expect(cliAsked).toEqual(['fh2help helper.flotilla.test', 'fh2store https://index.docker.io/v1/', 'fh2store nothere.flotilla.test']);
    // what Flotilla sends (Go's JSON: HTML characters escaped, empty fields left out; padded base64url)
    const want = [
      '{"username":"alice","password":"pa\\u003css\\u003e\\u0026word","serveraddress":"registry.flotilla.test:5000"}',
      '{"username":"carol","password":"c","serveraddress":"https://legacy.flotilla.test/v1/"}',
      '{"username":"bob","password":"s3cr\\u0026t\\u003c1\\u003e","serveraddress":"helper.flotilla.test"}',
      '{"serveraddress":"https://index.docker.io/v1/","identitytoken":"tok-123"}',
      '{}',
    ];
    expect(flAuths.map(decode).sort()).toEqual(want.sort());
    if (cli28) expect(flAuths).toEqual(cliAuths); // byte for byte what the CLI 28 sends
    else {
      // Debian's CLI 20.10 leaves serveraddress out of what a credential helper returned (the CLI 28 sets it); all else is identical
      const helperSourced = (j: string) => j.replace(/,"serveraddress":"(helper\.flotilla\.test|https:\/\/index\.docker\.io\/v1\/)"/, '').replace(/\{"serveraddress":"https:\/\/index\.docker\.io\/v1\/",/, '{');
      expect(cliAuths.map(decode).sort()).toEqual(want.map(helperSourced).sort());
    }
    // the engine took both deploys
    expect(Object.keys(await serviceSpecs(`f${RUN}ca`)).sort()).toEqual(['file', 'helper', 'hub', 'legacy', 'none']);
    expect(Object.keys(await serviceSpecs(`f${RUN}fa`)).sort()).toEqual(['file', 'helper', 'hub', 'legacy', 'none']);
  });

  it('without --with-registry-auth neither sends any X-Registry-Auth', async () => {
    const file = writeCompose('noauth.yml', { hub: 'flotilla-lab/busybox:latest' });
    let from = recorded.length;
    await dockerStackDeploy(file, `f${RUN}cn`, ['--resolve-image', 'never']);
    expect(createAuths(from)).toEqual(['(none)']);
    from = recorded.length;
    await flotillaDeploy(viaProxy, file, `f${RUN}fn`, {});
    expect(createAuths(from)).toEqual(['(none)']);
  });

  it('--resolve-image always, changed and never give the spec image the docker CLI gives (no registry: the tag, no digest)', async () => {
    const v1 = writeCompose('resolve-1.yml', { a: 'flotilla-lab/busybox', b: 'flotilla-lab/busybox:latest' });
    const v2 = writeCompose('resolve-2.yml', { a: 'flotilla-lab/busybox', b: 'docker.io/flotilla-lab/busybox:latest' });
    for (const mode of ['always', 'changed', 'never'] as const) {
      const c = `f${RUN}cr${mode[0]}`;
      const f = `f${RUN}fr${mode[0]}`;
      // create, then update with one service's image reference changed (b) and one unchanged (a)
      await dockerStackDeploy(v1, c, ['--resolve-image', mode]);
      const created = await flotillaDeploy(ssh, v1, f, { resolveImage: mode });
      expect(await serviceSpecs(f), `${mode} create`).toEqual(await serviceSpecs(c));
      const cliUpdate = await dockerStackDeploy(v2, c, ['--resolve-image', mode]);
      const updated = await flotillaDeploy(ssh, v2, f, { resolveImage: mode });
      const cliSpecs = await serviceSpecs(c);
      expect(await serviceSpecs(f), `${mode} update`).toEqual(cliSpecs);
      expect(cliSpecs.a.Image).toBe('flotilla-lab/busybox:latest');
      expect(cliSpecs.b.Image).toBe('flotilla-lab/busybox:latest');
      // which services asked a registry (and could not reach one): always both, changed only b, never none
      const asked = (warnings: string[]) => warnings.filter((w) => /could not be accessed on a registry to record\s+its digest/.test(w)).length;
      const want = { always: 2, changed: 1, never: 0 }[mode];
      expect(asked(updated.warnings), `${mode}: ${updated.warnings.join(' | ')}`).toBe(want);
      if (cli28) expect(asked(cliUpdate.stderr.split(/\n(?=image )/)), `${mode}: ${cliUpdate.stderr}`).toBe(want);
      expect(asked(created.warnings)).toBe(mode === 'never' ? 0 : 2);
    }
  });

  it('--prune removes the services dropped from the file, as the docker CLI does; without it they stay', async () => {
    const full = writeCompose('prune-1.yml', { keep: 'flotilla-lab/busybox:latest', drop: 'flotilla-lab/busybox:latest', also: 'flotilla-lab/busybox:latest' });
    const less = writeCompose('prune-2.yml', { keep: 'flotilla-lab/busybox:latest' });
    const c = `f${RUN}cp`;
    const f = `f${RUN}fp`;
    await dockerStackDeploy(full, c, ['--resolve-image', 'never']);
    await flotillaDeploy(ssh, full, f, {});
    await dockerStackDeploy(less, c, ['--resolve-image', 'never']);
    await flotillaDeploy(ssh, less, f, {});
    expect(Object.keys(await serviceSpecs(f)).sort()).toEqual(['also', 'drop', 'keep']);
    expect(Object.keys(await serviceSpecs(c)).sort()).toEqual(['also', 'drop', 'keep']);
    await dockerStackDeploy(less, c, ['--prune', '--resolve-image', 'never']);
    const res = await flotillaDeploy(ssh, less, f, { prune: true });
    expect(Object.keys(await serviceSpecs(c))).toEqual(['keep']);
    expect(Object.keys(await serviceSpecs(f))).toEqual(['keep']);
    expect(res.services).toEqual([expect.objectContaining({ name: `${f}_keep`, action: 'update' })]);
  });

  it('on a worker both refuse with the same words and create nothing', async () => {
    expect(worker, 'the lab needs a worker').toBeDefined();
    const w = worker!;
    const file = writeCompose('worker.yml', { s: 'flotilla-lab/busybox:latest' });
    const r = await run('docker', ['cp', file, `${w.name}:/tmp/worker.yml`]);
    expect(r.code, r.stderr).toBe(0);
    // the CLI 28 inside the worker (its own engine), else the worker's Debian docker
    const cli = cli28 && (await run('docker', ['cp', CLI, `${w.name}:/usr/local/bin/docker28`])).code === 0 ? 'docker28' : 'docker';
    const byCli = await nodeExec(w, [cli, 'stack', 'deploy', '--resolve-image', 'never', '-c', '/tmp/worker.yml', `f${RUN}cw`], { timeoutMs: 60_000 });
    expect(byCli.code).not.toBe(0);
    const message = 'this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again';
    expect(byCli.stderr).toContain(message);
    const conn = await connectEngine({ kind: 'ssh', user: 'root', host: w.ip, port: 22, identityFile: w.identity });
    try {
      await expect(flotillaDeploy(conn, file, `f${RUN}fw`, {})).rejects.toMatchObject({ code: 'PRECONDITION', message });
    } finally {
      await conn.close();
    }
    expect(await serviceSpecs(`f${RUN}fw`)).toEqual({});
    expect(await serviceSpecs(`f${RUN}cw`)).toEqual({});
  });
});
