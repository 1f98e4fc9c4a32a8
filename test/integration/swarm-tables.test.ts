// Issue 22, item 4: `flotilla node ls`, `service ls`, `service ps` and `stack ps` print what docker CLI 28 (inside
// the lab manager) prints: the table (columns, padding, truncated IDs, the `*` of this node, the ` \_ ` of older
// tasks of a slot, images without their digest, errors cut at 30 columns), --no-trunc, --no-resolve, -q, --filter,
// --format (templates, table templates, json, raw, `{{json .}}`'s field names), and the same refusals.
// The ps services (one stack) run first and settle: a replicated service whose tasks fail twice over (three tasks a
// slot), two whose image is missing (rejected, a long error, a digest), a global one with a host-mode port. Then
// every node is paused, so no task starts and the ls services' REPLICAS hold still between the two reads.
// CURRENT STATE ("Failed 12 seconds ago") is read at two slightly different moments by the two sides: the sets that
// print it compare everything else exactly (the table with that column cut out of each side at its own header), and
// each task's state word exactly and its age within a few seconds (task-format.spec.ts pins go-units' wording).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Run } from '../support/cli';
import { docker28 as dockerOn, flotillaOn, installDocker28 } from '../support/docker-oracle';
import { describeLab, ensureLabSwarm, LAB_BUSYBOX, nodeExec, until, type LabNode } from '../support/lab';
import { pool, stackSnapshots } from '../support/stack-snapshot';

let node: LabNode;
let nodeCount = 0;
let home: string;
const sfx = Math.random()
  .toString(36)
  .slice(2, 6)
  .replace(/[^a-z]/g, 'x');
const [rep, glob] = [`tbl${sfx}rep`, `tbl${sfx}glob`];
/** the ps stack: its services carry the namespace label `docker stack deploy` sets */
const stk = `tps${sfx}`;
const [fail, dig, nodig, hp] = ['fail', 'dig', 'nodig', 'hp'].map((s) => `${stk}_${s}`) as [string, string, string, string];
const DIGEST = `sha256:${'0'.repeat(64)}`;

const docker28 = (args: string[]): Promise<Run> => dockerOn(node, args);
const flotilla = (args: string[]): Promise<Run> => flotillaOn(node, home, args);

/** a CURRENT STATE: its state word and its age ("less than a second", "N seconds", "about a minute", "N minutes") */
const AGE = /(\w+) (less than a second|1 second|(\d+) seconds|about a minute|(\d+) minutes) ago/g;
const seconds = (m: RegExpMatchArray): number => (m[3] ? Number(m[3]) : m[4] ? Number(m[4]) * 60 : m[2] === '1 second' ? 1 : m[2] === 'about a minute' ? 60 : 0);

/**
 * The output with its CURRENT STATE ages taken out: a table loses the column (cut at its own header, so the
 * padding of the other columns is still compared), other formats get `AGE` in place of each; the ages come back
 * apart, in order.
 */
function withoutAges(out: string): { text: string; ages: RegExpMatchArray[] } {
  const lines = out.split('\n');
  const start = lines[0]!.indexOf('CURRENT STATE');
  const end = lines[0]!.indexOf('ERROR', start);
  if (start >= 0 && end > start) {
    // a cell that is not an age keeps its whole text as the "state", so it must be the same on both sides
    const ages = lines.slice(1, -1).map((l) => [...l.slice(start, end).matchAll(AGE)][0] ?? (['', l.slice(start, end)] as unknown as RegExpMatchArray));
    return {
      text: lines.map((l) => `${l.slice(0, start)}|${l.slice(end)}`).join('\n'),
      ages,
    };
  }
  return { text: out.replace(AGE, 'AGE'), ages: [...out.matchAll(AGE)] };
}

/** the same state, and ages at most 10 s apart (a minute apart once they are counted in minutes) */
const closeAges = (a: RegExpMatchArray, b: RegExpMatchArray): boolean => a[1] === b[1] && Math.abs(seconds(a) - seconds(b)) <= (seconds(a) >= 60 ? 60 : 10);

