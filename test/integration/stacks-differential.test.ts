// Differential test: every valid fixture is deployed by the docker CLI (`docker stack deploy --resolve-image
// never`, run inside a lab swarm manager) and by Flotilla (over SSH) under another stack name; the
// normalized `docker service inspect`, networks, secrets and configs must be identical. After each side's
// deploy, Flotilla's plan of the same files against the running stacks reports nothing to do; after one service
// of one file is edited, it reports exactly that change.
// The lab comes from test/support/lab.ts (ensureLabSwarm: node 1 is the manager).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { run } from '../../src-main/core/lab/exec';
import { describeLab, ensureLabSwarm, nodeExec as labExec, type LabNode } from '../support/lab';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import { loadStack } from '../../src-main/core/stacks/loader';
import { deployStack } from '../../src-main/core/stacks/deploy';
import { planStack } from '../../src-main/core/stacks/plan';
import { diffSpecs, pool, stackSnapshots, type StackSnapshots } from '../support/stack-snapshot';

const FIX = path.resolve(__dirname, '../fixtures/stacks/valid');
const NODE_FIX = '/tmp/flotilla-stack-fixtures';
const files = fs.readdirSync(FIX).filter((f) => f.endsWith('.yml') && !f.includes('.override.')).sort();
let node: LabNode;
let snaps: StackSnapshots;
let conn: EngineConnection;
let home: string;

