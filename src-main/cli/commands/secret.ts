// `flotilla secret` and `flotilla config`: the swarm's secrets and configs, one set of verbs for both.
import fs from 'node:fs';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, output, table, withHost } from '../context';
import { ago, collect, short } from '../format';

export function registerSecretsAndConfigs(program: Command): void {
  for (const kind of ['secret', 'config'] as const) {
    const g = program.command(kind).description(`swarm ${kind}s`);
    g.command('create')
      .argument('<name>')
      .argument('[file]', 'file with the content, or - for stdin')
      .option('--data <text>', 'the content as text')
      .option('-l, --label <K=V>', 'label', collect)
      .description(`create a ${kind} from a file, stdin, or --data`)
      .action(
        action(async (name: string, file: string | undefined, o: { data?: string; label?: string[] }, cmd: Command) => {
          if (o.data === undefined && !file) throw new FlotillaError('BAD_INPUT', `give the ${kind} content as a FILE, - for stdin, or --data TEXT`);
          let data: Buffer;
          if (o.data !== undefined) data = Buffer.from(o.data, 'utf8');
          else if (file === '-') data = fs.readFileSync(0);
          else {
            try {
              data = fs.readFileSync(file!);
            } catch {
              throw new FlotillaError('NOT_FOUND', `cannot read ${file}: check the path`);
            }
          }
          const labels = Object.fromEntries((o.label ?? []).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));
          await withHost(cmd, async (host, engineId) => {
            // a file's bytes as they are (a key, a certificate): base64 over the contract
            const input = { engineId, name, data: data.toString('base64'), encoding: 'base64' as const, labels };
            const r = kind === 'secret' ? await host.call('swarm.secrets.create', input) : await host.call('swarm.configs.create', input);
            output(cmd, r, () => r.id);
          });
        }),
      );
    g.command('ls')
      .description(`list ${kind}s`)
      .action(
        action(async (_o: unknown, cmd: Command) => {
          await withHost(cmd, async (host, engineId) => {
            const list = kind === 'secret' ? await host.call('swarm.secrets.list', { engineId }) : await host.call('swarm.configs.list', { engineId });
            output(cmd, list, () => table(['ID', 'NAME', 'CREATED', 'UPDATED'], list.map((x) => [short(x.id), x.name, ago(x.createdAt), ago(x.updatedAt)])));
          });
        }),
      );
    g.command('inspect')
      .argument('<name>')
      .description(kind === 'secret' ? 'secret details (never its content)' : 'config details with its content')
      .action(
        action(async (ref: string, _o: unknown, cmd: Command) => {
          await withHost(cmd, async (host, engineId) => {
            const x = kind === 'secret' ? await host.call('swarm.secrets.inspect', { engineId, secret: ref }) : await host.call('swarm.configs.inspect', { engineId, config: ref });
            process.stdout.write(JSON.stringify(x, null, 2) + '\n');
          });
        }),
      );
    g.command('rm')
      .argument('<name...>')
      .description(`remove ${kind}s`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withHost(cmd, async (host, engineId) => {
            for (const r of refs) await (kind === 'secret' ? host.call('swarm.secrets.remove', { engineId, secret: r }) : host.call('swarm.configs.remove', { engineId, config: r }));
            output(cmd, { removed: refs }, () => refs.join('\n'));
          });
        }),
      );
  }
}
