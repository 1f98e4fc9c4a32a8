// `flotilla stack config|deploy|ls|ps|services|rm --json` through the real CLI (node bin/flotilla.mjs -H ssh://
// to the lab manager), compared with `docker stack ls|ps|services` run in the manager, and `stack rm` removing
// in the docker CLI's order (services, then secrets, then configs, then networks) as `docker events` on the
// manager records it, next to the order the docker CLI's own `stack rm` produces for a twin stack.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { describeLab, ensureLabSwarm, nodeDocker, nodeDockerOk, type LabNode } from '../support/lab';
import { cliEnv, flotilla as runFlotilla, type Run } from '../support/cli';

const NS = 'com.docker.stack.namespace';
const RUN = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x');
const STACK = `fc${RUN}`;
const TWIN = `fd${RUN}`;

let node: LabNode;
let tmp: string;
let file: string;

/** `flotilla -H ssh://root@NODE --ssh-key KEY ARGS...`, in the test's folder, with no SSH agent */
const flotilla = (args: string[]): Promise<Run> =>
  runFlotilla(['-H', node.ssh, '--ssh-key', node.identity, ...args], { cwd: tmp, env: cliEnv({ FLOTILLA_HOME: path.join(tmp, 'home'), DOCKER_CONFIG: path.join(tmp, 'docker'), SSH_AUTH_SOCK: undefined }), timeout: 180_000 });

