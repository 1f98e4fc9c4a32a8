// `stack deploy --resolve-image always|changed|never` against a real registry: Debian's docker-registry
// (distribution 2.8) runs on this machine at the lab network's gateway, on TLS with a CA the lab nodes trust through
// /etc/docker/certs.d. An image pushed from the manager is deployed by the docker CLI (the CLI 28 copied into the
// manager as docker28 where this machine has it, else the manager's Debian 20.10) and by Flotilla under another
// stack name; both specs must pin the same digest (the one the registry serves) and the same platforms, keep the
// tag where the CLI keeps it, and follow a re-push of the tag exactly as the CLI does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src-main/core/lab/exec';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import { loadStack } from '../../src-main/core/stacks/loader';
import { deployStack } from '../../src-main/core/stacks/deploy';
import type { ResolveImage } from '../../src-main/core/stacks/registry';
import { describeLab, ensureLabSwarm, LAB_BUSYBOX, labName, labNodes, nodeDocker, nodeDockerOk, nodeExec, until, type LabNode } from '../support/lab';
import { startRegistry, trustRegistryOn, untrustRegistryOn, type TestRegistry } from '../support/registry';

// the oracle: this machine's CLI 28 where it has one; FLOTILLA_ORACLE_DOCKER=/usr/bin/docker picks the manager's Debian 20.10
const CLI28 = process.env.FLOTILLA_ORACLE_DOCKER || '/usr/local/bin/docker';
const NS = 'com.docker.stack.namespace';
const RUN = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x');
const REPO = 'flotilla/busybox';

let node: LabNode;
let nodes: LabNode[] = [];
let reg: TestRegistry | undefined;
let regAuth: TestRegistry | undefined; // the same, asking for a login
let oldDockerConfig: string | undefined;
const USER = 'flotilla';
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;
let workers: LabNode[] = [];
let ssh: EngineConnection;
let tmp: string;
let cli = 'docker';
let image: string; // GATEWAY:PORT/flotilla/busybox

interface Spec {
  Image: string;
  Platforms: unknown;
  Label: string;
}

