// `flotilla plan -f FILE`, `flotilla up -f FILE`, `flotilla down -f FILE -y`: a cluster file (issue 19) through the
// host's cluster.* handlers, the same the window's "Open cluster file" calls. Printing stays here: the plan as
// terraform prints one (+ create, ~ change, - remove), progress on stderr, `--json` as {"changes": [...]}.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterChange, ClusterEvent } from '../../api/domains/cluster';
import { FlotillaError } from '../../api/errors';
import { openLocalHost, type LocalHost } from '../../host/local';
import { action, globals, interruptSignal, progress } from '../context';
import { confirm } from './machines-common';

function readClusterFile(f: string | undefined): { path: string; content: string; files: Record<string, string> } {
  if (!f) throw new FlotillaError('BAD_INPUT', 'no cluster file given: pass one with -f FILE');
  try {
    return { path: path.resolve(f), content: fs.readFileSync(f, 'utf8'), files: {} };
  } catch (e) {
    throw new FlotillaError('BAD_INPUT', `cannot read the cluster file ${f}: ${(e as Error).message}`);
  }
}

const SIGN: Record<ClusterChange['action'], string> = { create: '+', init: '+', join: '+', provision: '~', resize: '~', promote: '~', demote: '~', update: '~', deploy: '~', remove: '-' };

function planText(name: string, changes: ClusterChange[]): string {
  if (!changes.length) return `No changes: swarm ${name} is as the file says.`;
  const lines = changes.map((c) => `${SIGN[c.action]} ${c.kind} ${c.name}: ${c.action}${c.detail ? ` (${c.detail})` : ''}`);
  const count = (signs: string[]) => changes.filter((c) => signs.includes(SIGN[c.action])).length;
  return [...lines, '', `Plan: ${count(['+'])} to add, ${count(['~'])} to change, ${count(['-'])} to remove.`].join('\n');
}

/**
 * What `up` says at its end: the changes made, and the planned ones it did not make itself (a running VM's resize,
 * whose step said the stop, set and start to run), never dropped. `--json`: {"changes": [...]} plus "notApplied".
 */
export function upSummary(name: string, planned: ClusterChange[], last: ClusterEvent | undefined): { text: string; json: { changes: ClusterChange[]; notApplied?: ClusterChange[] } } {
  const changes = last?.changes ?? [];
  const made = new Set(changes.map((c) => `${c.kind} ${c.action} ${c.name}`));
  const notApplied = last ? planned.filter((c) => !made.has(`${c.kind} ${c.action} ${c.name}`)) : [];
  const applied = changes.length ? `Applied ${changes.length} change${changes.length === 1 ? '' : 's'} to swarm ${name}.` : notApplied.length ? `Applied no change to swarm ${name}.` : `No changes: swarm ${name} is as the file says.`;
  const left = notApplied.length ? ` Not applied: ${notApplied.map((c) => `${c.name} ${c.action} (${c.detail})`).join('; ')}.` : '';
  return { text: applied + left, json: notApplied.length ? { changes, notApplied } : { changes } };
}

async function withLocalHost<T>(fn: (host: LocalHost) => Promise<T>): Promise<T> {
  const host = openLocalHost();
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

function printEvent(verbose: boolean) {
  return (e: ClusterEvent): void => {
    if (e.done) return;
    if (e.step === 'note') progress(`note: ${e.detail}`);
    else if (e.step) progress(`${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`);
    else if (verbose && e.log) progress(`${e.machine}   ${e.log}`);
  };
}


export function registerCluster(program: Command): void {
  program
    .command('plan')
    .description('show what `flotilla up -f FILE` would change: machines, swarm, node labels and availability, stacks')
    .requiredOption('-f, --file <file>', 'the cluster file (YAML; schema: assets/cluster-file.schema.json)')
    .action(
      action(async (o: { file: string }, cmd: Command) => {
        const src = readClusterFile(o.file);
        const plan = await withLocalHost((h) => h.call('cluster.plan', src));
        for (const n of plan.notes) progress(`note: ${n}`);
        if (globals(cmd).json) process.stdout.write(JSON.stringify({ changes: plan.changes }, null, 2) + '\n');
        else process.stdout.write(planText(plan.name, plan.changes) + '\n');
      }),
    );
  program
    .command('up')
    .description('make the swarm what the cluster file says: create missing machines, build or extend the swarm, remove machines no longer named (drained first), labels, stacks')
    .requiredOption('-f, --file <file>', 'the cluster file')
    .option('-v, --verbose', 'print the raw provisioning log too')
    .action(
      action(async (o: { file: string; verbose?: boolean }, cmd: Command) => {
        const src = readClusterFile(o.file);
        const signal = interruptSignal();
        let last: ClusterEvent | undefined;
        let name = '';
        let planned: ClusterChange[] = [];
        const print = printEvent(Boolean(o.verbose));
        await withLocalHost(async (h) => {
          const plan = await h.call('cluster.plan', src, { signal });
          name = plan.name;
          planned = plan.changes;
          if (!globals(cmd).json && plan.changes.length) process.stderr.write(planText(plan.name, plan.changes) + '\n\n');
          await h.subscribe(
            'cluster.up',
            src,
            (e) => {
              if (e.done) last = e;
              if (!globals(cmd).json || e.step !== 'done') print(e);
            },
            { signal },
          );
        });
        const s = upSummary(name, planned, last);
        process.stdout.write(globals(cmd).json ? JSON.stringify(s.json, null, 2) + '\n' : s.text + '\n');
      }),
    );
  program
    .command('down')
    .description('remove everything the cluster file made: its machines NAME-m*, NAME-w*, and with them the swarm and its stacks')
    .requiredOption('-f, --file <file>', 'the cluster file')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (o: { file: string; yes?: boolean }, cmd: Command) => {
        const src = readClusterFile(o.file);
        const removed: string[] = [];
        await withLocalHost(async (h) => {
          const { name, machines: mine } = await h.call('cluster.members', src);
          if (!mine.length) {
            progress(`nothing to remove: no machines ${name}-m1, ${name}-w1, ...`);
            return;
          }
          if (!o.yes && !(await confirm(`Remove ${mine.join(', ')} and everything on them?`)))
            throw new FlotillaError('BAD_INPUT', `down removes ${mine.join(', ')}: pass -y to confirm`);
          await h.subscribe('cluster.down', src, (e) => {
            if (e.done) removed.push(...(e.changes ?? []).map((c) => c.name));
            else printEvent(false)(e);
          });
        });
        if (globals(cmd).json) process.stdout.write(JSON.stringify({ removed }, null, 2) + '\n');
        else if (removed.length) process.stdout.write(`Removed ${removed.join(', ')}.\n`);
      }),
    );
}
