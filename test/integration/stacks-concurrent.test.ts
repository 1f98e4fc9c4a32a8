// Two `flotilla stack deploy` processes of one stack at once (each updating its own service, so the engine has no
// conflict to report) record distinct history numbers, each with its own files: numbering takes history/.lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { describeLab, ensureLabSwarm, nodeDocker, nodeDockerOk, type LabNode } from '../support/lab';
import { cliEnv, flotilla as runFlotilla, type Run } from '../support/cli';

const STACK = `fh${Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x')}`;

let node: LabNode;
let tmp: string;

/** `flotilla -H ssh://root@NODE --ssh-key KEY ARGS...`, in the test's folder, with no SSH agent */
const flotilla = (args: string[]): Promise<Run> =>
  runFlotilla(['-H', node.ssh, '--ssh-key', node.identity, ...args], { cwd: tmp, env: cliEnv({ FLOTILLA_HOME: path.join(tmp, 'home'), DOCKER_CONFIG: path.join(tmp, 'docker'), SSH_AUTH_SOCK: undefined }), timeout: 180_000 });

async function flotillaJson<T>(args: string[]): Promise<T> {
  const r = await flotilla(['--json', ...args]);
  expect(r.code, `flotilla ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** a compose file with the given services, each a busybox sleeping with ROUND=round in its environment */
function composeFile(name: string, services: string[], round: string): string {
  const lines = ['version: "3.9"', 'services:'];
  for (const s of services) lines.push(`  ${s}:`, '    image: flotilla-lab/busybox:latest', '    command: ["sleep", "3600"]', '    stop_grace_period: 1s', `    environment: [ROUND=${round}]`);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describeLab('concurrent stack deploys', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stack-conc-'));
    fs.mkdirSync(path.join(tmp, 'docker'));
    node = (await ensureLabSwarm()).manager;
    await ensureNodeBusybox(node.name);
  });

  afterAll(async () => {
    if (node) await nodeDocker(node, ['stack', 'rm', STACK]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('two stack deploys at once get distinct history numbers, each recording its own file', async () => {
    const first = await flotillaJson<{ history: number }>(['stack', 'deploy', '--resolve-image', 'never', '-c', composeFile('both.yml', ['a', 'b'], '0'), STACK]);
    expect(first.history).toBe(1);

    // no --prune: each deploy updates only the service its file names
    const files = [composeFile('a.yml', ['a'], '1'), composeFile('b.yml', ['b'], '1')];
    const runs = await Promise.all(files.map((f) => flotillaJson<{ history: number; services: Array<{ name: string; action: string }> }>(['stack', 'deploy', '--resolve-image', 'never', '-c', f, STACK])));
    expect(runs.map((r) => r.services.map((s) => `${s.name} ${s.action}`))).toEqual([[`${STACK}_a update`], [`${STACK}_b update`]]);
    const numbers = runs.map((r) => r.history);
    expect([...numbers].sort()).toEqual([2, 3]);

    const history = await flotillaJson<Array<{ n: number; sources: string[]; services: string[] }>>(['stack', 'history', STACK]);
    expect(history.map((e) => e.n)).toEqual([1, 2, 3]);
    // each number holds the file of the deploy that got it
    for (const [i, n] of numbers.entries()) expect(history.find((e) => e.n === n)).toMatchObject({ sources: [files[i]], services: [i === 0 ? 'a' : 'b'] });

    // the oracle: the engine has both updates
    for (const s of ['a', 'b']) expect(await nodeDockerOk(node, ['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Env}}', `${STACK}_${s}`])).toContain('ROUND=1');
  });
});
