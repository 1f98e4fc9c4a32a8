import type { Command } from 'commander';
import { action, globals, output, table, withEngine } from '../context';
import { engineInfo, listContexts, resolveLocalTarget, targetToUrl } from '../../host/direct';

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
  engine
    .command('ls')
    .description('the docker contexts on this machine and the engine "local" resolves to (DOCKER_HOST, then the current context, then the default socket)')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const contexts = listContexts();
        let local: string;
        try {
          local = targetToUrl(resolveLocalTarget());
        } catch (e) {
          local = `unresolved: ${(e as Error).message}`;
        }
        const data = { local, contexts };
        if (globals(cmd).json) return output(cmd, data, () => '');
        output(cmd, data, () =>
          [`Local engine: ${local}`, '', table(['CONTEXT', 'CURRENT', 'ENDPOINT', 'DESCRIPTION'], contexts.map((c) => [c.name, c.current ? '*' : '', c.host, c.description ?? '']))].join('\n'),
        );
      }),
    );
}
