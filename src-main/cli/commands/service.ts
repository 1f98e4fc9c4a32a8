// `flotilla service`: the swarm's services through the manager the global flags choose, docker-CLI-like.
// The flags of create and update are defined once, in service-flags.ts.
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { LogLine, PortMapping, Task } from '../../api/domains/swarm';
import { action, commandWords, globals, output, progress, withHost } from '../context';
import { collect } from '../format';
import { formatListing, parseFilters, type Row } from '../docker-format';
import { rawTaskFormat, taskListing, type TaskData } from '../task-format';
import { digits, LogPrefixer, type RawService, type RawTask } from '../service-log-prefix';
import { addServiceFlags, createInput, updateInput } from './service-flags';

interface LogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
  taskIds?: boolean;
  resolve?: boolean;
  trunc?: boolean;
  raw?: boolean;
}

/**
 * service ls's PORTS, as docker's serviceContext.Ports (cli/command/formatter/service.go): the ingress ports sorted
 * by protocol then published port, consecutive ones joined into a range, `, ` between. The range test keeps Go's
 * uint32 arithmetic (a smaller port wraps to a large difference), so a repeated target port joins a range as it does
 * in docker.
 */
export function ingressPorts(ports: PortMapping[]): string {
  const ing = ports
    .filter((p) => p.mode === 'ingress')
    .map((p) => ({ published: p.published ?? 0, target: p.target, protocol: p.protocol }))
    .sort((a, b) => (a.protocol === b.protocol ? a.published - b.published : a.protocol < b.protocol ? -1 : 1));
  const out: string[] = [];
  const show = (r: { pStart: number; pEnd: number; tStart: number; tEnd: number; protocol: string }): string =>
    `*:${r.pEnd > r.pStart ? `${r.pStart}-${r.pEnd}` : r.pStart}->${r.tEnd > r.tStart ? `${r.tStart}-${r.tEnd}` : r.tStart}/${r.protocol}`;
  let pr = { pStart: 0, pEnd: 0, tStart: 0, tEnd: 0, protocol: '' };
  const u32 = (n: number): number => n >>> 0;
  for (const p of ing) {
    const isRange = pr.tEnd !== pr.tStart;
    if (p.protocol !== pr.protocol || u32(p.published - pr.pEnd) > 1 || u32(p.target - pr.tEnd) > 1 || (isRange && p.target <= pr.tEnd)) {
      if (pr.pStart > 0) out.push(show(pr));
      pr = { pStart: p.published, pEnd: p.published, tStart: p.target, tEnd: p.target, protocol: p.protocol };
      continue;
    }
    pr.pEnd = p.published;
    pr.tEnd = p.target;
  }
  if (pr.pStart > 0) out.push(show(pr));
  return out.join(', ');
}

/** the flags `service ps` and `stack ps` share with docker's */
export interface PsFlags {
  quiet?: boolean;
  trunc?: boolean;
  resolve?: boolean;
  filter?: string[];
  format?: string;
}

/** task.Print: the tasks as -q / --format / --no-trunc / --no-resolve say; --json prints `json` (default: the engine's fields) */
export function printTasks(cmd: Command, data: TaskData, o: PsFlags, json: unknown = data.tasks): void {
  const quiet = Boolean(o.quiet);
  const format = o.format === 'raw' ? rawTaskFormat(quiet) : o.format;
  output(cmd, json, () => formatListing(taskListing(data, { trunc: o.trunc !== false, resolve: o.resolve !== false, format }), { quiet, format }));
}

