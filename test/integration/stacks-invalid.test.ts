// Every invalid compose fixture (test/fixtures/stacks/invalid) is refused by Flotilla with an error naming the
// problem, and by the docker CLI as the oracle, on a real lab swarm manager:
// - the docker CLI 28 (this machine's /usr/local/bin/docker, copied into the manager): `docker stack config -c`
//   and `docker stack deploy -c` (no-image.yml is refused only by deploy; forbidden-mem-limit.yml's text differs:
//   the CLI lists "mem_limit: Set resource limits using deploy.resources", Flotilla says the same per key with its line);
// - the manager's own docker CLI (Debian's 20.10, as in CI): `docker stack deploy -c`, which has no `stack config`,
//   reads a file without `version:` as 1.0 and knows schemas up to 3.9 only, so version-less fixtures are given to
//   it with `version: "3.9"` added, and its known disagreements (below) are asserted as such.
// The CLI 28 oracle is required (CI machines carry it at /usr/local/bin/docker, as the differential test needs):
// where it is absent its two tests fail saying so, rather than skip; the 20.10 oracle runs as well.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src-main/core/lab/exec';
import { loadStack } from '../../src-main/core/stacks/loader';
import { describeLab, ensureLabSwarm, nodeExec, type LabNode } from '../support/lab';

const FIX = path.resolve(__dirname, '../fixtures/stacks/invalid');
const NODE_FIX = '/tmp/flotilla-invalid-fixtures';
const files = fs.readdirSync(FIX).filter((f) => f.endsWith('.yml')).sort();
const CLI28 = '/usr/local/bin/docker';
const has28 = fs.existsSync(CLI28);
const NS = 'com.docker.stack.namespace';
const header = (f: string) => /^# expect: (.*) @ (\d+)$/m.exec(fs.readFileSync(path.join(FIX, f), 'utf8'));

/** what the CLI 28 says where it differs from the fixture's header (the header is Flotilla's and, elsewhere, the CLI's text) */
const CLI28_CONFIG: Record<string, string | 'accepts'> = {
  'no-image.yml': 'accepts', // the image check is in deploy (convert), not in the loader
  'forbidden-mem-limit.yml': 'Configuration contains forbidden properties',
};
const CLI28_DEPLOY: Record<string, string> = {
  'forbidden-mem-limit.yml': 'mem_limit: Set resource limits using deploy.resources',
};
/** Debian's CLI 20.10, where it differs */
const CLI20: Record<string, string | 'accepts'> = {
  'read-only-yes.yml': 'accepts', // yaml.v2 reads `yes` as true (YAML 1.1); the CLI 28 (yaml.v3) refuses it, as Flotilla does
  'no-image.yml': 'image reference must be provided', // no client-side check in 20.10: the daemon refuses the service
  'top-level-list.yml': 'Top-level object must be a mapping',
  'forbidden-mem-limit.yml': 'mem_limit: Set resource limits using deploy.resources',
  'v312-network-driver-opts.yml': 'unsupported Compose file version: 3.12', // 20.10 knows 3.0-3.9 only
};

let node: LabNode;

interface Outcome {
  code: number;
  out: string;
}

/** runs `cmd` (with $f the fixture file and $s its stack name) for every fixture in one exec; outcome by fixture */
async function forEachFixture(cmd: string): Promise<Map<string, Outcome>> {
  const script = `cd ${NODE_FIX} && i=0 && for f in ${files.join(' ')}; do i=$((i+1)); s=flinv$i; out=$( (${cmd}) 2>&1 ); echo "@@@ $f $?"; printf '%s\\n' "$out"; done`;
  const r = await nodeExec(node, ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'sh', '-c', script], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`the oracle script failed (exit ${r.code}): ${r.stderr}`);
  const res = new Map<string, Outcome>();
  for (const part of r.stdout.split(/^@@@ /m).slice(1)) {
    const [first, ...rest] = part.split('\n');
    const [f, code] = first.split(' ');
    res.set(f, { code: Number(code), out: rest.join('\n').trim() });
  }
  expect([...res.keys()]).toEqual(files);
  return res;
}

/** stacks of this file left with services or networks (a refused deploy must leave none) */
async function leftovers(): Promise<string[]> {
  const out = await nodeExec(node, ['sh', '-c', `for k in service network; do docker $k ls --filter label=${NS} --format "{{.Name}}"; done`]);
  return out.stdout.split('\n').filter((l) => /^flinv\d+_/.test(l));
}

/** the stacks (flinvN) that still have a service or network */
async function leftoverStacks(): Promise<string[]> {
  return [...new Set((await leftovers()).map((l) => l.split('_')[0]))];
}

