// `flotilla node`: the swarm's nodes, through the manager the global flags choose.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { OutputOf } from '../../api/contract';
import type { Node } from '../../api/domains/swarm';
import { action, globals, output, progress, withHost } from '../context';
import { cap, collect } from '../format';
import { formatListing, labelMatches, parseFilters, type Row } from '../docker-format';

const labelText = (n: Node): string =>
  Object.entries(n.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function registerNode(program: Command): void {
  const node = program.command('node').description('swarm nodes (through a manager)');
  node
    .command('ls')
    .description('list nodes (docker node ls: columns, -q, --filter, --format)')
    .option('-q, --quiet', 'only display IDs')
    .option('-f, --filter <filter>', 'filter output: id, name, role, membership, node.label (repeatable)', collect)
    .option('--format <format>', "table (default), json, '{{json .}}' or a template of {{.Field}}")
    .action(
      action(async (o: { quiet?: boolean; filter?: string[]; format?: string }, cmd: Command) => {
        const filters = parseFilters(o.filter, ['id', 'name', 'role', 'membership', 'node.label', 'label']);
        await withHost(cmd, async (host, engineId) => {
          const info = await host.call('swarm.info', { engineId });
          // the daemon's node filters (newListNodeFilters): id and name are prefixes (name of the hostname),
          // role exact, node.label KEY or KEY=VALUE; every node listed is accepted (membership)
          const pick = (vals: string[] | undefined, ok: (v: string) => boolean): boolean => !vals || vals.some(ok);
          const nodes = (await host.call('swarm.nodes.list', { engineId }))
            .filter((n) => pick(filters.id, (v) => n.id.startsWith(v)) && pick(filters.name, (v) => n.hostname.startsWith(v)) && pick(filters.role, (v) => v === n.role) && pick(filters.membership, (v) => v === 'accepted'))
            .filter((n) => (filters['node.label'] ?? []).every((v) => labelMatches(n.labels, v)))
            .sort((a, b) => a.hostname.localeCompare(b.hostname));
          const rows: Row[] = nodes.map((n) => ({
            Availability: cap(n.availability),
            EngineVersion: n.engineVersion,
            Hostname: n.hostname,
            ID: n.id,
            ManagerStatus: n.role === 'manager' ? (n.leader ? 'Leader' : cap(n.reachability ?? '')) : '',
            Self: n.id === info.nodeId,
            Status: cap(n.status),
            TLSStatus: 'Ready',
          }));
          output(cmd, nodes, () =>
            formatListing(
              {
                columns: [['ID', 'ID'], ['HOSTNAME', 'Hostname'], ['STATUS', 'Status'], ['AVAILABILITY', 'Availability'], ['MANAGER STATUS', 'ManagerStatus'], ['ENGINE VERSION', 'EngineVersion']],
                // the template is `{{.ID}} {{if .Self}}*{{else}} {{ end}}`: every ID cell two wider
                table: rows.map((r) => ({ ...r, ID: `${String(r.ID)} ${r.Self ? '*' : ' '}` })),
                json: rows,
                ids: nodes.map((n) => n.id),
                goType: 'node.nodeContext',
              },
              o,
            ),
          );
        });
      }),
    );
  node
    .command('inspect')
    .argument('<node...>', 'node id, hostname or id prefix')
    .description('node details as the engine has them')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const list = [];
          for (const r of refs) list.push(await host.call('swarm.nodes.inspect', { engineId, node: r }));
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        });
      }),
    );
  for (const [verb, availability] of [
    ['drain', 'drain'],
    ['pause', 'pause'],
    ['activate', 'active'],
  ] as const) {
    node
      .command(verb)
      .argument('<node...>', 'node id, hostname or id prefix')
      .description(`set availability to ${availability}`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withHost(cmd, async (host, engineId) => {
            const out: Node[] = [];
            for (const r of refs) out.push(await host.call('swarm.nodes.setAvailability', { engineId, node: r, availability }));
            output(cmd, out, () => out.map((n) => `${n.hostname}: ${n.availability}`).join('\n'));
          });
        }),
      );
  }
  for (const [verb, role] of [
    ['promote', 'manager'],
    ['demote', 'worker'],
  ] as const) {
    node
      .command(verb)
      .argument('<node...>', 'node id, hostname or id prefix')
      .description(`make the node a ${role} (refuses the last manager; warns on even counts or lost quorum with the raft arithmetic)`)
      .action(
        action(async (refs: string[], _o: unknown, cmd: Command) => {
          await withHost(cmd, async (host, engineId) => {
            const out: Array<OutputOf<'swarm.nodes.setRole'>> = [];
            for (const r of refs) {
              const res = await host.call('swarm.nodes.setRole', { engineId, node: r, role });
              for (const w of res.quorum.warnings) progress(`warning: ${w}`);
              out.push(res);
            }
            output(cmd, out, () => out.map((r) => `Node ${r.node.hostname} is now a ${role} (${r.quorum.arithmetic}).`).join('\n'));
          });
        }),
      );
  }
  const label = node.command('label').description('node labels');
  label
    .command('add')
    .argument('<node>')
    .argument('<label...>', 'KEY=VALUE')
    .action(
      action(async (ref: string, labels: string[], _o: unknown, cmd: Command) => {
        const add: Record<string, string> = {};
        for (const l of labels) {
          const i = l.indexOf('=');
          if (i <= 0) throw new FlotillaError('BAD_INPUT', `invalid label "${l}": expected KEY=VALUE`);
          add[l.slice(0, i)] = l.slice(i + 1);
        }
        await withHost(cmd, async (host, engineId) => {
          const n = await host.call('swarm.nodes.label', { engineId, node: ref, add });
          output(cmd, n, () => `${n.hostname}: ${labelText(n)}`);
        });
      }),
    );
  label
    .command('rm')
    .argument('<node>')
    .argument('<key...>')
    .action(
      action(async (ref: string, keys: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const n = await host.call('swarm.nodes.label', { engineId, node: ref, add: {}, remove: keys });
          output(cmd, n, () => `${n.hostname}: ${labelText(n) || '(no labels)'}`);
        });
      }),
    );
  node
    .command('rm')
    .argument('<node>', 'node id, hostname or id prefix')
    .description('remove a node: a down one directly; an up one by drain, leave on that node, then remove')
    .option('-f, --force', 'remove an up node without the guided path')
    .action(
      action(async (ref: string, o: { force?: boolean }, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const r = await host.call('swarm.nodes.remove', { engineId, node: ref, force: o.force }, { notes: globals(cmd).json ? undefined : { step: (s) => progress(s) } });
          output(cmd, r, () => '');
        });
      }),
    );
}