/** both sides at once; a difference is described in `problems`. Sets in AGED compare CURRENT STATE by closeAges. */
async function same(args: string[], problems: string[]): Promise<void> {
  const [d, f] = await Promise.all([docker28(args), flotilla(args)]);
  expect(d.code, `docker ${args.join(' ')}: ${d.stderr}`).toBe(0);
  if (f.code === 0 && f.stdout === d.stdout) return;
  if (f.code === 0 && AGED.includes(args)) {
    const [dd, ff] = [withoutAges(d.stdout), withoutAges(f.stdout)];
    if (dd.text === ff.text && dd.ages.length === ff.ages.length && dd.ages.every((a, i) => closeAges(a, ff.ages[i]!))) return;
  }
  problems.push(`${args.join(' ')}\n--- docker\n${d.stdout}--- flotilla (exit ${f.code})\n${f.stdout}${f.stderr}`);
}

/**
 * both refuse, and flotilla's message is docker's (`flotilla: ` where docker says `Error response from daemon: `,
 * for a refusal of the engine's); what either printed on stdout before it refused is the same
 */
async function sameRefusal(args: string[], problems: string[]): Promise<void> {
  const [d, f] = await Promise.all([docker28(args), flotilla(args)]);
  const want = `flotilla: ${d.stderr.split('\n')[0]!.replace(/^Error response from daemon: /, '')}`;
  if (d.code === 0 || f.code === 0 || f.stderr.split('\n')[0] !== want || f.stdout !== d.stdout)
    problems.push(`${args.join(' ')}: docker exit ${d.code}, flotilla exit ${f.code}\n--- docker\n${d.stdout}${d.stderr}--- flotilla\n${f.stdout}${f.stderr}`);
}

/** the sets that print CURRENT STATE */
const AGED = [
  ['service', 'ps', fail, dig, nodig, hp],
  ['stack', 'ps', stk],
  ['stack', 'ps', stk, '--format', 'json'],
  ['service', 'ps', dig, '--no-trunc', '--format', '{{json .}}'],
  ['service', 'ps', hp, '--filter', 'node=self', '--format', 'raw'],
];