async function removeStacks(): Promise<void> {
  let stacks = await leftoverStacks();
  const deadline = Date.now() + 90_000;
  let lastRm = 0;
  let lastOut = '';
  while (stacks.length) {
    // `docker stack rm` tries each network once: one still held by a task's endpoint while the services go away
    // stays behind ("network ... has active endpoints"), so it is asked again every few seconds until empty
    if (Date.now() - lastRm > 5000) {
      lastOut = (await nodeExec(node, ['docker', 'stack', 'rm', ...stacks])).stderr.trim();
      lastRm = Date.now();
    }
    if (Date.now() > deadline) throw new Error(`stacks ${stacks.join(', ')} still have objects 90 s after docker stack rm (${(await leftovers()).join(' ')}); its last error: ${lastOut || 'none'}`);
    await new Promise((r) => setTimeout(r, 500));
    stacks = await leftoverStacks();
  }
}

describeLab('invalid compose files: Flotilla and the docker CLI refuse them', () => {
  beforeAll(async () => {
    node = (await ensureLabSwarm()).manager;
    if (!has28) throw new Error(`no docker CLI 28 at ${CLI28}: these tests use it as the oracle; install the docker CLI 28 static binary there`);
    const r = await run('docker', ['cp', CLI28, `${node.name}:/usr/local/bin/docker28`]);
    if (r.code !== 0) throw new Error(`docker cp ${CLI28} into ${node.name}: ${r.stderr}`);
    await nodeExec(node, ['rm', '-rf', NODE_FIX]);
    const cp = await run('docker', ['cp', FIX, `${node.name}:${NODE_FIX}`]);
    if (cp.code !== 0) throw new Error(cp.stderr);
    await removeStacks();
  });

  afterAll(async () => {
    if (node) await removeStacks();
  });

  it(`Flotilla refuses all ${files.length} with an error naming the field, at its line`, () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      const m = header(f);
      expect(m, `${f}: # expect: header`).not.toBeNull();
      const file = path.join(FIX, f);
      const r = loadStack({ files: [{ file, content: fs.readFileSync(file, 'utf8') }], env: { HOME: '/root' } });
      const err = r.diagnostics.find((d) => d.severity === 'error');
      expect(r.config, f).toBeUndefined();
      expect(err?.message, f).toContain(m![1]);
      expect(err?.line, f).toBe(Number(m![2]));
      if (f === 'forbidden-mem-limit.yml') expect(err?.message).toContain('Set resource limits using deploy.resources');
    }
  });

  it('docker CLI 28 `stack config -c` refuses every one but no-image.yml, naming the same field', async () => {
    const res = await forEachFixture('docker28 stack config -c $f');
    for (const f of files) {
      const want = CLI28_CONFIG[f] ?? header(f)![1];
      const got = res.get(f)!;
      if (want === 'accepts') {
        expect(got.code, `${f}: ${got.out}`).toBe(0);
        expect(got.out, f).toContain('services:');
      } else {
        expect(got.code, `${f}: ${got.out}`).not.toBe(0);
        expect(got.out, f).toContain(want);
      }
    }
  });

  it('docker CLI 28 `stack deploy -c` refuses every one with the same message and creates nothing', async () => {
    const res = await forEachFixture('docker28 stack deploy --detach=true --resolve-image never -c $f $s');
    for (const f of files) {
      const got = res.get(f)!;
      expect(got.code, `${f}: ${got.out}`).not.toBe(0);
      expect(got.out, f).toContain(CLI28_DEPLOY[f] ?? header(f)![1]);
    }
    expect(await leftovers()).toEqual([]);
  });

  it("the manager's docker CLI 20.10 `stack deploy -c` refuses them too (its known disagreements asserted)", async () => {
    // a version-less mapping gets version "3.9" (20.10 reads no version as 1.0); list-shaped files go as they are
    const res = await forEachFixture(`if grep -q '^version:' $f || ! grep -q '^services:' $f; then cp $f /tmp/flinv.yml; else { head -1 $f; echo 'version: "3.9"'; tail -n +2 $f; } > /tmp/flinv.yml; fi; docker stack deploy --resolve-image never -c /tmp/flinv.yml $s`);
    for (const f of files) {
      const want = CLI20[f] ?? header(f)![1];
      const got = res.get(f)!;
      if (want === 'accepts') expect(got.code, `${f}: ${got.out}`).toBe(0);
      else {
        expect(got.code, `${f}: ${got.out}`).not.toBe(0);
        expect(got.out, f).toContain(want);
      }
    }
    // only what 20.10 accepted, or got as far as the daemon, left anything behind
    const stackOf = (f: string) => `flinv${files.indexOf(f) + 1}`;
    expect([...new Set((await leftovers()).map((l) => l.split('_')[0]))].sort()).toEqual(['read-only-yes.yml', 'no-image.yml'].map(stackOf).sort());
  });
});
