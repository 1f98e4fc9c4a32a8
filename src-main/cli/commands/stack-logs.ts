// `flotilla stack logs STACK`, served by the host's `stacks.logs` (the handler the window's Logs view uses).
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { StackLogLine } from '../../api/domains/stacks';
import { action, globals, withHost } from '../context';
import { digits, logPrefix } from '../service-log-prefix';

interface StackLogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  timestamps?: boolean;
}

/** A line as `docker service logs` prints it for its service: `service.slot.taskid@node` padded to the replica count's digits. */
export function stackLogText(l: StackLogLine): string {
  const width = l.replicas === undefined ? 1 : digits(l.replicas);
  const prefix = l.taskId ? logPrefix({ service: l.service, slot: l.slot, taskId: l.taskId, node: l.node }, width, {}) : '';
  return `${l.timestamp ? l.timestamp + ' ' : ''}${prefix}${l.line}`;
}

export function registerStackLogs(program: Command): void {
  const stack = program.commands.find((c) => c.name() === 'stack');
  if (!stack) throw new Error('registerStackLogs needs the stack command registered first');

  stack
    .command('logs')
    .argument('<stack>', 'the stack')
    .description("every service's logs of a stack in time order, each line prefixed service.slot.taskid@node as `docker service logs` does")
    .option('-f, --follow', 'follow new lines')
    .option('-n, --tail <n>', 'lines from the end of each service ("all" by default)')
    .option('--since <t>', 'since a timestamp or relative time (10m)')
    .option('-t, --timestamps', 'show timestamps')
    .action(
      action(async (name: string, o: StackLogsFlags, cmd: Command) => {
        if (o.tail !== undefined && o.tail !== 'all' && !/^\d+$/.test(o.tail)) throw new FlotillaError('BAD_INPUT', `invalid --tail "${o.tail}": expected a number or all`);
        const json = globals(cmd).json;
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        try {
          await withHost(cmd, (host, engineId) =>
            host.subscribe(
              'stacks.logs',
              { engineId, stack: name, follow: o.follow, tail: o.tail === undefined || o.tail === 'all' ? undefined : Number(o.tail), since: o.since, timestamps: o.timestamps },
              (l) => {
                if (json) return void process.stdout.write(JSON.stringify(l) + '\n');
                (l.stream === 'stderr' ? process.stderr : process.stdout).write(stackLogText(l) + '\n');
              },
              { signal: ac.signal },
            ),
          );
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );
}
