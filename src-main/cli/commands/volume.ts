// `flotilla volume ls`: volumes on every node of the swarm, read from each node's own engine.
import type { Command } from 'commander';
import { action, output, progress, table, withHost } from '../context';

export function registerVolume(program: Command): void {
  program
    .command('volume')
    .description('volumes')
    .command('ls')
    .description('volumes on every node of the swarm (read from each node)')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const volumes = await host.call('swarm.volumes.list', { engineId }, { notes: { warning: (w) => progress(`warning: ${w}`) } });
          output(cmd, volumes, () => table(['NODE', 'DRIVER', 'VOLUME NAME'], volumes.map((v) => [v.node, v.driver, v.name])));
        });
      }),
    );
}