/** the docker CLI inside the manager (its own engine, its /root/.docker/config.json) */
async function dockerStackDeploy(file: string, stack: string, mode: ResolveImage, withRegistryAuth: boolean): Promise<string> {
  const flags = [...(cli === 'docker28' ? ['--detach=true'] : []), ...(withRegistryAuth ? ['--with-registry-auth'] : [])];
  const r = await nodeExec(node, [cli, 'stack', 'deploy', ...flags, '--resolve-image', mode, '-c', `/tmp/${path.basename(file)}`, stack], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${cli} stack deploy ${stack} failed: ${r.stderr}`);
  return r.stderr;
}

/** Flotilla's core deploy over ssh; registry auth from this machine's $DOCKER_CONFIG (set to the temp dir's) */
async function flotillaDeploy(file: string, stack: string, mode: ResolveImage, withRegistryAuth: boolean) {
  const loaded = loadStack({ files: [{ file, content: fs.readFileSync(file, 'utf8') }], env: { HOME: tmp } });
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return deployStack(ssh.docker, { stack, config: loaded.config, wait: false, resolveImage: mode, withRegistryAuth });
}

/** one compose file, in this machine's temp dir and the manager's /tmp */
async function writeCompose(name: string, ref: string, extra = ''): Promise<string> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `version: "3.9"\nservices:\n  s:\n    image: ${ref}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n${extra}`);
  const r = await run('docker', ['cp', file, `${node.name}:/tmp/${name}`]);
  if (r.code !== 0) throw new Error(`docker cp ${file} into ${node.name}: ${r.stderr}`);
  return file;
}

async function spec(stack: string): Promise<Spec> {
  const out = await nodeDockerOk(node, ['service', 'inspect', `${stack}_s`]);
  const [s] = JSON.parse(out) as Array<{ Spec: { Labels: Record<string, string>; TaskTemplate: { ContainerSpec: { Image: string }; Placement?: { Platforms?: unknown } } } }>;
  return { Image: s.Spec.TaskTemplate.ContainerSpec.Image, Platforms: s.Spec.TaskTemplate.Placement?.Platforms ?? null, Label: s.Spec.Labels['com.docker.stack.image'] };
}

const unreachable = /could not be accessed on a registry/;

/** both sides deploy the file with the mode; their specs must be equal; returns the CLI's */
async function both(file: string, stacks: [string, string], mode: ResolveImage, opts: { withRegistryAuth?: boolean; refused?: boolean } = {}): Promise<Spec> {
  const cliStderr = await dockerStackDeploy(file, stacks[0], mode, !!opts.withRegistryAuth);
  const res = await flotillaDeploy(file, stacks[1], mode, !!opts.withRegistryAuth);
  // the registry answered every query (a failed one keeps the tag with this warning; the CLI prints it on updates only)
  if (!opts.refused) expect(cliStderr, `${cli} ${mode}`).not.toMatch(unreachable);
  expect(res.warnings.join('\n'), `Flotilla ${mode}`).toMatch(opts.refused ? unreachable : /^(?![\s\S]*could not be accessed on a registry)/);
  const [c, f] = [await spec(stacks[0]), await spec(stacks[1])];
  expect(f, `${mode} ${path.basename(file)}: Flotilla's spec vs the docker CLI's`).toEqual(c);
  return c;
}

/** pushes from the manager and returns the digest the push printed, checked against the registry's own answer */
async function push(ref: string, to: TestRegistry = reg!): Promise<string> {
  const out = await nodeDockerOk(node, ['push', ref], { timeoutMs: 120_000 });
  const m = /digest: (sha256:[0-9a-f]{64})/.exec(out);
  if (!m) throw new Error(`docker push ${ref}: no digest in ${out}`);
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  expect(await to.manifestDigest(REPO, tag)).toBe(m[1]);
  return m[1];
}

async function removeStacks(): Promise<void> {
  const list = async () => {
    const r = await nodeDocker(node, ['service', 'ls', '--filter', `label=${NS}`, '--format', '{{.Name}}']);
    const n = await nodeDocker(node, ['network', 'ls', '--filter', `label=${NS}`, '--format', '{{.Name}}']);
    return `${r.stdout}\n${n.stdout}`.split('\n').filter((l) => /^frg[a-z0-9]{4}[a-z]+_/.test(l));
  };
  const stacks = [...new Set((await list()).map((l) => l.split('_')[0]))];
  if (stacks.length) await nodeDocker(node, ['stack', 'rm', ...stacks]);
  const deadline = Date.now() + 60_000;
  while ((await list()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
}

describeLab('stack deploy --resolve-image against a real registry, vs the docker CLI', () => {
  let d1 = '';
  let platforms: unknown;
  const pinned: [string, string] = [`frg${RUN}c`, `frg${RUN}f`];
  const bare: [string, string] = [`frg${RUN}cn`, `frg${RUN}fn`];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stack-registry-'));
    process.env.FLOTILLA_HOME = path.join(tmp, 'home');
    const swarm = await ensureLabSwarm();
    node = swarm.manager;
    workers = swarm.workers;
    nodes = labNodes();
    // the network's IPAM shows a gateway only when one was asked for; the node's endpoint always has it
    const gw = (await run('docker', ['inspect', node.name, '--format', `{{(index .NetworkSettings.Networks "${labName()}").Gateway}}`])).stdout.trim();
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(gw)) throw new Error(`no IPv4 gateway for ${node.name} on the lab network ${labName()} (got "${gw}"): the registry listens there for the nodes`);
    reg = await startRegistry(gw);
    image = `${reg.addr}/${REPO}`;
    regAuth = await startRegistry(gw, { auth: { user: USER, password: PASSWORD } });
    await Promise.all(nodes.flatMap((n) => [trustRegistryOn(n.name, reg!), trustRegistryOn(n.name, regAuth!)]));
    // the login: the manager's CLI keeps it in /root/.docker/config.json (docker login), Flotilla reads a DOCKER_CONFIG here
    const login = await nodeExec(node, ['docker', 'login', '--username', USER, '--password-stdin', regAuth.addr], { input: PASSWORD, timeoutMs: 60_000 });
    if (login.code !== 0) throw new Error(`docker login ${regAuth.addr} in ${node.name}: ${login.stderr}`);
    fs.mkdirSync(path.join(tmp, 'docker'));
    fs.writeFileSync(path.join(tmp, 'docker', 'config.json'), JSON.stringify({ auths: { [regAuth.addr]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    oldDockerConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = path.join(tmp, 'docker');
    await ensureNodeBusybox(node.name);
    if (CLI28 !== '/usr/bin/docker' && fs.existsSync(CLI28)) {
      const r = await run('docker', ['cp', CLI28, `${node.name}:/usr/local/bin/docker28`]);
      if (r.code !== 0) throw new Error(`docker cp ${CLI28} into ${node.name}: ${r.stderr}`);
      cli = 'docker28';
    }
    ssh = await connectEngine({ kind: 'ssh', user: 'root', host: node.ip, port: 22, identityFile: node.identity });
    await removeStacks();
  });

  afterAll(async () => {
    if (node) await removeStacks();
    await ssh?.close();
    if (oldDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = oldDockerConfig;
    if (node && image) await nodeDocker(node, ['image', 'rm', '-f', `${image}:v1`, `${image}:v2`]);
    for (const r of [reg, regAuth]) {
      if (!r) continue;
      if (r === regAuth && node) await nodeDocker(node, ['logout', r.addr]);
      await Promise.all(nodes.map(async (n) => {
        await untrustRegistryOn(n.name, r);
        await nodeDocker(n, ['image', 'rm', '-f', `${r.addr}/${REPO}:v1`]);
      }));
      await r.stop();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('always pins the pushed digest and its platform, as the docker CLI does, and the nodes pull it from the registry', async () => {
    await nodeDockerOk(node, ['tag', LAB_BUSYBOX, `${image}:v1`]);
    d1 = await push(`${image}:v1`);
    const arch = (await nodeDockerOk(node, ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', `${image}:v1`])).trim();
    const file = await writeCompose('v1.yml', `${image}:v1`);
    const c = await both(file, pinned, 'always');
    expect(c.Image).toBe(`${image}:v1@${d1}`);
    platforms = c.Platforms;
    expect(platforms).toEqual([{ Architecture: arch.split('/')[1], OS: arch.split('/')[0] }]);
    // each service's task runs the pinned image on whichever node got it (pulled from the registry by digest)
    for (const stack of pinned) {
      await until(`${stack}_s running`, async () => (await nodeDockerOk(node, ['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', `${stack}_s`])).startsWith('Running'), 90_000);
    }
  });

  it('never keeps the bare tag and sets no platforms, as the docker CLI does', async () => {
    const c = await both(path.join(tmp, 'v1.yml'), bare, 'never');
    expect(c).toEqual({ Image: `${image}:v1`, Platforms: null, Label: `${image}:v1` });
  });

  it('after a new image is pushed under the same tag: changed, always and never follow the docker CLI', async () => {
    // a new image under the same tag (and as v2), built locally from the lab busybox: no pull from anywhere
    const imageId = async (ref: string) => (await nodeDockerOk(node, ['image', 'inspect', '--format', '{{.Id}}', ref])).trim();
    const oldId = await imageId(`${image}:v1`);
    /** a new image committed as v1 and pushed: its digest, or why it is not new */
    const newImage = async (attempt: number): Promise<{ digest: string; problem?: string }> => {
      const ctr = `frg${RUN}build${attempt}`;
      await nodeDockerOk(node, ['run', '--name', ctr, LAB_BUSYBOX, 'sh', '-c', `echo ${RUN}-${attempt}-${Date.now()} > /v2`]);
      const committed = (await nodeDockerOk(node, ['commit', ctr, `${image}:v1`])).trim();
      await nodeDocker(node, ['rm', '-f', ctr]);
      const tagged = await imageId(`${image}:v1`);
      const digest = await push(`${image}:v1`);
      if (tagged !== committed) return { digest, problem: `docker commit printed ${committed} but ${image}:v1 names ${tagged} (before: ${oldId})` };
      if (digest === d1) return { digest, problem: `the push of ${committed} printed the first push's digest ${d1}` };
      return { digest };
    };
    // once in a CI run (stop 26) the re-push carried the first digest; not reproduced on a quiet lab in 8 runs. This
    // test is about what the deploys do with a re-pushed tag, so the re-push must carry a new digest before they are
    // compared: a second try is made, and says why
    let made = await newImage(1);
    if (made.problem) {
      console.warn(`[stacks-registry] ${made.problem}; making the image again`);
      made = await newImage(2);
    }
    expect(made.problem, 'a new image under the same tag').toBeUndefined();
    const d2 = made.digest;
    expect(d2, 'the re-pushed tag must serve a new digest').not.toBe(d1);
    await nodeDockerOk(node, ['tag', `${image}:v1`, `${image}:v2`]);
    expect(await push(`${image}:v2`)).toBe(d2);
    const v1 = path.join(tmp, 'v1.yml');
    const v2 = await writeCompose('v2.yml', `${image}:v2`);

    // changed, same reference: no registry query, the image of the last resolution stays (its platforms do not)
    let c = await both(v1, pinned, 'changed');
    expect(c).toEqual({ Image: `${image}:v1@${d1}`, Platforms: null, Label: `${image}:v1` });
    // changed, same reference on the never-deployed stacks: the bare tag stays
    c = await both(v1, bare, 'changed');
    expect(c.Image).toBe(`${image}:v1`);
    // changed, another reference: resolved, the new digest
    c = await both(v2, bare, 'changed');
    expect(c).toEqual({ Image: `${image}:v2@${d2}`, Platforms: platforms, Label: `${image}:v2` });
    // always: the tag's new digest
    c = await both(v1, pinned, 'always');
    expect(c).toEqual({ Image: `${image}:v1@${d2}`, Platforms: platforms, Label: `${image}:v1` });
    // never, same reference: what the service has stays (the pinned digest)
    c = await both(v1, pinned, 'never');
    expect(c.Image).toBe(`${image}:v1@${d2}`);
    // never, another reference: the bare tag
    c = await both(v2, pinned, 'never');
    expect(c).toEqual({ Image: `${image}:v2`, Platforms: null, Label: `${image}:v2` });
  });

  it('a registry that asks for a login: with --with-registry-auth both pin the digest and workers pull with it; without, both keep the tag with the warning', async () => {
    expect(workers.length, 'the lab needs a worker: the task must run on a node that never logged in').toBeGreaterThan(0);
    const ref = `${regAuth!.addr}/${REPO}:v1`;
    await nodeDockerOk(node, ['tag', LAB_BUSYBOX, ref]);
    const d = await push(ref, regAuth);
    const file = await writeCompose('auth.yml', ref, '    deploy:\n      placement:\n        constraints: ["node.role == worker"]\n');
    const authed: [string, string] = [`frg${RUN}ca`, `frg${RUN}fa`];
    const c = await both(file, authed, 'always', { withRegistryAuth: true });
    expect(c).toEqual({ Image: `${ref}@${d}`, Platforms: platforms, Label: ref });
    // a worker (no login, no copy of the image) pulls it with the credentials the deploy sent
    for (const stack of authed) {
      await until(`${stack}_s running on a worker`, async () => (await nodeDockerOk(node, ['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', `${stack}_s`])).startsWith('Running'), 90_000);
    }
    // without the flag the registry refuses the query: the tag, no digest, no platforms, and Flotilla's warning
    const c2 = await both(file, [`frg${RUN}cu`, `frg${RUN}fu`], 'always', { refused: true });
    expect(c2).toEqual({ Image: ref, Platforms: null, Label: ref });
  });
});
