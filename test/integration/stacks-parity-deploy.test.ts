// Issue 22, item 2's lab sample: generated compose files (test/support/compose-gen.ts, the generator of the
// stack config differential) that `docker stack config` and Flotilla both accept are deployed on the lab swarm by
// `docker stack deploy` (CLI 28, inside the manager) and by Flotilla (over SSH), and the stored service, network,
// secret and config specs compared as the fixture differential (stacks-differential.test.ts) compares them.
// To deploy at all, each file is made deployable first: the lab's workload image, ingress published ports unique
// to the file (the swarm refuses a port another service publishes), no external objects (none exist) and no IPAM
// subnets (two files' would overlap). Every node is paused: the swarm stores the specs and starts no task.
// FLOTILLA_PARITY_DEPLOY_RUNS sets the sample size (CI: 20), FLOTILLA_FUZZ_SEED replays a run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, type EngineConnection } from '../../src-main/core/engine';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { run } from '../../src-main/core/lab/exec';
import { deployStack } from '../../src-main/core/stacks/deploy';
import { loadStack } from '../../src-main/core/stacks/loader';
import { composeDoc, write, type Format, type GenValue } from '../support/compose-gen';
import { describeLab, ensureLabSwarm, LAB_BUSYBOX, nodeExec, type LabNode } from '../support/lab';
import { diffSpecs, pool, stackSnapshots, type StackSnapshots } from '../support/stack-snapshot';

const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => fs.existsSync(p));
const SAMPLE = Number(process.env.FLOTILLA_PARITY_DEPLOY_RUNS ?? 20);
const SEED = Number(process.env.FLOTILLA_FUZZ_SEED ?? 22);
const NODE_DIR = '/tmp/flotilla-parity-sample';
const RUN = Math.random().toString(36).slice(2, 5).replace(/[^a-z]/g, 'x');
const MINE = new RegExp(` (p${RUN}[cf]\\d\\d)_`);
const stackName = (side: 'c' | 'f', i: number): string => `p${RUN}${side}${String(i).padStart(2, '0')}`;

type Doc = Record<string, GenValue>;
const isObj = (v: GenValue | undefined): v is Record<string, GenValue> => typeof v === 'object' && v !== null && !Array.isArray(v) && !('raw' in v && Object.keys(v).length === 1);

/** the generated file made deployable on the lab (see the header); `base`: the first published port it may use */
function deployable(doc: Doc, base: number): Doc {
  const d = structuredClone(doc);
  let next = base;
  const fresh = (count: number): number => {
    const p = next;
    next += count;
    return p;
  };
  delete d.secrets;
  delete d.configs;
  for (const section of ['networks', 'volumes'] as const) {
    const defs = d[section];
    if (!isObj(defs)) continue;
    for (const def of Object.values(defs)) {
      if (!isObj(def)) continue;
      delete def.external;
      if (section === 'networks') {
        def.driver = 'overlay';
        delete def.ipam;
      }
    }
  }
  // the named volumes the generator's short entries use, defined (an undefined one is a deploy-time refusal)
  const volumes = isObj(d.volumes) ? d.volumes : {};
  for (const v of ['data', 'named']) if (!(v in volumes)) volumes[v] = null;
  d.volumes = volumes;
  for (const svc of Object.values(isObj(d.services) ? d.services : {})) {
    if (!isObj(svc)) continue;
    svc.image = LAB_BUSYBOX;
    // what the generator combines freely and convert refuses at deploy (on both sides): replicas in global
    // mode, options of another mount type, a healthcheck test beside disable, dnsrr with ingress ports
    const dep = svc.deploy;
    if (isObj(dep) && dep.mode === 'global') delete dep.replicas;
    if (isObj(dep) && Array.isArray(svc.ports) && svc.ports.length) delete dep.endpoint_mode;
    if (isObj(svc.healthcheck)) delete svc.healthcheck.disable;
    if (Array.isArray(svc.volumes)) {
      for (const m of svc.volumes) {
        if (!isObj(m)) continue;
        for (const t of ['volume', 'bind', 'tmpfs']) if (m.type !== t) delete m[t];
        if (m.type === 'volume' && typeof m.source === 'string' && !m.source.startsWith('/') && !m.source.startsWith('.')) volumes[m.source] ??= null;
      }
    }
    if (!Array.isArray(svc.ports)) continue;
    svc.ports = svc.ports.map((p) => {
      if (isObj(p) && typeof p.published === 'number') return { ...p, published: fresh(1) };
      if (typeof p !== 'string') return p;
      // [IP:]PUBLISHED[-END]:TARGET...: the published part (or range) moved to this file's ports
      return p.replace(/^((?:[\d.]+:)?)(\d+)(?:-(\d+))?:/, (_m, ip: string, a: string, b?: string) => {
        const n = b ? Number(b) - Number(a) + 1 : 1;
        const start = fresh(n);
        return `${ip}${start}${b ? `-${start + n - 1}` : ''}:`;
      });
    });
  }
  return d;
}

function dockerConfigOk(file: string, home: string): Promise<boolean> {
  return new Promise((resolve) => execFile(DOCKER!, ['stack', 'config', '-c', file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, timeout: 30_000 }, (e) => resolve(!e)));
}

let node: LabNode;
let conn: EngineConnection;
let snaps: StackSnapshots;
let home: string;
let local: string;