async function nodeExec(args: string[], input?: string): Promise<string> {
  const r = await labExec(node, args, input !== undefined ? { input } : {});
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function nodeDocker(args: string[]): Promise<string> {
  return nodeExec(['docker', ...args]);
}

// a per-run prefix: stale objects of earlier runs (e.g. a node's leftover copy of a removed overlay) never mix in
const RUN = Math.random().toString(36).slice(2, 5).replace(/[^a-z]/g, 'x');
const MINE = new RegExp(` (s${RUN}[cf]\\d\\d)_|flotilla-fixture-(21|23)`);
const removeAll = (): Promise<void> => snaps.removeAll();
const snapshotAll = (): Promise<Map<string, Record<string, unknown>>> => snaps.snapshotAll();
const setAvailability = (a: 'pause' | 'active'): Promise<void> => snaps.setAvailability(a);

function composeArgs(file: string): string[] {
  const override = file.replace(/\.yml$/, '.override.yml');
  return ['-c', `${NODE_FIX}/${file}`, ...(fs.existsSync(path.join(FIX, override)) ? ['-c', `${NODE_FIX}/${override}`] : [])];
}

function loadFixture(f: string) {
  const override = path.join(FIX, f.replace(/\.yml$/, '.override.yml'));
  const srcs = [path.join(FIX, f), ...(fs.existsSync(override) ? [override] : [])].map((x) => ({ file: x, content: fs.readFileSync(x, 'utf8') }));
  return loadStack({ files: srcs, env: { HOME: '/root' } });
}

/** Flotilla's plan of every fixture against its deployed stack: anything but "unchanged" is a problem */
async function planAll(side: 'c' | 'f', problems: string[]): Promise<number> {
  let items = 0;
  await pool(files.map((f, i) => [f, i] as const), 4, async ([f, i]) => {
    const config = loadFixture(f).config;
    if (!config) return; // reported by the deploy phase
    const plan = await planStack(conn.docker, stackName(side, i), config, { readFile: (p) => fs.readFileSync(p) });
    items += plan.length;
    for (const it of plan.filter((x) => x.action !== 'unchanged')) problems.push(`${f}: plan after the ${side === 'c' ? 'docker CLI' : 'Flotilla'} deploy: ${it.action} ${it.kind} ${it.name} ${JSON.stringify(it.changes)}`);
  });
  return items;
}

const stackName = (side: 'c' | 'f', i: number) => `s${RUN}${side}${String(i).padStart(2, '0')}`;

describeLab('stack deploy: Flotilla vs docker CLI', () => {
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-stacks-'));
    process.env.FLOTILLA_HOME = home;
    node = (await ensureLabSwarm()).manager;
    snaps = stackSnapshots(node, { ipamSubnet: (s) => s.startsWith('10.211.'), mine: MINE });
    // Every node paused: the scheduler starts no task, so the 34 stacks are stored specs only. What is compared
    // is what the swarm stores (services, networks, secrets, configs), which tasks do not change; without tasks
    // the deploys, inspects and removals do not queue behind ~150 containers starting and stopping (this file
    // took 5.5 minutes that way). Tasks of deployed stacks running is what stacks-cli and swarm-ops check.
    await setAvailability('pause');
    await ensureNodeBusybox(node.name);
    // the docker CLI 28 of this machine, copied into the node (its own CLI is Debian's 20.10)
    const has = await run('docker', ['exec', node.name, 'test', '-x', '/usr/local/bin/docker28']);
    if (has.code !== 0) {
      const r = await run('docker', ['cp', '/usr/local/bin/docker', `${node.name}:/usr/local/bin/docker28`]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    await nodeExec(['rm', '-rf', NODE_FIX]);
    const cp = await run('docker', ['cp', FIX, `${node.name}:${NODE_FIX}`]);
    if (cp.code !== 0) throw new Error(cp.stderr);
    // what 22-external.yml expects to find
    await nodeDocker(['network', 'create', '-d', 'overlay', '--attachable', 'flotilla-fixture-ext-net']).catch(() => undefined);
    await nodeExec(['docker', 'secret', 'create', 'flotilla-fixture-ext-secret', '-'], 'external\n').catch(() => undefined);
    conn = await connectEngine({ kind: 'ssh', user: 'root', host: node.ip, port: 22, identityFile: node.identity });
  });

  afterAll(async () => {
    // ensureLabSwarm makes every node active again too, should this not run
    if (snaps) await setAvailability('active').catch(() => undefined);
    await nodeDocker(['network', 'rm', 'flotilla-fixture-ext-net']).catch(() => undefined);
    await nodeDocker(['secret', 'rm', 'flotilla-fixture-ext-secret']).catch(() => undefined);
    await conn?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it(`deploys ${files.length} fixtures identically`, { timeout: 600_000 }, async () => {
    let t0 = Date.now();
    const phase = (name: string) => {
      process.stderr.write(`[stacks-differential] ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      t0 = Date.now();
    };
    expect(files.length).toBeGreaterThanOrEqual(30);
    const errors = new Map<string, string>();
    await removeAll();
    phase('initial clean-up');
    // phase 1: the docker CLI, inside the manager, with an empty environment like a fresh shell
    await pool(files.map((f, i) => [f, i] as const), 4, async ([f, i]) => {
      const r = await labExec(node, ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'sh', '-c', `cd ${NODE_FIX} && docker28 stack deploy --detach=true --resolve-image never ${composeArgs(f).join(' ')} ${stackName('c', i)}`]);
      if (r.code !== 0) errors.set(f, `docker stack deploy failed: ${r.stderr.trim()}`);
    });
    phase('docker CLI deploys');
    const cliSnap = await snapshotAll();
    phase('snapshot');
    const planProblems: string[] = [];
    // the plan against what the docker CLI made: the same files, nothing to do
    expect(await planAll('c', planProblems)).toBeGreaterThan(files.length);
    phase('plan');
    await removeAll();
    phase('removal');
    // phase 2: Flotilla over SSH
    await pool(files.map((f, i) => [f, i] as const), 4, async ([f, i]) => {
      const loaded = loadFixture(f);
      if (!loaded.config) {
        errors.set(f, `flotilla could not load it: ${JSON.stringify(loaded.diagnostics)}`);
        return;
      }
      await deployStack(conn.docker, { stack: stackName('f', i), config: loaded.config, resolveImage: 'never', wait: false }).catch((e: Error) => errors.set(f, `flotilla deploy failed: ${e.message}`));
    });
    phase('flotilla deploys');
    const flSnap = await snapshotAll();
    await planAll('f', planProblems);
    phase('snapshot and plan');
    // one service of one file edited: the plan names exactly that service and those two fields
    const vi = files.indexOf('03-voting-app.yml');
    const voting = fs.readFileSync(path.join(FIX, files[vi]), 'utf8');
    const edited = voting.replace('    ports:\n      - 30030:80\n    networks:\n      - frontend\n    deploy:\n      replicas: 2', '    ports:\n      - 30030:80\n    networks:\n      - frontend\n    deploy:\n      replicas: 3').replace(/( {2}vote:\n {4}image: .*\n {4}command: )\["sleep", "3600"\]/, '$1["sleep", "7200"]');
    expect(edited).not.toBe(voting);
    const editedConfig = loadStack({ files: [{ file: path.join(FIX, files[vi]), content: edited }], env: { HOME: '/root' } }).config!;
    const editPlan = await planStack(conn.docker, stackName('f', vi), editedConfig, { readFile: (p) => fs.readFileSync(p) });
    expect(editPlan.filter((x) => x.action !== 'unchanged')).toEqual([
      {
        kind: 'service',
        name: `${stackName('f', vi)}_vote`,
        action: 'update',
        changes: [
          { path: 'Mode.Replicated.Replicas', from: 2, to: 3 },
          { path: 'TaskTemplate.ContainerSpec.Args', from: ['sleep', '3600'], to: ['sleep', '7200'] },
        ],
      },
    ]);
    expect(editPlan.filter((x) => x.kind === 'service' && x.action === 'unchanged')).toHaveLength(4);
    await removeAll();
    phase('edit plan and removal');
    const results = new Map(files.map((f, i) => [f, { cli: cliSnap.get(stackName('c', i)) ?? {}, flotilla: flSnap.get(stackName('f', i)) ?? {} }]));
    const problems: string[] = [...planProblems];
    for (const f of files) {
      const r = results.get(f)!;
      const cli = r.cli as { services?: unknown[] };
      if (errors.has(f)) problems.push(`${f}: ${errors.get(f)}`);
      else if (!cli.services?.length) problems.push(`${f}: the CLI created no services`);
      else {
        const changes = diffSpecs(r.cli, r.flotilla).map((c) => `${c.path}: cli ${JSON.stringify(c.from)} flotilla ${JSON.stringify(c.to)}`);
        if (JSON.stringify(r.cli) !== JSON.stringify(r.flotilla)) problems.push(`${f}:\n  ${changes.join('\n  ') || 'ordering differs'}`);
      }
    }
    expect(problems.join('\n')).toBe('');
  });
});
