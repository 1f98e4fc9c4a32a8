// Cluster as code (issue 19) through the `flotilla` binary, on container machines (real engines, no lab): plan of a
// new file lists the creates; up makes a 1-manager 1-worker swarm with a node label and a stack; a second up changes
// nothing and no service version moves; an edited file (a label changed, the worker removed) plans exactly that and
// up applies it (the worker drained and out of the swarm first); bigger cpus/memory plan a resize that up applies live
// and a second up leaves alone; down -y removes every machine the file made.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const DOCKER = '/usr/local/bin/docker';
const SW = `fcf${process.pid % 1000}`;
const M1 = `${SW}-m1`;
const W1 = `${SW}-w1`;
let home: string;
let work: string;
let dockerConfig: string;
let store: MachineStore;

const run = (file: string, args: string[], timeout?: number): Promise<Run> => runProgram(file, args, { env: cliEnv({ FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig }), timeout, cwd: work });
const flotilla = (args: string[], timeout?: number) => run(process.execPath, [FLOTILLA_BIN, ...args], timeout);
const docker = async (args: string[]) => ok(await run(DOCKER, ['--context', M1, ...args]), `docker ${args.join(' ')}`).stdout.trim();

interface Change {
  kind: string;
  action: string;
  name: string;
  detail: string;
}

const clusterFile = (o: { workers: number; zone: string; labelled: string }) => `# a cluster file as the README shows it
name: ${SW}
machines:
  driver: container
  managers: 1
  workers: ${o.workers}
nodes:
  ${o.labelled}:
    labels: {zone: ${o.zone}}
stacks:
  web:
    file: ./web.yml
    variables: {TAG: "1"}
    resolveImage: never
    detach: true
`;
const COMPOSE = 'version: "3.9"\nservices:\n  app:\n    image: flotilla-test/never-pulled:${TAG}\n    deploy:\n      replicas: 2\n';

const write = async (name: string, text: string): Promise<string> => {
  await fs.writeFile(path.join(work, name), text);
  return name;
};
const plan = async (file: string): Promise<Change[]> => (JSON.parse(ok(await flotilla(['--json', 'plan', '-f', file]), `plan ${file}`).stdout) as { changes: Change[] }).changes;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'fcf-home-'));
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'fcf-work-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fcf-dockercfg-'));
  store = new MachineStore(home);
  await write('web.yml', COMPOSE);
});

afterAll(async () => {
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  for (const d of [home, work, dockerConfig]) await fs.rm(d, { recursive: true, force: true });
}, 300_000);