describeLab('node ls, service ls, service ps and stack ps print what the docker CLI prints', () => {
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-tables-'));
    const swarm = await ensureLabSwarm();
    node = swarm.manager;
    nodeCount = 1 + swarm.workers.length;
    await stackSnapshots(node, {
      ipamSubnet: () => false,
      mine: /^$/,
    }).setAvailability('active');
    await installDocker28(node);
    const ns = ['--label', `com.docker.stack.namespace=${stk}`];
    for (const args of [
      ['--name', fail, ...ns, '--replicas', '2', '--restart-condition', 'on-failure', '--restart-max-attempts', '2', '--restart-delay', '1s', LAB_BUSYBOX, 'sh', '-c', 'exit 3'],
      ['--name', dig, ...ns, '--restart-condition', 'none', '--no-resolve-image', `${LAB_BUSYBOX}@${DIGEST}`, 'sleep', '1'],
      ['--name', nodig, ...ns, '--restart-condition', 'none', '--no-resolve-image', `${LAB_BUSYBOX.replace(/:[^/]*$/, '')}@${DIGEST}`, 'sleep', '1'],
      ['--name', hp, ...ns, '--mode', 'global', '--publish', 'mode=host,published=31004,target=80', LAB_BUSYBOX, 'sleep', '3600'],
    ]) {
      const r = await docker28(['service', 'create', '-d', ...args]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    // settled: every failing slot has its three tasks, the missing images are rejected, the global tasks run
    await until(
      'the ps services to settle',
      async () => {
        const r = await nodeExec(node, ['docker', 'stack', 'ps', stk, '--format', '{{.DesiredState}} {{.CurrentState}}']);
        const lines = r.stdout.trim().split('\n');
        return r.code === 0 && lines.length === 6 + 2 + nodeCount && lines.every((l) => /^(Shutdown (Failed|Rejected)|Running Running) /.test(l));
      },
      120_000,
    );
    await stackSnapshots(node, {
      ipamSubnet: () => false,
      mine: /^$/,
    }).setAvailability('pause');
    for (const args of [
      ['--name', rep, '--replicas', '2', '-p', '31000-31001:80-81', '-p', '31002:90/udp', '-p', 'mode=host,published=31003,target=70', LAB_BUSYBOX, 'sleep', '3600'],
      ['--name', glob, '--mode', 'global', LAB_BUSYBOX, 'sleep', '3600'],
    ]) {
      const r = await docker28(['service', 'create', '-d', ...args]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
  });

  afterAll(async () => {
    if (node) {
      await nodeExec(node, ['docker', 'service', 'rm', rep, glob, fail, dig, nodig, hp]).catch(() => undefined);
      await stackSnapshots(node, { ipamSubnet: () => false, mine: /^$/ })
        .setAvailability('active')
        .catch(() => undefined);
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('the same text for each flag set, and the same refusals', async () => {
    const n2 = node.name.replace(/n1$/, 'n2');
    const problems: string[] = [];
    // three sets at a time: each side is a process start and a round trip to the manager
    await pool(
      [
        ['node', 'ls'],
        ['node', 'ls', '-q'],
        ['node', 'ls', '--format', '{{json .}}'],
        ['node', 'ls', '--format', 'json'],
        ['node', 'ls', '--filter', 'role=manager'],
        ['node', 'ls', '--filter', 'role=worker', '-q'],
        ['node', 'ls', '--filter', `name=${n2}`],
        ['node', 'ls', '--format', '{{.Hostname}}\\t{{.Status}} {{.ManagerStatus}}'],
        ['node', 'ls', '--format', 'table {{.Hostname}}\\t{{.Availability}}'],
        ['service', 'ls', '--filter', `name=tbl${sfx}`],
        ['service', 'ls', '--filter', `name=tbl${sfx}`, '-q'],
        ['service', 'ls', '--filter', `name=tbl${sfx}`, '--format', '{{json .}}'],
        ['service', 'ls', '--filter', `name=tbl${sfx}`, '--filter', 'mode=global'],
        ['service', 'ls', '--filter', `name=${rep}`, '--format', '{{.Name}} {{.Ports}}'],
        // ps without CURRENT STATE: order, names, \_, truncation, ports, filters, -q
        ['service', 'ps', fail, dig, nodig, hp, '--format', '{{.ID}}\\t{{.Name}}\\t{{.Image}}\\t{{.Node}}\\t{{.DesiredState}}\\t{{.Error}}\\t{{.Ports}}'],
        ['service', 'ps', fail, dig, nodig, hp, '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.Image}} {{json .Error}}'],
        ['service', 'ps', '-q', fail, dig],
        ['service', 'ps', hp, '--filter', 'node=self', '-q'],
        ['service', 'ps', hp, '--no-resolve', '--filter', `node=${n2}`, '--format', 'table {{.Name}}\\t{{.Node}}\\t{{.Ports}}'],
        ['stack', 'ps', stk, '-q'],
        ['stack', 'ps', stk, '--format', 'table {{.ID}}\\t{{.Name}}\\t{{.Image}}\\t{{.Error}}'],
        ['stack', 'ps', stk, '--no-trunc', '--no-resolve', '--format', 'table{{.Name}}\\t{{.Node}}'],
        ['stack', 'ps', stk, '--filter', 'desired-state=running', '--filter', `name=${hp}`, '--format', '{{.Name}} {{.Node}} {{.Ports}}'],
        ['service', 'ps', hp, '--format', 'table {{upper .Name}}\\t{{pad .ID 1 0}}\\t{{json .Ports}}\\t{{truncate .Node 7}}\\t{{title .Image}}'],
        ['stack', 'ps', stk, '--filter', `service=${fail}`, '--filter', `name=${fail}.2`, '--filter', 'desired-state=shutdown', '--format', '{{.Name}}'],
        ...AGED,
      ],
      3,
      (args) => same(args, problems),
    );
    await pool(
      [
        ['node', 'ls', '-f', 'nameonly'],
        ['node', 'ls', '--format', '{{.Nope}}'],
        ['service', 'ls', '--format', '{{.ID}} {{.Nope}}'],
        ['service', 'ps', fail, '--filter', 'bogus=1'],
        ['service', 'ps', fail, '-f', 'nameonly'],
        ['service', 'ps', hp, '--filter', 'node=nonode'],
        ['service', 'ps', fail, '--format', '{{.ID'],
        ['service', 'ps', `${stk}_nosuch`],
        ['service', 'ps', dig, `${stk}_nosuch`, '--format', '{{.Name}} {{.Image}}'],
        ['stack', 'ps', stk, '--filter', 'desired-state=bogus'],
        ['stack', 'ps', stk, '--format', '{{.ID}}\\t{{.Nope}}'],
        ['stack', 'ps', `${stk}nosuch`],
        // node ls and service ls filter in the client, refusing an unknown key in the daemon's words
        ['node', 'ls', '--filter', 'bogus=1'],
        ['service', 'ls', '--filter', 'BOGUS=1'],
      ],
      3,
      (args) => sameRefusal(args, problems),
    );
    expect(problems.join('\n\n')).toBe('');
  });
});
