// `flotilla network`: the swarm's overlay networks.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, output, table, withHost } from '../context';
import { short } from '../format';

export function registerNetwork(program: Command): void {
  const network = program.command('network').description('networks (overlay networks of the swarm)');
  network
    .command('create')
    .argument('<name>')
    .option('--attachable', 'standalone containers may attach')
    .option('--opt-encrypted', 'encrypt traffic between nodes (IPsec)')
    .option('--encrypted', 'same as --opt-encrypted')
    .option('--internal', 'no outside access')
    .option('--subnet <cidr>', 'subnet, e.g. 10.10.0.0/24')
    .option('--gateway <ip>', 'gateway in the subnet')
    .option('-d, --driver <driver>', 'only overlay is supported', 'overlay')
    .description('create an overlay network')
    .action(
      action(async (name: string, o: { attachable?: boolean; optEncrypted?: boolean; encrypted?: boolean; internal?: boolean; subnet?: string; gateway?: string; driver: string }, cmd: Command) => {
        if (o.driver !== 'overlay') throw new FlotillaError('BAD_INPUT', `driver ${o.driver} is not supported here: swarm networks use overlay`);
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.networks.create', { engineId, name, attachable: o.attachable, encrypted: o.encrypted || o.optEncrypted, internal: o.internal, subnet: o.subnet, gateway: o.gateway });
          output(cmd, r, () => r.id);
        });
      }),
    );
  network
    .command('ls')
    .description('list networks')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const list = await host.call('swarm.networks.list', { engineId });
          output(cmd, list, () => table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE', 'ATTACHABLE', 'ENCRYPTED', 'SUBNET'], list.map((n) => [short(n.id), n.name, n.driver, n.scope, String(n.attachable), String(n.encrypted), n.subnets.join(',')])));
        });
      }),
    );
  network
    .command('inspect')
    .argument('<network>')
    .action(
      action(async (ref: string, _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          process.stdout.write(JSON.stringify(await host.call('swarm.networks.inspect', { engineId, network: ref }), null, 2) + '\n');
        });
      }),
    );
  network
    .command('rm')
    .argument('<network...>')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          for (const r of refs) await host.call('swarm.networks.remove', { engineId, network: r });
          output(cmd, { removed: refs }, () => refs.join('\n'));
        });
      }),
    );
}
