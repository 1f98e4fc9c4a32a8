// `flotilla events`: the live cluster model (the board's 'swarm.model' stream) as lines as it changes.
import type { Command } from 'commander';
import type { ClusterModel, ModelEvent } from '../../api/domains/swarm';
import { ActivityDeriver, activityModelOf } from '../../api/activity';
import { applyChanges } from '../../host/direct';
import { action, globals, intArg, withHost } from '../context';
import { short } from '../format';

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('the live cluster model as it changes (JSON lines with --json); Ctrl-C to stop')
    .option('--count <n>', 'stop after N change batches', intArg('--count', 1))
    .option('--activity', "what happened, in words, as the window's Activity view says it (task failed, node down or back, paused or drained, update paused or rolling back, deploy finished)")
    .action(
      action(async (o: { count?: number; activity?: boolean }, cmd: Command) => {
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const json = globals(cmd).json;
        let model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
        let batches = 0;
        const deriver = new ActivityDeriver();
        try {
          await withHost(cmd, (host, engineId) =>
            host.subscribe(
              'swarm.model',
              { engineId },
              (e: ModelEvent) => {
                if (o.activity) {
                  // the same derivation as the window's Activity view (src-main/api/activity.ts), on the same stream
                  if (e.type === 'snapshot') model = e.model;
                  else if (e.type === 'diff') model = applyChanges(model, e.changes);
                  if (e.type !== 'source') {
                    for (const a of deriver.next(activityModelOf(model), e.at)) {
                      if (json) process.stdout.write(JSON.stringify(a) + '\n');
                      else process.stdout.write(`${new Date(a.at).toISOString()} ${a.kind} ${a.title}${a.detail ? ` (${a.detail})` : ''}\n`);
                    }
                  }
                } else if (json) process.stdout.write(JSON.stringify(e) + '\n');
                else if (e.type === 'snapshot') {
                  model = e.model;
                  process.stdout.write(`snapshot: ${Object.keys(model.nodes).length} nodes, ${Object.keys(model.services).length} services, ${Object.keys(model.tasks).length} tasks\n`);
                } else if (e.type === 'source') process.stdout.write(`${new Date(e.at).toISOString()} source ${e.source} ${e.connected ? `connected${e.via ? ` via ${e.via}` : ''}` : `lost: ${e.error ?? ''}`}\n`);
                else {
                  for (const ch of e.changes) {
                    const ts = new Date(e.at).toISOString();
                    if (ch.op === 'remove') process.stdout.write(`${ts} ${ch.kind} ${short(ch.id)} removed\n`);
                    else if (ch.kind === 'task') {
                      const svc = model.services[ch.value.serviceId]?.name ?? short(ch.value.serviceId);
                      process.stdout.write(`${ts} task ${short(ch.value.id)} ${svc}.${ch.value.slot || short(ch.value.nodeId)} ${ch.value.state} (desired ${ch.value.desiredState})${ch.value.error ? ` error: ${ch.value.error}` : ''}\n`);
                    } else if (ch.kind === 'service') process.stdout.write(`${ts} service ${ch.value.name} ${ch.value.replicas.running}/${ch.value.replicas.desired} ${ch.value.image}${ch.value.updateStatus ? ` update ${ch.value.updateStatus.state}` : ''}\n`);
                    else process.stdout.write(`${ts} node ${ch.value.hostname} ${ch.value.status} ${ch.value.availability} ${ch.value.role}\n`);
                  }
                  model = applyChanges(model, e.changes);
                }
                if (e.type === 'diff' && o.count && ++batches >= o.count) ac.abort();
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