async function flotillaJson<T>(args: string[]): Promise<T> {
  const r = await flotilla(['--json', ...args]);
  expect(r.code, `flotilla ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** `docker ... --format '{{json .}}'` lines in the manager */
async function dockerRows<T>(args: string[]): Promise<T[]> {
  const out = await nodeDockerOk(node, [...args, '--format', '{{json .}}']);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

async function leftovers(): Promise<string[]> {
  const all = (await Promise.all(['service', 'secret', 'config', 'network'].map((k) => nodeDockerOk(node, [k, 'ls', '--filter', `label=${NS}`, '--format', '{{.Name}}'])))).join('\n');
  return all.split('\n').filter((l) => l.startsWith(STACK) || l.startsWith(TWIN));
}

/** docker events on the manager while `fn` runs: "kind name" of every remove/destroy, in order */
async function removalsDuring(stack: string, fn: () => Promise<void>): Promise<string[]> {
  const since = Math.floor(Date.now() / 1000) - 1;
  await fn();
  // the engine removes a stack's networks a moment after the API call returns; wait until all are gone
  const deadline = Date.now() + 60_000;
  while ((await leftovers()).some((l) => l.startsWith(`${stack}_`))) {
    if (Date.now() > deadline) throw new Error(`${stack} still has objects 60 s after stack rm: ${(await leftovers()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const until = Math.ceil(Date.now() / 1000) + 1;
  const events = await dockerRows<{ Type: string; Action: string; Actor: { Attributes: { name?: string } }; timeNano: number }>(['events', '--since', String(since), '--until', String(until), '--filter', 'type=service', '--filter', 'type=secret', '--filter', 'type=config', '--filter', 'type=network', '--filter', 'event=remove', '--filter', 'event=destroy']);
  return events
    .sort((a, b) => a.timeNano - b.timeNano)
    .filter((e) => (e.Actor.Attributes.name ?? '').startsWith(`${stack}_`))
    .map((e) => `${e.Type} ${e.Actor.Attributes.name!.slice(stack.length + 1)}`)
    .filter((x, i, all) => all.indexOf(x) === i);
}

describeLab('flotilla stack CLI vs docker stack', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stack-cli-'));
    fs.mkdirSync(path.join(tmp, 'docker'));
    node = (await ensureLabSwarm()).manager;
    await ensureNodeBusybox(node.name);
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'not-logged\n');
    fs.writeFileSync(path.join(tmp, 'app.conf'), 'answer = 42\n');
    const compose = [
      'version: "3.9"',
      'services:',
      '  web:',
      '    image: flotilla-lab/busybox:latest',
      '    command: ["sleep", "3600"]',
      '    stop_grace_period: 1s',
      '    networks: [front]',
      '    secrets: [token]',
      '    configs: [app]',
      '    deploy:',
      '      replicas: 2',
      '  worker:',
      '    image: flotilla-lab/busybox:latest',
      '    command: ["sleep", "3600"]',
      '    stop_grace_period: 1s',
      '    networks: [front, back]',
      '    deploy:',
      '      mode: global',
      'networks:',
      '  front:',
      '  back:',
      'secrets:',
      '  token:',
      '    file: ./secret.txt',
      'configs:',
      '  app:',
      '    file: ./app.conf',
      '',
    ].join('\n');
    file = path.join(tmp, 'docker-compose.yml');
    fs.writeFileSync(file, compose);
  });

  afterAll(async () => {
    if (node) {
      const stacks = [...new Set((await leftovers()).map((l) => l.split('_')[0]))];
      if (stacks.length) await nodeDocker(node, ['stack', 'rm', ...stacks]);
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stack config --json prints the merged, interpolated file', async () => {
    const r = await flotillaJson<{ config: { services: Array<{ name: string }>; networks: Record<string, unknown>; secrets: Record<string, unknown>; configs: Record<string, unknown> }; diagnostics: unknown[] }>(['stack', 'config', '-c', file]);
    expect(r.config.services.map((s) => s.name).sort()).toEqual(['web', 'worker']);
    expect(Object.keys(r.config.networks).sort()).toEqual(['back', 'front']);
    expect(Object.keys(r.config.secrets)).toEqual(['token']);
    expect(Object.keys(r.config.configs)).toEqual(['app']);
    expect(JSON.stringify(r)).not.toContain('not-logged');
  });

  it('stack deploy --json waits until converged; stack ls, services and ps --json agree with docker stack ls, services and ps', async () => {
    const res = await flotillaJson<{ services: Array<{ name: string; action: string }>; networks: string[]; secrets: string[]; configs: string[] }>(['stack', 'deploy', '--resolve-image', 'never', '-c', file, STACK]);
    expect(res.services.map((s) => `${s.name} ${s.action}`).sort()).toEqual([`${STACK}_web create`, `${STACK}_worker create`]);
    expect(res.networks.sort()).toEqual([`${STACK}_back`, `${STACK}_front`]);
    expect(res.secrets).toEqual([`${STACK}_token`]);
    expect(res.configs).toEqual([`${STACK}_app`]);

    const ls = await flotillaJson<Array<{ name: string; services: number }>>(['stack', 'ls']);
    const dls = await dockerRows<{ Name: string; Services: string }>(['stack', 'ls']);
    expect(ls.map((s) => `${s.name} ${s.services}`)).toEqual(dls.map((s) => `${s.Name} ${s.Services}`));
    expect(ls).toContainEqual({ name: STACK, services: 2 });

    // docker stack services reads the replicas at its own moment: converged (deploy waited), so both say n/n
    const svcs = await flotillaJson<Array<{ id: string; name: string; mode: string; replicas: string; image: string; ports: string }>>(['stack', 'services', STACK]);
    const dsvcs = await dockerRows<{ ID: string; Name: string; Mode: string; Replicas: string; Image: string; Ports: string }>(['stack', 'services', STACK]);
    const nodes = (await nodeDockerOk(node, ['node', 'ls', '-q'])).trim().split('\n').length;
    expect(svcs.map((s) => [s.id.slice(0, 12), s.name, s.mode, s.replicas, s.image, s.ports])).toEqual(
      dsvcs.sort((a, b) => a.Name.localeCompare(b.Name)).map((s) => [s.ID.slice(0, 12), s.Name, s.Mode, s.Replicas.replace(/ \(.*\)$/, ''), s.Image, s.Ports]),
    );
    expect(svcs.map((s) => s.replicas)).toEqual(['2/2', `${nodes}/${nodes}`]);

    const ps = await flotillaJson<Array<{ id: string; name: string; image: string; node: string; desiredState: string; currentState: string; error: string }>>(['stack', 'ps', STACK]);
    const dps = await dockerRows<{ ID: string; Name: string; Image: string; Node: string; DesiredState: string; CurrentState: string; Error: string }>(['stack', 'ps', '--no-trunc', STACK]);
    const mine = ps.map((t) => [t.id, t.name, t.image, t.node, t.desiredState.toLowerCase(), t.currentState.toLowerCase()].join(' ')).sort();
    const theirs = dps.map((t) => [t.ID, t.Name, t.Image, t.Node, t.DesiredState.toLowerCase(), t.CurrentState.split(' ')[0].toLowerCase()].join(' ')).sort();
    expect(mine).toEqual(theirs);
    expect(ps).toHaveLength(2 + nodes);
  });

  it("stack rm --json removes services, then secrets, then configs, then networks, in the order docker's own stack rm does", async () => {
    // the twin: the docker CLI deploys and removes the same file in the manager
    const twinDir = `/tmp/${TWIN}`;
    const put = spawn('docker', ['exec', '-i', node.name, 'sh', '-c', `mkdir -p ${twinDir} && cd ${twinDir} && cat > docker-compose.yml && echo not-logged > secret.txt && echo 'answer = 42' > app.conf`], { stdio: ['pipe', 'ignore', 'inherit'] });
    put.stdin.end(fs.readFileSync(file));
    expect(await new Promise((r) => put.on('exit', r))).toBe(0);
    const twinDeploy = await nodeDocker(node, ['stack', 'deploy', '--resolve-image', 'never', '-c', `${twinDir}/docker-compose.yml`, TWIN]);
    expect(twinDeploy.code, twinDeploy.stderr).toBe(0);
    const docker = await removalsDuring(TWIN, async () => {
      await nodeDockerOk(node, ['stack', 'rm', TWIN]);
    });

    let removed: string[] = [];
    const flot = await removalsDuring(STACK, async () => {
      removed = (await flotillaJson<{ removed: string[] }>(['stack', 'rm', STACK])).removed;
    });
    const expected = ['service web', 'service worker', 'secret token', 'config app'];
    expect(removed.slice(0, 4)).toEqual(expected.map((x) => x.replace(' ', ` ${STACK}_`)));
    expect(removed.slice(4).sort()).toEqual([`network ${STACK}_back`, `network ${STACK}_front`]);
    // the engine's own record: the same sequence of kinds as docker stack rm, services first and networks last
    const kinds = (seq: string[]) => seq.map((x) => x.split(' ')[0]).filter((k, i, all) => k !== all[i - 1]);
    expect(kinds(flot)).toEqual(['service', 'secret', 'config', 'network']);
    expect(kinds(flot)).toEqual(kinds(docker));
    expect(flot.slice(0, 4)).toEqual(expected);
    expect(flot.slice(4).sort()).toEqual(['network back', 'network front']);

    expect((await flotillaJson<Array<{ name: string }>>(['stack', 'ls'])).map((s) => s.name)).not.toContain(STACK);
    const again = await flotilla(['stack', 'services', STACK]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Nothing found in stack: ${STACK}`);
  });
});
