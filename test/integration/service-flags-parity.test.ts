// Issue 22, item 3: generated `service create` and `service update` flag sets (fast-check, good and bad values)
// run through the `flotilla` binary and through `docker service create/update` (CLI 28, inside the lab manager);
// both refuse, or both store the same service spec, field for field. Every node is paused: specs are stored and
// no task starts. FLOTILLA_SERVICE_FLAG_RUNS sets the number of create sets (update: half), FLOTILLA_FUZZ_SEED
// replays a run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flatten } from '../../src-main/core/stacks/plan';
import type { Run } from '../support/cli';
import { docker28 as dockerOn, flotillaOn, installDocker28 } from '../support/docker-oracle';
import { describeLab, ensureLabSwarm, LAB_BUSYBOX, nodeExec, type LabNode } from '../support/lab';
import { pool, stackSnapshots } from '../support/stack-snapshot';

const RUNS = Number(process.env.FLOTILLA_SERVICE_FLAG_RUNS ?? 12);
const SEED = Number(process.env.FLOTILLA_FUZZ_SEED ?? 22);
const RUN = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x');

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
// bad values, each set getting at most one (with several, both sides would refuse nearly every set)
const BAD: Array<[string, string]> = [];
/** a flag, present or not, with a good value; `badValues` join the pool one set may take one from */
const flag = (name: string, good: string[], badValues: string[] = []): fc.Arbitrary<string[]> => {
  for (const b of badValues) BAD.push([name, b]);
  return good.length ? opt(fc.constantFrom(...good)).map((v) => (v === undefined ? [] : [name, v])) : fc.constant([]);
};
/** good flags, and in one set of three a bad value */
const withBad = (good: fc.Arbitrary<string[]>, bad: Array<[string, string]>): fc.Arbitrary<string[]> =>
  fc.tuple(good, fc.option(fc.constantFrom(...bad), { nil: undefined, freq: 2 })).map(([g, b]) => (b ? [...g, ...b] : g));
const repeat = (name: string, values: string[], max = 2): fc.Arbitrary<string[]> => fc.uniqueArray(fc.constantFrom(...values), { maxLength: max }).map((vs) => vs.flatMap((v) => [name, v]));
const duration = ['10s', '1m30s', '500ms', '0s', '2h'];
const badDuration = ['soon', '1d', '5'];

/** a `service create` flag set (without --name and the image) */
const createGood: fc.Arbitrary<string[]> = fc
  .tuple(
    flag('--replicas', ['0', '1', '3'], ['two', '-1']),
    flag('--mode', ['replicated', 'replicated', 'global'], ['bogus']),
    repeat('--publish', ['8080:80', '8081:81/udp', 'published=8082,target=82,mode=host', '83', 'target=84,protocol=sctp'], 2),
    flag('--publish', [], ['1:2:3:4', 'x:80', '70000:80']),
    repeat('--env', ['A=1', 'B=', 'C', 'D=x=y'], 3),
    flag('--env', [], ['=x']),
    repeat('--mount', ['type=volume,source=data,target=/data', 'type=tmpfs,target=/t', 'type=bind,source=/srv,target=/s,readonly', 'type=volume,target=/anon,volume-nocopy'], 2),
    flag('--mount', [], ['type=bogus,target=/x', 'source=x']),
    repeat('--constraint', ['node.role==manager', 'node.labels.a!=b'], 2),
    flag('--constraint', [], ['node.role']),
    flag('--placement-pref', ['spread=node.labels.zone'], ['pack=x']),
    repeat('--label', ['a=b', 'c', 'e='], 2),
    repeat('--container-label', ['x=y', 'z'], 2),
    fc.tuple(flag('--update-parallelism', ['0', '2'], ['x']), flag('--update-delay', duration, badDuration), flag('--update-failure-action', ['pause', 'continue', 'rollback'], ['explode']), flag('--update-order', ['start-first', 'stop-first'], ['last']), flag('--update-monitor', duration)),
    fc.tuple(flag('--rollback-parallelism', ['0', '2']), flag('--rollback-delay', duration), flag('--rollback-failure-action', ['pause', 'continue']), flag('--rollback-order', ['start-first'])),
    fc.tuple(flag('--restart-condition', ['none', 'on-failure', 'any'], ['sometimes']), flag('--restart-delay', duration), flag('--restart-max-attempts', ['0', '3'], ['-1'])),
    fc.tuple(flag('--limit-cpu', ['0.5', '2'], ['abc']), flag('--limit-memory', ['256m', '1g', '4194304'], ['256Mi']), flag('--reserve-cpu', ['0.25']), flag('--reserve-memory', ['64m'])),
    fc.tuple(flag('--health-cmd', ['true', 'curl -f http://localhost/']), flag('--health-interval', duration), flag('--health-timeout', ['2s']), flag('--health-retries', ['3', '0']), fc.option(fc.constant(['--no-healthcheck']), { nil: undefined, freq: 6 }).map((v) => v ?? [])),
    fc.tuple(flag('--workdir', ['/app']), flag('--user', ['1000', 'nobody:nogroup']), flag('--hostname', ['h1']), flag('--stop-grace-period', duration, badDuration)),
  )
  .map((parts) => parts.flat(2) as string[]);
