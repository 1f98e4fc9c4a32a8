// Flotilla's files at rest, after a full flow through the `flotilla` binary under a fresh FLOTILLA_HOME: a container
// machine made into a one-node swarm, a stack deployed twice with a secret-looking variable, a rollback. Then every
// file under the home is 0600 and every folder 0700, and no file holds a variable's value (history keeps names and
// hashes); the rollback takes its value from the environment, checked against the hash, and refuses a wrong one.
// No lab needed.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineStore } from '../../src-main/core/machines/store';
import { cliEnv, FLOTILLA_BIN, ok, run as runProgram, type Run } from '../support/cli';

const DOCKER = '/usr/local/bin/docker';
const SW = `fhm${process.pid % 1000}`;
const M1 = `${SW}-m1`;
const STACK = 'vault';
// values that must never reach the disk
const V1 = `v1-${crypto.randomBytes(8).toString('hex')}`;
const V2 = `v2-${crypto.randomBytes(8).toString('hex')}`;
let home: string;
let work: string;
let dockerConfig: string;
let store: MachineStore;

// DB_PASSWORD (the stack's variable) only when a test passes it
const run = (file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, timeout?: number): Promise<Run> =>
  runProgram(file, args, { env: cliEnv({ DB_PASSWORD: undefined, FLOTILLA_HOME: home, DOCKER_CONFIG: dockerConfig, FLOTILLA_DOCKER_CLI: DOCKER, ...extraEnv }), timeout, cwd: work });
const flotilla = (args: string[], env?: NodeJS.ProcessEnv, timeout?: number) => run(process.execPath, [FLOTILLA_BIN, ...args], env, timeout);

/** every path under `root` (itself included) with its type and permission bits */
async function walk(root: string): Promise<Array<{ path: string; kind: 'file' | 'dir' | 'other'; mode: number }>> {
  const out: Array<{ path: string; kind: 'file' | 'dir' | 'other'; mode: number }> = [];
  const visit = async (p: string) => {
    const st = await fs.lstat(p);
    out.push({ path: path.relative(root, p) || '.', kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other', mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const e of await fs.readdir(p)) await visit(path.join(p, e));
  };
  await visit(root);
  return out;
}

const compose = (replicas: number) => `version: "3.9"\nservices:\n  app:\n    image: flotilla-test/never-pulled:1\n    environment:\n      PASSWORD: \${DB_PASSWORD}\n    deploy:\n      replicas: ${replicas}\n`;

beforeAll(async () => {
  // a home inside a folder with default modes, as a user's data folder is, and a compose file outside it
  home = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'fhm-')), 'flotilla-home');
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'fhm-work-'));
  dockerConfig = await fs.mkdtemp(path.join(os.tmpdir(), 'fhm-dockercfg-'));
  store = new MachineStore(home);
});

afterAll(async () => {
  await flotilla(['swarm', 'rm', '-y', SW], {}, 300_000);
  for (const n of await store.names().catch(() => [])) await flotilla(['machine', 'rm', '-y', n]);
  await fs.rm(path.dirname(home), { recursive: true, force: true });
  await fs.rm(work, { recursive: true, force: true });
  await fs.rm(dockerConfig, { recursive: true, force: true });
}, 360_000);

describe('files at rest under FLOTILLA_HOME', () => {
  it('machine, swarm, two deploys and a rollback leave only 0600 files and 0700 folders, and no variable value', async () => {
    ok(await flotilla(['--json', 'swarm', 'create', SW, '--driver', 'container', '--managers', '1', '--workers', '0'], {}, 420_000), 'swarm create');

    const file = path.join(work, 'docker-compose.yml');
    const deploy = async (replicas: number, value: string) => {
      await fs.writeFile(file, compose(replicas));
      return ok(await flotilla(['--machine', M1, 'stack', 'deploy', '-c', file, '--resolve-image', 'never', '-d', STACK], { DB_PASSWORD: value }), `deploy ${replicas}`);
    };
    await deploy(1, V1);
    await deploy(2, V2);
    const env = async () => ok(await run(DOCKER, ['--context', M1, 'service', 'inspect', `${STACK}_app`, '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Env}} {{.Spec.Mode.Replicated.Replicas}}']), 'service inspect').stdout.trim();
    expect(await env()).toBe(`["PASSWORD=${V2}"] 2`);

    // history: names and hashes, the compose file as written (the ${DB_PASSWORD} reference, not the value)
    const history = JSON.parse(ok(await flotilla(['--machine', M1, '--json', 'stack', 'history', STACK]), 'history').stdout) as Array<{ n: number; variables: string[]; variableHashes: Record<string, string> }>;
    expect(history.map((h) => [h.n, h.variables])).toEqual([
      [1, ['DB_PASSWORD']],
      [2, ['DB_PASSWORD']],
    ]);
    expect(history[0].variableHashes.DB_PASSWORD).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(history[0].variableHashes.DB_PASSWORD).not.toBe(history[1].variableHashes.DB_PASSWORD);
    const diff = JSON.parse(ok(await flotilla(['--machine', M1, '--json', 'stack', 'history', STACK, '--diff', '1..2']), 'diff').stdout) as { diff: string };
    expect(diff.diff).toContain('- DB_PASSWORD (value hmac-sha256:');
    expect(diff.diff).not.toContain(V1);

    // rollback needs the value deployment 1 used: none, or deployment 2's, is refused naming the variable
    const none = await flotilla(['--machine', M1, 'stack', 'rollback', STACK, '1', '-d']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('deployment 1 of stack vault used DB_PASSWORD, and Flotilla keeps only a hash of each value, never the value: DB_PASSWORD is not set');
    const wrong = await flotilla(['--machine', M1, 'stack', 'rollback', STACK, '1', '-d'], { DB_PASSWORD: V2 });
    expect(wrong.stderr).toContain('DB_PASSWORD has a different value now');
    ok(await flotilla(['--machine', M1, 'stack', 'rollback', STACK, '1', '-d'], { DB_PASSWORD: V1 }), 'rollback');
    expect(await env()).toBe(`["PASSWORD=${V1}"] 1`);

    const tree = await walk(home);
    // the flow wrote what it should have: machine config, keys, certs, known hosts, three deployments
    for (const p of ['machines', `machines/${M1}/config.json`, `machines/${M1}/key.pem`, 'certs', 'stacks', 'stacks/history-key']) expect(tree.map((t) => t.path)).toContain(p);
    expect(tree.filter((t) => t.path.endsWith('deploy.json'))).toHaveLength(3);
    expect(tree.filter((t) => t.kind === 'other')).toEqual([]);
    expect(tree.filter((t) => (t.kind === 'dir' ? t.mode !== 0o700 : t.mode !== 0o600)).map((t) => `${t.path} ${t.mode.toString(8)}`)).toEqual([]);
    for (const t of tree.filter((x) => x.kind === 'file')) {
      const text = await fs.readFile(path.join(home, t.path), 'latin1');
      expect(text.includes(V1) || text.includes(V2), `${t.path} holds a variable's value`).toBe(false);
    }
  }, 900_000);
});
