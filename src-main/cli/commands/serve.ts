import path from 'node:path';
import type { Command } from 'commander';
import { action, intArg, progress } from '../context';
import { createHost } from '../../host';
import { startServer } from '../../server/server';
import { allowedHostnames } from '../../server/guard';
import { appRoot } from '../../host/direct';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run Flotilla in the browser: serves the window and its API on 127.0.0.1 with a random token')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', intArg('--port', 0, 65535), 7370)
    .option('--listen <addr>', 'address to bind (default 127.0.0.1; anything else is reachable by others)')
    .option(
      '--allow-host <name>',
      'a host name the browser may use besides the addresses the server listens on (a DNS name, a proxy); repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--renderer <dir>', 'the built renderer to serve', path.join(appRoot(), 'out', 'renderer'))
    .action(
      action(async (opts: { port: number; listen?: string; allowHost: string[]; renderer: string }) => {
        if (opts.listen && !LOOPBACK.has(opts.listen)) {
          progress(`warning: listening on ${opts.listen}: anyone who can reach it and has the token controls your Docker engines`);
        }
        const host = createHost({ transport: 'websocket' });
        const server = await startServer({ host, port: opts.port, listen: opts.listen, rendererDir: opts.renderer, allowHosts: opts.allowHost });
        process.stdout.write(`Flotilla is running at ${server.url}\n`);
        if (opts.listen === '0.0.0.0' || opts.listen === '::') {
          const others = [...allowedHostnames(opts.listen, opts.allowHost)].filter((h) => !LOOPBACK.has(h));
          const shown = others.map((h) => (h.includes(':') ? `[${h}]` : h)).map((h) => `http://${h}:${server.port}/`);
          if (shown.length) progress(`also at ${shown.join(' ')} (add ?token=... from the URL above)`);
        }
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