export function registerService(program: Command): void {
  const service = program.command('service').description('swarm services (through a manager)')
    // `service create IMAGE CMD...` passes CMD's options through; commander wants this on the parent for that
    .enablePositionalOptions();
  service
    .command('ls')
    .description('list services (docker service ls: columns, -q, --filter, --format)')
    .option('-q, --quiet', 'only display IDs')
    .option('-f, --filter <filter>', 'filter output: id, name, mode (repeatable)', collect)
    .option('--format <format>', "table (default), json, '{{json .}}' or a template of {{.Field}}")
    .action(
      action(async (o: { quiet?: boolean; filter?: string[]; format?: string }, cmd: Command) => {
        const filters = parseFilters(o.filter, ['id', 'name', 'mode', 'label']);
        if (filters.label) throw new FlotillaError('BAD_INPUT', 'service ls --filter label=... is not supported yet: filter with `flotilla stack services STACK` or by name');
        await withHost(cmd, async (host, engineId) => {
          // newListServicesFilters: id and name are prefixes, mode exact
          const pick = (vals: string[] | undefined, ok: (v: string) => boolean): boolean => !vals || vals.some(ok);
          const list = (await host.call('swarm.services.list', { engineId }))
            .filter((s) => pick(filters.id, (v) => s.id.startsWith(v)) && pick(filters.name, (v) => s.name.startsWith(v)) && pick(filters.mode, (v) => v === s.mode))
            .sort((a, b) => a.name.localeCompare(b.name));
          const rows: Row[] = list.map((s) => ({ ID: s.id.slice(0, 12), Image: s.image, Mode: s.mode, Name: s.name, Ports: ingressPorts(s.ports), Replicas: `${s.replicas.running}/${s.replicas.desired}` }));
          output(cmd, list, () =>
            formatListing(
              { columns: [['ID', 'ID'], ['NAME', 'Name'], ['MODE', 'Mode'], ['REPLICAS', 'Replicas'], ['IMAGE', 'Image'], ['PORTS', 'Ports']], table: rows, json: rows, ids: list.map((s) => s.id.slice(0, 12)), goType: 'service.serviceContext' },
              o,
            ),
          );
        });
      }),
    );
  service
    .command('ps')
    .argument('<service...>', 'service name, ID or ID prefix')
    .description('list the tasks of services (docker service ps: columns, \\_ for older tasks of a slot, -q, --filter, --format, --no-trunc)')
    .option('-q, --quiet', 'only display task IDs')
    .option('--no-trunc', 'do not truncate output')
    .option('--no-resolve', 'do not map IDs to names')
    .option('-f, --filter <filter>', 'filter output: id, name, node, desired-state, label, service (repeatable)', collect)
    .option('--format <format>', "table (default), json, raw, '{{json .}}' or a template of {{.Field}}")
    .action(
      action(async (refs: string[], o: PsFlags, cmd: Command) => {
        const filters = parseFilters(o.filter);
        await withHost(cmd, async (host, engineId) => {
          // createFilter in docker's service/ps.go: each argument is a full ID, a full name, or an unambiguous ID prefix
          const services = await host.call('swarm.services.list', { engineId });
          const notFound: string[] = [];
          const ids: string[] = [];
          for (const ref of refs) {
            const exact = services.find((s) => s.id === ref) ?? services.find((s) => s.name === ref);
            const byPrefix = exact ? [exact] : services.filter((s) => s.id.startsWith(ref));
            if (byPrefix.length > 1) throw new FlotillaError('BAD_INPUT', `multiple services found with provided prefix: ${ref}`);
            if (byPrefix[0]) ids.push(byPrefix[0].id);
            else notFound.push(`no such service: ${ref}`);
          }
          if (!ids.length) throw new FlotillaError('NOT_FOUND', notFound.join('\n'));
          filters.service = [...new Set([...(filters.service ?? []), ...ids])];
          // updateNodeFilter: `self` is the node of the engine asked
          if (filters.node?.includes('self')) {
            const self = (await host.call('swarm.info', { engineId })).nodeId;
            if (!self) throw new FlotillaError('PRECONDITION', 'node ID not found in /info');
            filters.node = [...new Set(filters.node.map((n) => (n === 'self' ? self : n)))];
          }
          const data = await host.call('swarm.tasks.ps', { engineId, filters });
          // --json: the contract's tasks (with their timelines) of the tasks listed
          const listed = new Set(data.tasks.map((t) => t.id));
          const json = async (): Promise<Task[]> => (await Promise.all(ids.map((service) => host.call('swarm.tasks.list', { engineId, service })))).flat().filter((t) => listed.has(t.id));
          // -q prints whole IDs (service ps sets --no-trunc with -q)
          printTasks(cmd, data, { ...o, trunc: o.quiet ? false : o.trunc }, globals(cmd).json ? await json() : undefined);
          if (notFound.length) throw new FlotillaError('NOT_FOUND', notFound.join('\n'));
        });
      }),
    );
  addServiceFlags(
    service
      .command('create')
      .argument('<image>', 'image')
      .argument('[command...]', 'command and its arguments: everything after IMAGE, options included, as in docker')
      .description('create a service (docker service create flags)')
      .passThroughOptions(),
    'create',
  ).action(
    action(async (image: string, args: string[], o: Record<string, unknown>, cmd: Command) => {
      const spec = createInput(image, commandWords(args), o);
      await withHost(cmd, async (host, engineId) => {
        const r = await host.call('swarm.services.create', { engineId, spec });
        output(cmd, r, () => r.id);
      });
    }),
  );
  service
    .command('scale')
    .argument('<service=replicas...>', 'e.g. web=5')
    .description('set replica counts')
    .action(
      action(async (pairs: string[], _o: unknown, cmd: Command) => {
        const parsed = pairs.map((p) => {
          const m = /^([^=]+)=(.*)$/.exec(p);
          if (!m) throw new FlotillaError('BAD_INPUT', `invalid scale "${p}": expected SERVICE=REPLICAS`);
          if (!/^\d+$/.test(m[2])) throw new FlotillaError('BAD_INPUT', `invalid replicas "${m[2]}" for ${m[1]}: expected a whole number from 0 upwards`);
          return { service: m[1], replicas: Number(m[2]) };
        });
        await withHost(cmd, async (host, engineId) => {
          for (const p of parsed) await host.call('swarm.services.scale', { engineId, ...p });
          output(cmd, parsed, () => parsed.map((p) => `${p.service} scaled to ${p.replicas}`).join('\n'));
        });
      }),
    );
  addServiceFlags(service.command('update').argument('<service>').description('update a service: image, env, ports, replicas, labels, constraints, update config, --force'), 'update').action(
    action(async (ref: string, o: Record<string, unknown>, cmd: Command) => {
      const update = updateInput(o);
      await withHost(cmd, async (host, engineId) => {
        const r = await host.call('swarm.services.update', { engineId, service: ref, update });
        for (const w of r.warnings) progress(`warning: ${w}`);
        output(cmd, r, () => ref);
      });
    }),
  );
  service
    .command('rollback')
    .argument('<service>')
    .description('roll back to the previous spec')
    .action(
      action(async (ref: string, _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          await host.call('swarm.services.rollback', { engineId, service: ref });
          output(cmd, { ok: true, service: ref }, () => ref);
        });
      }),
    );
  service
    .command('resume')
    .argument('<service>', 'a service whose update (or rollback) is paused')
    .description('resume a paused update or rollback: the engine runs it again (as `docker service update SERVICE` with no change does)')
    .action(
      action(async (ref: string, _o: unknown, cmd: Command) => {
        const { state, now, asked } = await withHost(cmd, (host, engineId) => host.call('swarm.services.resume', { engineId, service: ref }));
        output(cmd, { service: ref, was: state, now, asked }, () => ref);
        const what = state === 'rollback_paused' ? 'rollback' : 'update';
        const dropped = asked > 1 ? ` (the engine dropped the first ask while its paused run wound down; asked ${asked} times)` : '';
        progress(
          now === ''
            ? `resumed the ${what} of ${ref}: every task already runs the new spec, so the engine had nothing left to update`
            : `resumed the ${what} of ${ref}, now ${now.replace('_', ' ')}${dropped}: watch it with \`flotilla service inspect ${ref}\``,
        );
      }),
    );
  service
    .command('rm')
    .argument('<service...>')
    .description('remove services')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          for (const r of refs) await host.call('swarm.services.remove', { engineId, service: r });
          output(cmd, { removed: refs }, () => refs.join('\n'));
        });
      }),
    );
  service
    .command('inspect')
    .argument('<service...>')
    .description('service details as the engine has them')
    .action(
      action(async (refs: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const list = [];
          for (const r of refs) list.push(await host.call('swarm.services.inspect', { engineId, service: r }));
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        });
      }),
    );
  service
    .command('logs')
    .argument('<service|task>', 'a service (all its tasks) or a task id (read from its node)')
    .description('logs; stdout to stdout, stderr to stderr')
    .option('-f, --follow', 'follow new lines')
    .option('-n, --tail <n>', 'lines from the end ("all" by default)')
    .option('--since <t>', 'since a timestamp or relative time (10m)')
    .option('--until <t>', 'until a timestamp or relative time')
    .option('-t, --timestamps', 'show timestamps')
    .option('--no-task-ids', 'no task IDs in the prefix')
    .option('--no-resolve', 'service and node IDs in the prefix instead of names')
    .option('--no-trunc', 'full task IDs in the prefix')
    .option('--raw', 'no prefix at all')
    .action(
      action(async (ref: string, o: LogsFlags, cmd: Command) => {
        if (o.tail !== undefined && o.tail !== 'all' && !/^\d+$/.test(o.tail)) throw new FlotillaError('BAD_INPUT', `invalid --tail "${o.tail}": expected a number or all`);
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const json = globals(cmd).json;
        const opts = { follow: o.follow, tail: o.tail === undefined || o.tail === 'all' ? undefined : Number(o.tail), since: o.since, until: o.until, timestamps: o.timestamps };
        try {
          await withHost(cmd, async (host, engineId) => {
            const svc = (await host.call('swarm.services.inspect', { engineId, service: ref }).catch(() => undefined)) as RawService | undefined;
            const replicas = svc?.Spec.Mode?.Replicated?.Replicas;
            const task = async () => (await host.call('swarm.tasks.inspect', { engineId, task: ref }).catch(() => undefined)) as RawTask | undefined;
            // docker pads slots to the replica count's digits; a task's logs to its own slot's
            const width = svc ? (replicas === undefined ? 1 : digits(replicas)) : o.raw || json ? 1 : digits((await task())?.Slot ?? 0);
            const prefixer = new LogPrefixer(host, engineId, width, { noResolve: o.resolve === false, noTrunc: o.trunc === false, noTaskIds: o.taskIds === false });
            // names are looked up asynchronously: a chain keeps the lines in the order they came
            let printed: Promise<void> = Promise.resolve();
            let failure: unknown;
            const print = (l: LogLine): void => {
              if (json) return void process.stdout.write(JSON.stringify(l) + '\n');
              const write = (prefix: string): void => void (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${l.timestamp ? l.timestamp + ' ' : ''}${prefix}${l.line}\n`);
              printed = printed
                .then(async () => {
                  if (failure === undefined) write(o.raw || !l.taskId || !l.nodeId ? '' : await prefixer.prefix(l.taskId, l.nodeId));
                })
                .catch((e: unknown) => {
                  failure ??= e;
                  ac.abort();
                });
            };
            if (svc) await host.subscribe('swarm.services.logs', { engineId, service: svc.ID, ...opts }, print, { signal: ac.signal });
            else
              await host.subscribe('swarm.tasks.logs', { engineId, task: ref, ...opts }, print, { signal: ac.signal }).catch((e: unknown) => {
                if (e instanceof FlotillaError && e.code === 'NOT_FOUND') throw new FlotillaError('NOT_FOUND', `no such service or task: ${ref}`);
                throw e;
              });
            await printed;
            if (failure !== undefined) throw failure;
          });
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );
}