const CREATE_BAD = BAD.length;
export const createFlags = withBad(createGood, BAD.slice(0, CREATE_BAD));

/** a `service update` flag set, applied to BASE */
const updateGood: fc.Arbitrary<string[]> = fc
  .tuple(
    flag('--replicas', ['0', '2'], ['many']),
    flag('--image', [LAB_BUSYBOX]),
    flag('--args', ['sleep 100', 'echo a  b']),
    repeat('--env-add', ['A=2', 'N=new', 'E'], 2),
    repeat('--env-rm', ['B', 'A', 'missing'], 2),
    repeat('--label-add', ['k=v', 'a=changed', 'bare'], 2),
    repeat('--label-rm', ['a', 'missing'], 1),
    repeat('--constraint-add', ['node.labels.z==1'], 1),
    repeat('--constraint-rm', ['node.role==manager'], 1),
    repeat('--publish-add', ['9090:90', '9091:91/udp'], 1),
    repeat('--publish-rm', ['80', '8080:80', '9999'], 1),
    flag('--update-parallelism', ['3']),
    flag('--update-delay', duration, badDuration),
    flag('--update-failure-action', ['continue'], ['x']),
    flag('--update-order', ['start-first']),
    opt(fc.constant(['--force'])).map((v) => v ?? []),
  )
  .map((parts) => parts.flat() as string[]);
export const updateFlags = withBad(updateGood, BAD.slice(CREATE_BAD));

const BASE = ['--replicas', '1', '--env', 'A=1', '--env', 'B=2', '--label', 'a=b', '--constraint', 'node.role==manager', '--publish', '8080:80', LAB_BUSYBOX, 'sleep', '3600'];

let node: LabNode;
let home: string;

const docker28 = (args: string[]): Promise<Run> => dockerOn(node, args);
const flotilla = (args: string[]): Promise<Run> => flotillaOn(node, home, args);

// An ingress port is the swarm's: two services cannot publish the same one. Each service (flag set and side)
// publishes its ports moved by its own offset, taken off again before the specs are compared.
const PUBLISH = new Set(['--publish', '--publish-add', '--publish-rm']);
function shiftPorts(args: string[], offset: number): string[] {
  return args.map((a, i) => {
    if (!PUBLISH.has(args[i - 1] ?? '')) return a;
    if (a.includes('=')) return a.replace(/published=(\d+)/, (_m, p: string) => `published=${Number(p) + offset}`);
    const m = /^(\d+):(\d+(?:\/\w+)?)$/.exec(a);
    return m ? `${Number(m[1]) + offset}:${m[2]}` : a;
  });
}

/** the stored spec without its name (each side names its own service) and with its port offset taken off */
async function spec(name: string, offset: number): Promise<Record<string, unknown> | undefined> {
  const r = await nodeExec(node, ['docker', 'service', 'inspect', name, '--format', '{{json .Spec}}']);
  if (r.code !== 0) return undefined;
  const s = JSON.parse(r.stdout) as { Name?: string; EndpointSpec?: { Ports?: Array<{ PublishedPort?: number }> }; TaskTemplate?: { ContainerSpec?: { Env?: string[] } } };
  delete s.Name;
  // docker service update --env-add rebuilds the list from a Go map (updateEnvironment): its order is random, so
  // the variables are compared as a set (Flotilla keeps the service's order and appends; stacks README)
  s.TaskTemplate?.ContainerSpec?.Env?.sort();
  for (const p of s.EndpointSpec?.Ports ?? []) if (p.PublishedPort && p.PublishedPort > offset) p.PublishedPort -= offset;
  return s as Record<string, unknown>;
}
/** each service's port offset: 10000 + 100 per service (published ports below 100 + 10000 stay below 65535) */
const offsetOf = (kind: 0 | 1, i: number, side: 0 | 1): number => 10000 + ((kind * 40 + i) * 2 + side) * 100;

