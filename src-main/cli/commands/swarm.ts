// `flotilla swarm`: membership of the engine chosen by -H / --machine / DOCKER_HOST (init, join, leave, tokens,
// settings) and `swarm create`, which builds a swarm from engines named by URL.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, globals, intArg, output, progress, table, targetFromUrl, withHost } from '../context';
import { collect, short } from '../format';

export function registerSwarm(program: Command): void {
  const swarm = program.command('swarm').description('swarm membership of the engine: init, join, leave, tokens, settings, create');
  swarm
    .command('init')
    .description('initialise a swarm on the engine (advertise address chosen from the addresses peers reach)')
    .option('--advertise-addr <ip>', 'address advertised to other nodes')
    .action(
      action(async (o: { advertiseAddr?: string }, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.init', { engineId, advertiseAddr: o.advertiseAddr });
          output(cmd, r, () => `Swarm initialized: current node (${r.nodeId}) is now a manager${r.advertiseAddr ? ` advertising ${r.advertiseAddr}` : ''}.\nAdd nodes with \`flotilla swarm join --manager URL\` or \`flotilla swarm create\`.`);
        });
      }),
    );
  swarm
    .command('join')
    .description('join the engine to the swarm of a manager (the token is fetched from it, never printed)')
    .requiredOption('--manager <url>', 'a manager engine URL (ssh://, tcp://, unix://); same TLS/SSH flags')
    .option('--role <role>', 'worker or manager', 'worker')
    .option('--advertise-addr <ip>', 'address advertised to other nodes')
    .action(
      action(async (o: { manager: string; role: string; advertiseAddr?: string }, cmd: Command) => {
        if (o.role !== 'worker' && o.role !== 'manager') throw new FlotillaError('BAD_INPUT', `invalid --role "${o.role}": expected worker or manager`);
        const role = o.role;
        const manager = targetFromUrl(globals(cmd), o.manager);
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.join', { engineId, managerEngineId: host.addEngine(o.manager, manager), role, advertiseAddr: o.advertiseAddr });
          output(cmd, r, () => `This node (${r.nodeId}) joined the swarm as a ${role}.`);
        });
      }),
    );
  swarm
    .command('leave')
    .description('leave the swarm (a manager needs --force; the last manager destroys the swarm with --force)')
    .option('-f, --force', 'leave even as a manager')
    .action(
      action(async (o: { force?: boolean }, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          await host.call('swarm.leave', { engineId, force: o.force });
          output(cmd, { ok: true }, () => 'Node left the swarm.');
        });
      }),
    );
  swarm
    .command('join-token')
    .description('print the join token for worker or manager (shown only because you asked)')
    .argument('<role>', 'worker or manager')
    .option('--rotate', 'rotate the token first')
    .option('-q, --quiet', 'only the token')
    .action(
      action(async (role: string, o: { rotate?: boolean; quiet?: boolean }, cmd: Command) => {
        if (role !== 'worker' && role !== 'manager') throw new FlotillaError('BAD_INPUT', `invalid role "${role}": expected worker or manager`);
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.joinToken', { engineId, role, rotate: o.rotate });
          output(cmd, r, () => (o.quiet ? r.token : `To add a ${role} to this swarm, run on it:\n\n    docker swarm join --token ${r.token} ${r.managerAddr}\n`));
        });
      }),
    );
  swarm
    .command('update')
    .description('swarm settings: task history limit, certificate expiry, autolock')
    .option('--task-history-limit <n>', 'tasks kept per slot', intArg('--task-history-limit', 0, 10_000))
    .option('--cert-expiry <duration>', 'node certificate validity, e.g. 2160h')
    .option('--autolock <bool>', 'true or false')
    .action(
      action(async (o: { taskHistoryLimit?: number; certExpiry?: string; autolock?: string }, cmd: Command) => {
        if (o.autolock !== undefined && o.autolock !== 'true' && o.autolock !== 'false') throw new FlotillaError('BAD_INPUT', `invalid --autolock "${o.autolock}": expected true or false`);
        if (o.taskHistoryLimit === undefined && !o.certExpiry && o.autolock === undefined) throw new FlotillaError('BAD_INPUT', 'nothing to update: give --task-history-limit, --cert-expiry or --autolock');
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.update', { engineId, taskHistoryLimit: o.taskHistoryLimit, certExpiry: o.certExpiry, autolock: o.autolock === undefined ? undefined : o.autolock === 'true' });
          output(cmd, r, () => (r.unlockKey ? `Swarm updated.\nTo unlock a swarm manager after it restarts, use this key (keep it safe):\n\n    ${r.unlockKey}\n` : 'Swarm updated.'));
        });
      }),
    );
  swarm
    .command('create')
    .description('build a swarm from engines in one action: init on the first manager, join the rest; re-run to finish a partial swarm')
    .requiredOption('--manager <url>', 'a manager engine URL (repeat; the first one inits)', collect)
    .option('--worker <url>', 'a worker engine URL (repeat)', collect)
    .action(
      action(async (o: { manager: string[]; worker?: string[] }, cmd: Command) => {
        await createFromEngines(cmd, o.manager, o.worker ?? []);
      }),
    );
}

/**
 * `swarm create --manager URL.. --worker URL..`: init on the first manager, join the rest (the machines module's
 * one-click `swarm create NAME` takes this form too, so it calls this).
 */
export async function createFromEngines(cmd: Command, managerUrls: string[], workerUrls: string[]): Promise<void> {
  const g = globals(cmd);
  // each engine by its URL, named by its host as the progress lines and the table show it
  const engines = (urls: string[]) =>
    urls.map((url) => {
      const target = targetFromUrl(g, url);
      return { name: target.kind === 'tcp' || target.kind === 'ssh' ? target.host : url, target };
    });
  const managers = engines(managerUrls);
  const workers = engines(workerUrls);
  await withHost(cmd, async (host) => {
    const add = (e: (typeof managers)[number]) => host.addEngine(e.name, e.target);
    await host.subscribe('swarm.create', { managers: managers.map(add), workers: workers.map(add) }, (e) => {
      if (e.kind === 'progress') {
        const p = e.progress;
        if (p.status !== 'start' || !g.json) progress(`${p.status === 'skipped' ? '=' : p.status === 'done' ? '✓' : '…'} ${p.message}`);
        return;
      }
      const r = e.result;
      output(cmd, r, () => `${table(['NODE', 'ID', 'ROLE', 'ACTION', 'ADDRESS'], r.nodes.map((n) => [n.name, short(n.nodeId), n.role, n.action, n.advertiseAddr]))}\nswarm ${short(r.clusterId)} ready, managers reachable at ${r.managerAddr}`);
    });
  });
}