describe('cluster file: plan, up, up again, edit, down', () => {
  it('does what the file says, and only that', async () => {
    const file = await write('cluster.yml', clusterFile({ workers: 1, zone: 'a', labelled: W1 }));

    // a new file: everything to create
    expect(await plan(file)).toEqual([
      { kind: 'machine', action: 'create', name: M1, detail: 'container' },
      { kind: 'machine', action: 'create', name: W1, detail: 'container' },
      { kind: 'swarm', action: 'init', name: M1, detail: `initialise swarm ${SW} on ${M1}` },
      { kind: 'swarm', action: 'join', name: W1, detail: 'join as worker' },
      { kind: 'node', action: 'update', name: W1, detail: 'label zone=a' },
      { kind: 'stack', action: 'deploy', name: 'web', detail: 'create web_app' },
    ]);

    // up: per-step progress on stderr, the swarm with its label and stack
    const up = ok(await flotilla(['up', '-f', file], 600_000), 'up');
    for (const line of [`${M1}: ready`, `${W1}: swarm join (${W1} joined as worker)`, `${W1}: node updated (label zone=a)`, `${SW}: stack web (create web_app)`]) expect(up.stderr).toContain(line);
    expect(up.stdout).toBe(`Applied 6 changes to swarm ${SW}.\n`);
    expect(await docker(['node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}}'])).toBe(`${M1} Leader\n${W1}`);
    expect(await docker(['node', 'inspect', W1, '--format', '{{json .Spec.Labels}}'])).toBe('{"zone":"a"}');
    expect(await docker(['service', 'inspect', 'web_app', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.Spec.Mode.Replicated.Replicas}}'])).toBe('flotilla-test/never-pulled:1 2');
    expect(ok(await flotilla(['--machine', M1, '--json', 'stack', 'history', 'web']), 'history').stdout).toContain('"TAG"');

    // a second up of the same file: no changes, and no service version moves
    const versions = () => docker(['service', 'ls', '--format', '{{.Name}}', '-q']).then((ids) => docker(['service', 'inspect', ...ids.split('\n'), '--format', '{{.ID}} {{.Version.Index}}']));
    const before = await versions();
    // a node's version moves with its status reports (heartbeats, descriptions), so its spec is what must stay
    const nodeVersion = () => docker(['node', 'inspect', M1, W1, '--format', '{{json .Spec}}']);
    const nodesBefore = await nodeVersion();
    expect(await plan(file)).toEqual([]);
    const again = ok(await flotilla(['up', '-f', file]), 'up again');
    expect(again.stdout).toBe(`No changes: swarm ${SW} is as the file says.\n`);
    expect(JSON.parse(ok(await flotilla(['--json', 'up', '-f', file]), 'up --json').stdout)).toEqual({ changes: [] });
    expect(await versions()).toBe(before);
    expect(await nodeVersion()).toBe(nodesBefore);

    // an edited file plans exactly its edit: a label changed...
    expect(await plan(await write('zone-b.yml', clusterFile({ workers: 1, zone: 'b', labelled: W1 })))).toEqual([{ kind: 'node', action: 'update', name: W1, detail: 'label zone: a -> b' }]);
    // ...and a worker no longer named (its label moved to the manager)
    const smaller = await write('smaller.yml', clusterFile({ workers: 0, zone: 'a', labelled: M1 }));
    expect(await plan(smaller)).toEqual([
      { kind: 'machine', action: 'remove', name: W1, detail: 'drain it, leave the swarm, remove the machine' },
      { kind: 'node', action: 'update', name: M1, detail: 'label zone=a' },
    ]);
    const shrink = ok(await flotilla(['up', '-f', smaller], 300_000), 'up smaller');
    expect(shrink.stderr).toContain(`${W1}: leaving the swarm (drained ${W1})`);
    expect(shrink.stderr.indexOf(`drained ${W1}`)).toBeLessThan(shrink.stderr.indexOf(`${W1}: removed`));
    expect(await docker(['node', 'ls', '--format', '{{.Hostname}}'])).toBe(M1);
    expect(await store.names()).toEqual([M1]);
    expect(await docker(['service', 'ps', 'web_app', '--filter', 'desired-state=running', '--format', '{{.Node}}'])).not.toContain(W1);
    expect(await plan(smaller)).toEqual([]);

    // sizes that differ from the machine's: plan lists the resize, up applies it live (the engine's update, as machine
    // set does), a container machine's disk is said to be left out, and a second up changes nothing
    const bigger = await write('bigger.yml', clusterFile({ workers: 0, zone: 'a', labelled: M1 }).replace('  managers: 1\n', '  managers: 1\n  cpus: 2\n  memory: 1536m\n  disk: 40g\n'));
    expect(await plan(bigger)).toEqual([{ kind: 'machine', action: 'resize', name: M1, detail: "cpus 1 -> 2, memory 1024 MB -> 1536 MB; applied live with the engine's update" }]);
    const grown = ok(await flotilla(['up', '-f', bigger], 300_000), 'up bigger');
    expect(grown.stderr).toContain(`note: ${M1} is a container machine, which has no disk size`);
    expect(grown.stderr).toContain(`${M1}: resized (cpus 1 -> 2 (applied live); memory 1024 MB -> 1536 MB (applied live))`);
    expect(grown.stdout).toBe(`Applied 1 change to swarm ${SW}.\n`);
    expect(ok(await run(DOCKER, ['inspect', `flotilla-${M1}`, '--format', '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}']), 'inspect').stdout.trim()).toBe(`2000000000 ${1536 * 1024 * 1024}`);
    expect((await store.load(M1)).spec).toMatchObject({ cpus: 2, memoryMb: 1536 });
    expect(await plan(bigger)).toEqual([]);
    expect(ok(await flotilla(['up', '-f', bigger]), 'up bigger again').stdout).toBe(`No changes: swarm ${SW} is as the file says.\n`);

    // down: asks first (no terminal here: refused), then with -y removes everything the file made
    const refused = await flotilla(['down', '-f', smaller]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`down removes ${M1}: pass -y to confirm`);
    ok(await flotilla(['down', '-f', smaller, '-y'], 300_000), 'down');
    expect(await store.names()).toEqual([]);
    expect(ok(await run(DOCKER, ['ps', '-a', '--filter', `name=flotilla-${SW}-`, '--format', '{{.Names}}']), 'docker ps').stdout.trim()).toBe('');
    expect(await plan(file)).toHaveLength(6);
  }, 1_200_000);
});