describeLab('generated compose files: Flotilla deploys them as docker stack deploy does', () => {
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-parity-deploy-'));
    local = path.join(home, 'files');
    fs.mkdirSync(local);
    process.env.FLOTILLA_HOME = home;
    node = (await ensureLabSwarm()).manager;
    snaps = stackSnapshots(node, { ipamSubnet: () => false, mine: MINE });
    await snaps.setAvailability('pause');
    await ensureNodeBusybox(node.name);
    const has = await run('docker', ['exec', node.name, 'test', '-x', '/usr/local/bin/docker28']);
    if (has.code !== 0) {
      const r = await run('docker', ['cp', '/usr/local/bin/docker', `${node.name}:/usr/local/bin/docker28`]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    conn = await connectEngine({ kind: 'ssh', user: 'root', host: node.ip, port: 22, identityFile: node.identity });
  });

  afterAll(async () => {
    if (snaps) {
      await snaps.removeAll().catch(() => undefined);
      await snaps.setAvailability('active').catch(() => undefined);
    }
    if (node) await nodeExec(node, ['rm', '-rf', NODE_DIR]).catch(() => undefined);
    await conn?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it(`deploys a sample of ${SAMPLE} generated files identically`, { timeout: 600_000 }, async () => {
    expect(DOCKER, 'the docker CLI is needed (CLI 28 at /usr/local/bin/docker is the reference)').toBeDefined();
    // the sample: generated files, made deployable, that both sides accept
    const picked: Array<{ file: string; content: string }> = [];
    const candidates = fc.sample(fc.tuple(composeDoc, fc.constantFrom<Format>('json', 'block', 'flow', 'anchors')), { numRuns: SAMPLE * 8, seed: SEED });
    for (const [doc, format] of candidates) {
      if (picked.length >= SAMPLE) break;
      const i = picked.length;
      const d = deployable(doc, 20000 + i * 40);
      if (!isObj(d.services) || !Object.keys(d.services).length) continue;
      const file = `g${String(i).padStart(2, '0')}.${format === 'json' ? 'json' : 'yml'}`;
      const content = write(d, format);
      fs.writeFileSync(path.join(local, file), content);
      const loaded = loadStack({ files: [{ file: `${NODE_DIR}/${file}`, content }], env: { HOME: '/root' }, workingDir: NODE_DIR, home: '/root' });
      if (!loaded.config || !(await dockerConfigOk(path.join(local, file), home))) {
        fs.rmSync(path.join(local, file));
        continue;
      }
      picked.push({ file, content });
    }
    expect(picked.length).toBe(SAMPLE);
    await nodeExec(node, ['rm', '-rf', NODE_DIR]);
    const cp = await run('docker', ['cp', local, `${node.name}:${NODE_DIR}`]);
    if (cp.code !== 0) throw new Error(cp.stderr);

    await snaps.removeAll();
    const errors = new Map<string, { cli?: string; flotilla?: string }>();
    const failed = (f: string, side: 'cli' | 'flotilla', msg: string) => errors.set(f, { ...errors.get(f), [side]: msg });
    await pool(picked.map((p, i) => [p, i] as const), 4, async ([p, i]) => {
      const r = await nodeExec(node, ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'sh', '-c', `cd ${NODE_DIR} && docker28 stack deploy --detach=true --resolve-image never -c ${NODE_DIR}/${p.file} ${stackName('c', i)}`]);
      if (r.code !== 0) failed(p.file, 'cli', r.stderr.trim());
    });
    const cliSnap = await snaps.snapshotAll();
    await snaps.removeAll();
    await pool(picked.map((p, i) => [p, i] as const), 4, async ([p, i]) => {
      const loaded = loadStack({ files: [{ file: `${NODE_DIR}/${p.file}`, content: p.content }], env: { HOME: '/root' }, workingDir: NODE_DIR, home: '/root' });
      await deployStack(conn.docker, { stack: stackName('f', i), config: loaded.config!, resolveImage: 'never', wait: false }).catch((e: Error) => failed(p.file, 'flotilla', e.message));
    });
    const flSnap = await snaps.snapshotAll();
    await snaps.removeAll();

    const problems: string[] = [];
    let compared = 0;
    picked.forEach((p, i) => {
      const e = errors.get(p.file);
      if (e?.cli || e?.flotilla) {
        // both refusing at deploy is agreement; one side alone is not
        if (e.cli && e.flotilla) process.stderr.write(`[parity-deploy] ${p.file} refused by both: docker: ${e.cli.split('\n').pop()} | flotilla: ${e.flotilla.split('\n')[0]}\n`);
        else problems.push(`${p.file}: docker ${e.cli ? `failed (${e.cli})` : 'deployed'}, flotilla ${e.flotilla ? `failed (${e.flotilla})` : 'deployed'}\n${p.content}`);
        return;
      }
      const cli = cliSnap.get(stackName('c', i)) ?? {};
      const fl = flSnap.get(stackName('f', i)) ?? {};
      if (!(cli as { services?: unknown[] }).services?.length) problems.push(`${p.file}: the CLI created no services`);
      else if (JSON.stringify(cli) !== JSON.stringify(fl)) {
        const changes = diffSpecs(cli, fl).map((c) => `${c.path}: cli ${JSON.stringify(c.from)} flotilla ${JSON.stringify(c.to)}`);
        problems.push(`${p.file}:\n  ${changes.join('\n  ') || 'ordering differs'}\n${p.content}`);
      } else compared++;
    });
    process.stderr.write(`[parity-deploy] ${picked.length} files (seed ${SEED}): ${compared} deployed identically, ${[...errors.values()].filter((e) => e.cli && e.flotilla).length} refused by both\n`);
    expect(problems.join('\n\n')).toBe('');
    // most of the sample deploys: a sample every deploy refuses would compare nothing
    expect(compared).toBeGreaterThanOrEqual(Math.ceil(SAMPLE / 2));
  });
});
