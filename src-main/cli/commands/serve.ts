import path from 'node:path';
import type { Command } from 'commander';
import { action, intArg, progress } from '../context';
import { createHost } from '../../host';
import { startServer } from '../../server/server';
import { appRoot } from '../../core/paths';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run Flotilla in the browser: serves the window and its API on 127.0.0.1 with a random token')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', intArg('--port', 0, 65535), 7370)
    .option('--listen <addr>', 'address to bind (default 127.0.0.1; anything else is reachable by others)')
    .option('--renderer <dir>', 'the built renderer to serve', path.join(appRoot(), 'out', 'renderer'))
    .action(
      action(async (opts: { port: number; listen?: string; renderer: string }) => {
        if (opts.listen && opts.listen !== '127.0.0.1' && opts.listen !== 'localhost' && opts.listen !== '::1') {
          progress(`warning: listening on ${opts.listen}: anyone who can reach it and has the token controls your Docker engines`);
        }
        const host = createHost({ transport: 'websocket' });
        const server = await startServer({ host, port: opts.port, listen: opts.listen, rendererDir: opts.renderer });
        process.stdout.write(`Flotilla is running at ${server.url}\n`);
        const stop = async (): Promise<void> => {
          await server.close();
          await host.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      }),
    );
}
