// Issue 18 item 4 through the `flotilla` binary on the lab: `stack logs STACK` prints every service's lines of a
// stack, each with the prefix `docker service logs` prints for its service (the docker CLI in the manager is the
// oracle, per service), merged in time order (-t shows it), honouring --tail and --since the way docker applies
// them per service, and --follow passes on the lines of a task started after it began, without repeating any.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';

const pexec = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/flotilla.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const lines = (text: string): string[] => text.split('\n').filter(Boolean);
const sorted = (text: string): string[] => lines(text).sort();
/** RFC 3339 with the fraction padded, so timestamps compare as text */
const key = (line: string): string => {
  const ts = line.slice(0, line.indexOf(' '));
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : ts;
};

describeLab('flotilla stack logs against docker service logs on the lab', () => {
  let n1: LabNode;
  let home: string;
  const stack = `fsl${Date.now().toString(36).slice(-5)}`;
  const services = [`${stack}_api`, `${stack}_agent`];
  // three lines 0.3 s apart, then one on stderr: the tasks' lines interleave in time
  const script = 'for i in 1 2 3; do echo "out $$i of $$(hostname)"; sleep 0.3; done; echo "err of $$(hostname)" >&2; sleep 3600';

  async function flotilla(args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: home };
    for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[k];
    try {
      const r = await pexec(process.execPath, [BIN, '-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, ...args], { env, timeout: 120_000, maxBuffer: 16 << 20 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code?: number | string; stdout?: string; stderr?: string };
      return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: `${x.stderr ?? ''}${typeof x.code === 'string' ? x.code : ''}` };
    }
  }
  const ok = (r: Run, what: string): Run => {
    expect(r.code, `${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    return r;
  };
  /** what docker service logs prints for every service of the stack, one service after another */
  async function oracle(flags: string[]): Promise<{ stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    for (const s of services) {
      const r = await nodeDocker(n1, ['service', 'logs', ...flags, s]);
      expect(r.code, r.stderr).toBe(0);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    return { stdout, stderr };
  }

  beforeAll(async () => {
    n1 = (await ensureLabSwarm(labNodes())).manager;
    await ensureNodeBusybox(n1.name);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stacklogs-'));
    const compose = [
      'version: "3.9"',
      'services:',
      '  api:',
      `    image: ${LAB_BUSYBOX}`,
      `    command: ["sh", "-c", ${JSON.stringify(script)}]`,
      '    stop_grace_period: 1s',
      '    deploy:',
      '      replicas: 2',
      '      restart_policy: { condition: none }',
      '  agent:',
      `    image: ${LAB_BUSYBOX}`,
      `    command: ["sh", "-c", ${JSON.stringify(script)}]`,
      '    stop_grace_period: 1s',
      '    deploy:',
      '      mode: global',
      '      restart_policy: { condition: none }',
      '',
    ].join('\n');
    await nodeDockerOk(n1, ['stack', 'deploy', '-c', '-', stack], { input: compose });
    const nodes = labNodes().length;
    await until('every task of the stack wrote its lines', async () => {
      const r = await oracle([]);
      return sorted(r.stdout).length === (2 + nodes) * 3 && sorted(r.stderr).length === 2 + nodes;
    }, 180_000, 1000);
  }, 400_000);

  afterAll(async () => {
    if (n1) await nodeDocker(n1, ['stack', 'rm', stack]);
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('prints every line of every service with the prefix docker service logs prints, in time order', async () => {
    const theirs = await oracle([]);
    const ours = ok(await flotilla(['stack', 'logs', stack]), 'stack logs');
    expect(sorted(ours.stdout)).toEqual(sorted(theirs.stdout));
    expect(sorted(ours.stderr)).toEqual(sorted(theirs.stderr));
    // both services' tasks are in it (the prefix names the service and its slot: 0 for the global one)
    expect(lines(ours.stdout).some((l) => l.startsWith(`${stack}_api.1.`))).toBe(true);
    expect(lines(ours.stdout).some((l) => l.startsWith(`${stack}_agent.0.`))).toBe(true);

    const theirsT = await oracle(['-t']);
    const oursT = ok(await flotilla(['stack', 'logs', '-t', stack]), 'stack logs -t');
    expect(sorted(oursT.stdout)).toEqual(sorted(theirsT.stdout));
    expect(sorted(oursT.stderr)).toEqual(sorted(theirsT.stderr));
    const keys = lines(oursT.stdout).map(key);
    expect(keys, 'stdout lines in time order').toEqual([...keys].sort());
    // the merged order is the order docker's own lines take once sorted by time, service after service interleaved
    const merged = lines(theirsT.stdout)
      .map((l, i) => ({ l, i, k: key(l) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
      .map((x) => x.l.slice(x.l.indexOf(' ') + 1));
    expect(lines(ours.stdout).map((l) => l.replace(/ {4}\| .*$/, ''))).toEqual(merged.map((l) => l.replace(/ {4}\| .*$/, '')));
  }, 300_000);

  it('--tail and --since select lines per service as docker service logs does', async () => {
    const theirs = await oracle(['--tail', '1']);
    const ours = ok(await flotilla(['stack', 'logs', '--tail', '1', stack]), 'stack logs --tail 1');
    expect(sorted(ours.stdout)).toEqual(sorted(theirs.stdout));
    expect(sorted(ours.stderr)).toEqual(sorted(theirs.stderr));

    const all = lines(ok(await flotilla(['stack', 'logs', '-t', stack]), 'stack logs -t').stdout);
    const middle = all[Math.floor(all.length / 2)].split(' ')[0];
    const sinceTheirs = await oracle(['--since', middle, '-t']);
    const sinceOurs = ok(await flotilla(['stack', 'logs', '--since', middle, '-t', stack]), `stack logs --since ${middle}`);
    expect(sorted(sinceOurs.stdout)).toEqual(sorted(sinceTheirs.stdout));
    expect(sorted(sinceOurs.stdout).length).toBeLessThan(all.length);

    const none = await flotilla(['stack', 'logs', `${stack}-none`]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`Nothing found in stack: ${stack}-none`);
  }, 300_000);

  it('--follow passes on the lines of a task started after it began, and repeats none', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: home };
    const child = spawn(process.execPath, [BIN, '-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, 'stack', 'logs', '-f', stack], { env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const before = sorted((await oracle([])).stdout);
      await until('the backlog printed', async () => sorted(out).length >= before.length, 120_000, 500);
      await nodeDockerOk(n1, ['service', 'scale', '--detach', `${services[0]}=3`]);
      await until('the third task of api printed its lines', async () => lines(out).filter((l) => l.startsWith(`${stack}_api.3.`)).length === 3, 180_000, 500);
      const printed = lines(out);
      expect(new Set(printed).size, 'no line printed twice').toBe(printed.length);
      const theirs = sorted((await oracle([])).stdout);
      expect(sorted(out)).toEqual(theirs);
    } finally {
      child.kill('SIGINT');
    }
  }, 400_000);
});
