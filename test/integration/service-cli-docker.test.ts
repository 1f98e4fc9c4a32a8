// Issue 18 (part 1) through the `flotilla` binary on the lab swarm, with the docker CLI inside the manager node as
// the oracle: `service logs` prints every line with the prefix `docker service logs` prints, for each of its
// formatting flags, for a replicated service (10 replicas: slots of one and two digits, so the padding shows) and a
// global one; and `service create IMAGE sh -c '...'` stores the command as docker's `service create` does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';
import { cliEnv, flotilla as runFlotilla, ok, type Run } from '../support/cli';

describeLab("flotilla service logs and service create against docker's on the lab", () => {
  let n1: LabNode;
  let home: string;
  const sfx = Date.now().toString(36);
  const replicated = `fsld-rep-${sfx}`;
  const global = `fsld-glob-${sfx}`;
  const services = [replicated, global];
  const script = 'for i in 1 2 3; do echo "out $i of $(hostname)"; done; echo "err of $(hostname)" >&2; sleep 3600';

  const flotilla = (args: string[]): Promise<Run> => runFlotilla(['-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, ...args], { env: cliEnv({ FLOTILLA_HOME: home }) });
  // tasks interleave differently in each read: compare the sets of lines
  const sorted = (text: string): string[] => text.split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    n1 = (await ensureLabSwarm(labNodes())).manager;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-svclogs-'));
  }, 240_000);

  afterAll(async () => {
    if (n1) for (const s of services) await nodeDocker(n1, ['service', 'rm', s]);
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('service logs prefixes every line as docker service logs does, with --no-resolve, --no-task-ids, --no-trunc, --raw and -t', async () => {
    await nodeDockerOk(n1, ['service', 'create', '-d', '--name', replicated, '--replicas', '10', '--restart-condition', 'none', LAB_BUSYBOX, 'sh', '-c', script]);
    await nodeDockerOk(n1, ['service', 'create', '-d', '--name', global, '--mode', 'global', '--restart-condition', 'none', LAB_BUSYBOX, 'sh', '-c', script]);
    const nodes = labNodes().length;
    for (const [name, tasks] of [
      [replicated, 10],
      [global, nodes],
    ] as const) {
      await until(`${name}: every task's lines in docker service logs`, async () => {
        const r = await nodeDocker(n1, ['service', 'logs', name]);
        return sorted(r.stdout).length === tasks * 3 && sorted(r.stderr).length === tasks;
      }, 120_000, 1000);
    }
    const flagSets = [[], ['--no-resolve'], ['--no-task-ids'], ['--no-trunc'], ['--raw'], ['--no-resolve', '--no-trunc'], ['--no-task-ids', '--no-resolve'], ['-t']];
    for (const name of services) {
      for (const flags of flagSets) {
        const oracle = await nodeDocker(n1, ['service', 'logs', ...flags, name]);
        expect(oracle.code, oracle.stderr).toBe(0);
        const ours = ok(await flotilla(['service', 'logs', ...flags, name]), `service logs ${flags.join(' ')} ${name}`);
        expect(sorted(ours.stdout), `stdout of service logs ${flags.join(' ')} ${name}`).toEqual(sorted(oracle.stdout));
        expect(sorted(ours.stderr), `stderr of service logs ${flags.join(' ')} ${name}`).toEqual(sorted(oracle.stderr));
      }
    }
    // a sanity check on the oracle itself: the replicated service's lines carry a slot and the padded column
    expect(sorted((await nodeDocker(n1, ['service', 'logs', replicated])).stdout).some((l) => l.startsWith(`${replicated}.1.`) && /@\S+ {5}\| out 1 of /.test(l))).toBe(true);
  }, 480_000);

  it("service create IMAGE sh -c '...' stores the same Args as docker service create, with and without --", async () => {
    const ours = `fsld-ours-${sfx}`;
    const dashes = `fsld-dashes-${sfx}`;
    const theirs = `fsld-theirs-${sfx}`;
    services.push(ours, dashes, theirs);
    ok(await flotilla(['service', 'create', '--name', ours, '--replicas', '0', LAB_BUSYBOX, 'sh', '-c', 'echo hi; sleep 1000']), 'service create IMAGE sh -c');
    ok(await flotilla(['service', 'create', '--name', dashes, '--replicas', '0', LAB_BUSYBOX, '--', 'sh', '-c', 'echo hi; sleep 1000']), 'service create IMAGE -- sh -c');
    await nodeDockerOk(n1, ['service', 'create', '-d', '--name', theirs, '--replicas', '0', LAB_BUSYBOX, 'sh', '-c', 'echo hi; sleep 1000']);
    const containerSpec = async (name: string): Promise<{ Command?: string[]; Args?: string[] }> => JSON.parse(await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{json .Spec.TaskTemplate.ContainerSpec}}'])) as { Command?: string[]; Args?: string[] };
    const oracle = await containerSpec(theirs);
    expect(oracle.Args).toEqual(['sh', '-c', 'echo hi; sleep 1000']);
    for (const name of [ours, dashes]) {
      const got = await containerSpec(name);
      expect({ Command: got.Command, Args: got.Args }, name).toEqual({ Command: oracle.Command, Args: oracle.Args });
    }
  }, 180_000);
});
