import type { Command } from 'commander';
import { action, output, withEngine } from '../context';
import { engineInfo } from '../../core/engine/info';

export function registerEngine(program: Command): void {
  const engine = program.command('engine').description('Docker engines: what Flotilla connects to');
  engine
    .command('info')
    .description('version, resources and swarm state of the engine chosen by -H / --machine / DOCKER_HOST')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const info = await engineInfo(conn);
          output(cmd, { url: conn.url, ...info }, () =>
            [
              `Engine:        ${conn.url}`,
              `Docker:        ${info.dockerVersion} (API ${info.apiVersion})`,
              `OS:            ${info.os} ${info.arch}`,
              `CPUs / memory: ${info.cpus} / ${(info.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
              `Swarm:         ${info.swarm.state}${info.swarm.isManager ? ' (manager)' : ''}${info.swarm.nodeId ? ` node ${info.swarm.nodeId}` : ''}`,
            ].join('\n'),
          );
        });
      }),
    );
}
