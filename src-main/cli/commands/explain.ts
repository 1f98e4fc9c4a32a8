// `flotilla service explain SERVICE` / `flotilla service explain --task TASK`: why each task that is not running is
// where it is. Goes through the host (the same handler the window's "Why not running" panel calls), never into core.
import type { Command } from 'commander';
import { action, globals, output, table, targetFromGlobals } from '../context';
import { createHost } from '../../host';
import { FlotillaError } from '../../api/errors';
import type { ServiceExplanation, TaskExplanation } from '../../api/domains/explain';

/** An in-process host whose engine "cli" is the one the global flags choose (-H, --machine, DOCKER_HOST, context). */
async function withHost<T>(cmd: Command, fn: (call: (method: string, params: Record<string, unknown>) => Promise<unknown>) => Promise<T>): Promise<T> {
  const target = await targetFromGlobals(globals(cmd));
  const host = createHost({ transport: 'in-process' });
  const transport = target.kind === 'tcp' ? (target.tls ? 'tls' : 'tcp') : target.kind;
  host.services.engines.addProvider(async () => [{ id: 'cli', name: 'cli', url: 'cli', source: 'added', transport, target }]);
  try {
    return await fn((method, params) => host.dispatcher.call(method, { engineId: 'cli', ...params }));
  } finally {
    await host.close();
  }
}

const ago = (iso: string): string => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

export function formatTaskExplanation(t: TaskExplanation): string {
  const lines = [`${t.name}  ${t.state}${t.hostname ? ` on ${t.hostname}` : ''}  (task ${t.taskId.slice(0, 12)}, desired ${t.desiredState})`, `  ${t.summary}`];
  if (t.engineError) lines.push(`  engine error: ${t.engineError}`);
  if (t.engineMessage && t.engineMessage !== t.engineError) lines.push(`  engine message: ${t.engineMessage}`);
  if (t.nodes.length) {
    const rows = t.nodes.flatMap((n) => (n.reasons.length ? n.reasons.map((r, i) => [i ? '' : n.hostname, i ? '' : n.schedulable ? 'yes' : 'no', r.text]) : [[n.hostname, 'yes', '-']]));
    lines.push('', ...table(['NODE', 'PLACEABLE', 'WHY NOT'], rows).split('\n').map((l) => `  ${l}`));
  }
  if (t.history.length) {
    lines.push('', '  last states of the slot (newest first):');
    lines.push(...table(['TASK', 'NODE', 'STATE', 'DESIRED', 'WHEN', 'ERROR'], t.history.map((h) => [h.taskId.slice(0, 12), h.hostname ?? '', h.state, h.desiredState, ago(h.at), h.error ?? ''])).split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

export function formatServiceExplanation(e: ServiceExplanation): string {
  const head = `service ${e.serviceName} (${e.mode}): ${e.running} of ${e.desired} running`;
  const body = e.tasks.length ? e.tasks.map(formatTaskExplanation).join('\n\n') : 'every task that is meant to run is running';
  return [head, ...e.notes.map((n) => `note: ${n}`), '', body].join('\n');
}

/** Registers `explain` under the `service` command. */
export function registerServiceExplain(service: Command): void {
  service
    .command('explain')
    .argument('[service]', 'service name, id or id prefix')
    .option('--task <id>', 'explain one task (id or prefix) instead of a service')
    .description('why each task that is not running is where it is: per node the reason it cannot take the task, the engine error, the last states')
    .action(
      action(async (ref: string | undefined, o: { task?: string }, cmd: Command) => {
        if (!ref && !o.task) throw new FlotillaError('BAD_INPUT', 'name a service (`flotilla service explain web`) or a task (`flotilla service explain --task ID`)');
        await withHost(cmd, async (call) => {
          if (o.task) {
            const t = (await call('swarm.tasks.explain', { task: o.task })) as TaskExplanation;
            return output(cmd, t, () => formatTaskExplanation(t));
          }
          const e = (await call('swarm.services.explain', { service: ref })) as ServiceExplanation;
          output(cmd, e, () => formatServiceExplanation(e));
        });
      }),
    );
}
