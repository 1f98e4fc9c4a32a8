// The one-click swarm: `swarm create NAME --driver D --managers M --workers W` makes machines first, and
// `swarm rm -y NAME` removes them; both through the machines handlers (machines.swarmCreate, machines.swarmRm).
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { SwarmCreateEvent } from '../../api/domains/machines';
import { action, globals, interruptSignal, output, progress, intArg } from '../context';
import { collect } from '../format';
import { confirm, driverOptions, printEvent, withMachines } from './machines-common';
import { createFromEngines } from './swarm';

/**
 * `swarm create` takes both forms: the swarm module's `--manager URL [--worker URL]`, and the one-click
 * `swarm create NAME --driver D --managers M --workers W` that makes machines first. The swarm command
 * group belongs to the swarm module; this replaces its `create` action with one that handles both.
 */
export function registerOneClickSwarm(program: Command): void {
  let swarm = program.commands.find((c) => c.name() === 'swarm');
  if (!swarm) swarm = program.command('swarm').description('swarm');
  let create = swarm.commands.find((c) => c.name() === 'create');
  if (!create) create = swarm.command('create').description('build a swarm');
  for (const opt of create.options) if (opt.long === '--manager') opt.mandatory = false;
  if (!create.options.some((x) => x.long === '--manager')) create.option('--manager <url>', 'a manager engine URL (repeat; the first one inits)', collect);
  if (!create.options.some((x) => x.long === '--worker')) create.option('--worker <url>', 'a worker engine URL (repeat)', collect);
  create
    .argument('[name]', 'one-click: make machines NAME-m1.. and NAME-w1.. first')
    .option('-d, --driver <name>', 'one-click: machine driver (default: a usable hypervisor, else container)')
    .option('--managers <n>', 'one-click: number of manager machines', intArg('managers', 1, 9), 1)
    .option('--workers <n>', 'one-click: number of worker machines', intArg('workers', 0, 19), 0)
    .option('-o, --opt <key=value>', 'one-click: any driver option by its flag name (repeat), e.g. qemu-image=test', collect)
    .option('-v, --verbose', 'one-click: show the raw provisioning log')
    .description('build a swarm: from engines (--manager URL --worker URL), or one click: `swarm create NAME --driver container --managers M --workers W`')
    .action(
      action(async (name: string | undefined, o: { manager?: string[]; worker?: string[]; driver?: string; managers: number; workers: number; opt?: string[]; verbose?: boolean }, cmd: Command) => {
        const g = globals(cmd);
        if (name) {
          if (o.manager?.length) throw new FlotillaError('BAD_INPUT', 'give either NAME (one-click machines) or --manager URLs, not both');
          const got: { result?: SwarmCreateEvent['result'] } = {};
          await withMachines((h) =>
            h.subscribe('machines.swarmCreate', { name, driver: o.driver, managers: o.managers, workers: o.workers, options: driverOptions({ opt: o.opt }) }, (e) => {
              if (e.result) got.result = e.result;
              printEvent(g.json, Boolean(o.verbose))(e);
            }, { signal: interruptSignal() }),
          );
          const r = got.result;
          if (!r) throw new FlotillaError('ENGINE', `the one-click swarm ${name} ended without a result: \`flotilla machine ls\` shows its machines`);
          output(cmd, r, () => `swarm ${name} (${r.clusterId.slice(0, 12)}) ready: managers ${r.managers.join(', ')}; workers ${r.workers.join(', ') || 'none'}\nUse it: flotilla --machine ${r.managers[0]} node ls`);
          return;
        }
        if (!o.manager?.length) throw new FlotillaError('BAD_INPUT', 'a swarm needs a NAME (one-click machines) or at least one --manager URL');
        await createFromEngines(cmd, o.manager, o.worker ?? []);
      }),
    );
  if (!swarm.commands.some((c) => c.name() === 'rm')) {
    swarm
      .command('rm')
      .argument('<name>', 'one-click swarm name')
      .option('-y', 'do not ask')
      .description('remove a one-click swarm: every machine NAME-mN / NAME-wN and all they made')
      .action(
        action(async (name: string, o: { y?: boolean }, cmd: Command) => {
          const { members } = await withMachines((h) => h.call('machines.swarmMembers', { name }));
          if (!members.length) throw new FlotillaError('NOT_FOUND', `no one-click swarm named ${name} (no machines ${name}-m1, ${name}-w1, ...)`);
          if (!o.y && !(await confirm(`Remove swarm ${name}: ${members.join(', ')}?`))) throw new FlotillaError('CANCELLED', 'not confirmed: add -y to remove without asking');
          const r = await withMachines((h) => h.call('machines.swarmRm', { name }));
          for (const w of r.warnings) progress(`warning: ${w}`);
          output(cmd, r, () => r.removed.map((n) => `${n} removed`).join('\n'));
        }),
      );
  }
}