function diff(a: unknown, b: unknown): string[] {
  const fa = flatten(a);
  const fb = flatten(b);
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => JSON.stringify(fa[k]) !== JSON.stringify(fb[k])).map((k) => `${k}: docker ${JSON.stringify(fa[k])} flotilla ${JSON.stringify(fb[k])}`);
}

const created: string[] = [];

describeLab('service create/update flags: Flotilla stores what docker service create/update stores', () => {
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-svcflags-'));
    node = (await ensureLabSwarm()).manager;
    await stackSnapshots(node, { ipamSubnet: () => false, mine: /^$/ }).setAvailability('pause');
    await installDocker28(node);
  });

  afterAll(async () => {
    if (node && created.length) await nodeExec(node, ['docker', 'service', 'rm', ...created]).catch(() => undefined);
    if (node) await stackSnapshots(node, { ipamSubnet: () => false, mine: /^$/ }).setAvailability('active').catch(() => undefined);
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  /** runs one flag set on both sides; the problem found, if any */
  async function compare(what: string, c: string, f: string, dockerArgs: string[], flotillaArgs: string[], offsets: [number, number]): Promise<string | undefined> {
    const [d, fl] = await Promise.all([docker28(shiftPorts(dockerArgs, offsets[0])), flotilla(shiftPorts(flotillaArgs, offsets[1]))]);
    created.push(c, f);
    const line = `${what}: ${flotillaArgs.slice(2).join(' ')}`;
    if (d.code !== 0 && fl.code !== 0) return undefined;
    if (d.code !== 0 || fl.code !== 0) return `${line}\n  docker ${d.code === 0 ? 'accepts' : `refuses: ${d.stderr.trim()}`}\n  flotilla ${fl.code === 0 ? 'accepts' : `refuses: ${fl.stderr.trim()}`}`;
    const [ds, fs2] = await Promise.all([spec(c, offsets[0]), spec(f, offsets[1])]);
    const changes = diff(ds, fs2);
    return changes.length ? `${line}\n  ${changes.join('\n  ')}` : undefined;
  }

  it(`${RUNS} generated service create flag sets, and ${Math.ceil(RUNS / 2)} update sets`, { timeout: 600_000 }, async () => {
    const creates = fc.sample(createFlags, { numRuns: RUNS, seed: SEED });
    const updates = fc.sample(updateFlags, { numRuns: Math.ceil(RUNS / 2), seed: SEED });
    const problems: string[] = [];
    let agreed = 0;
    await pool(creates.map((flags, i) => [flags, i] as const), 3, async ([flags, i]) => {
      const [c, f] = [`pfc${RUN}c${i}`, `pfc${RUN}f${i}`];
      const p = await compare('create', c, f, ['service', 'create', '-d', '--name', c, ...flags, LAB_BUSYBOX], ['service', 'create', '--name', f, ...flags, LAB_BUSYBOX], [offsetOf(0, i, 0), offsetOf(0, i, 1)]);
      if (p) problems.push(p);
      else agreed++;
    });
    await pool(updates.map((flags, i) => [flags, i] as const), 3, async ([flags, i]) => {
      const [c, f] = [`pfu${RUN}c${i}`, `pfu${RUN}f${i}`];
      // the same base service on both sides, made by docker, then each side's update
      const offsets: [number, number] = [offsetOf(1, i, 0), offsetOf(1, i, 1)];
      for (const [n, off] of [[c, offsets[0]], [f, offsets[1]]] as const) {
        const r = await docker28(['service', 'create', '-d', '--name', n, ...shiftPorts(BASE, off)]);
        if (r.code !== 0) throw new Error(r.stderr);
      }
      const p = await compare('update', c, f, ['service', 'update', '-d', ...flags, c], ['service', 'update', ...flags, f], offsets);
      if (p) problems.push(p);
      else agreed++;
    });
    process.stderr.write(`[service-flags] ${creates.length + updates.length} flag sets (seed ${SEED}): ${agreed} agree, ${problems.length} differ\n`);
    expect(problems.join('\n\n')).toBe('');
  });
});
