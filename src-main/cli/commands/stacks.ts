// `flotilla stack ...`: the docker stack verbs (config, deploy, rm, ls, ps, services) plus plan, history, rollback.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import type { StackEvent } from '../../api/domains/stacks';
import { formatDiagnostic, parseEnvFile } from '../../host/direct';
import { openLocalHost } from '../../host/local';
import { action, globals, output, progress, table, withHost } from '../context';
import { collect } from '../format';
import { parseFilters } from '../docker-format';
import { printTasks, type PsFlags } from './service';

interface FileOpts {
  composeFile?: string[];
  dotenv?: boolean;
  envFile?: string[];
  skipInterpolation?: boolean;
}

function withFileOptions(cmd: Command): Command {
  return cmd
    .option('-c, --compose-file <file>', 'path to a compose file, or "-" to read from stdin (repeatable)', collect)
    .option('--dotenv', 'also read variables from .env beside the first compose file (the docker CLI never does)')
    .option('--env-file <file>', 'also read variables from this KEY=VALUE file (repeatable; the process environment wins)', collect);
}

function readInputs(o: FileOpts) {
  const files = o.composeFile ?? [];
  if (!files.length) throw new FlotillaError('BAD_INPUT', 'no compose file given: pass one with -c FILE');
  if (files.includes('-') && files.length > 1) throw new FlotillaError('BAD_INPUT', '"-" (stdin) can only be used as the only compose file');
  const sources = files.map((f) => {
    try {
      return { file: f === '-' ? '-' : path.resolve(f), content: fs.readFileSync(f === '-' ? 0 : f, 'utf8') };
    } catch {
      throw new FlotillaError('NOT_FOUND', `cannot read compose file ${f}: check the path given to -c`);
    }
  });
  const variables: Record<string, string> = {};
  for (const ef of o.envFile ?? []) {
    let text: string;
    try {
      text = fs.readFileSync(ef, 'utf8');
    } catch {
      throw new FlotillaError('NOT_FOUND', `cannot read env file ${ef}: check the path given to --env-file`);
    }
    for (const [k, v] of parseEnvFile(text, ef, (k) => process.env[k])) variables[k] = v;
  }
  Object.assign(variables, environment());
  return { files: sources, variables, dotEnv: !!o.dotenv, workingDir: files[0] === '-' ? process.cwd() : undefined };
}

/** the process environment, which wins over --env-file (as in docker) */
function environment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** the deploy's result as --json prints it: the 'done' event without its type */
function doneResult(e: StackEvent | undefined) {
  if (e?.type !== 'done') throw new FlotillaError('ENGINE', 'the deploy ended without a result');
  const { type: _t, ...res } = e;
  return res;
}

function printEvent(e: StackEvent): void {
  if (e.type === 'log') process.stdout.write(e.message + '\n');
  else if (e.type === 'warning') progress(e.message.trimEnd());
  else if (e.type === 'progress') progress(`${e.service}: ${e.running}/${e.desired} ${e.state}${e.errors.length ? `\n  ${e.errors.join('\n  ')}` : ''}`);
}

export function registerStacks(program: Command): void {
  const stack = program.command('stack').description('compose files to swarm stacks, as `docker stack` does');

  withFileOptions(stack.command('config').description('print the merged, interpolated configuration')).action(
    action(async (o: FileOpts, cmd: Command) => {
      const host = openLocalHost();
      try {
        const r = await host.call('stacks.config', readInputs(o));
        for (const d of r.diagnostics) progress(formatDiagnostic(d));
        output(cmd, { config: r.config, variables: r.variables, dotEnvFile: r.dotEnvFile, diagnostics: r.diagnostics }, () => r.yaml);
      } finally {
        await host.close();
      }
    }),
  );

  withFileOptions(stack.command('deploy').argument('<stack>').description('deploy a new stack or update an existing one'))
    .option('--prune', 'prune services that are no longer referenced')
    .option('--resolve-image <when>', 'query the registry to resolve image digest and platforms: always, changed, never', 'always')
    .option('--with-registry-auth', 'send registry authentication details (~/.docker/config.json) to swarm agents')
    .option('-d, --detach', 'exit immediately instead of waiting for the services to converge')
    .action(
      action(async (name: string, o: FileOpts & { prune?: boolean; resolveImage: string; withRegistryAuth?: boolean; detach?: boolean }, cmd: Command) => {
        if (!['always', 'changed', 'never'].includes(o.resolveImage)) throw new FlotillaError('BAD_INPUT', `invalid option ${o.resolveImage} for flag --resolve-image: use always, changed or never`);
        const input = readInputs(o);
        const ac = new AbortController();
        const onSig = () => ac.abort();
        process.once('SIGINT', onSig);
        try {
          await withHost(cmd, async (host, engineId) => {
            let done: StackEvent | undefined;
            const json = globals(cmd).json;
            const request = { ...input, engineId, stack: name, prune: o.prune, resolveImage: o.resolveImage as 'always' | 'changed' | 'never', withRegistryAuth: o.withRegistryAuth, wait: !o.detach };
            await host.subscribe('stacks.deploy', request, (e) => (e.type === 'done' ? (done = e) : json ? undefined : printEvent(e)), { signal: ac.signal });
            const res = doneResult(done);
            output(cmd, res, () => `deployment ${res.history} of stack ${name} recorded`);
          });
        } finally {
          process.off('SIGINT', onSig);
        }
      }),
    );

  withFileOptions(stack.command('plan').argument('<stack>').description('dry run: what deploy would create, update (field by field) or remove'))
    .option('--prune', 'also list services deploy --prune would remove')
    .action(
      action(async (name: string, o: FileOpts & { prune?: boolean }, cmd: Command) => {
        const input = readInputs(o);
        await withHost(cmd, async (host, engineId) => {
          const { items, diagnostics } = await host.call('stacks.plan', { ...input, engineId, stack: name, prune: o.prune });
          output(cmd, { items, diagnostics }, () =>
            items
              .map((i) => {
                const sign = { create: '+', update: '~', remove: '-', unchanged: '=' }[i.action];
                return [`${sign} ${i.kind} ${i.name}`, ...i.changes.map((c) => `    ${c.path}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`)].join('\n');
              })
              .join('\n'),
          );
        });
      }),
    );

  stack
    .command('rm')
    .alias('remove')
    .argument('<stacks...>')
    .description('remove one or more stacks (services, secrets, configs, networks)')
    .action(
      action(async (names: string[], _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const removed: string[] = [];
          let failed: unknown;
          const step = (m: string) => (m.startsWith('Nothing') || m.startsWith('Failed') ? progress(m) : globals(cmd).json ? undefined : process.stdout.write(m + '\n'));
          // one stack at a time, so one that fails does not stop the others (as in docker)
          for (const n of names) {
            try {
              removed.push(...(await host.call('stacks.rm', { engineId, stacks: [n] }, { notes: { step } })).removed);
            } catch (e) {
              failed = e;
            }
          }
          if (globals(cmd).json) output(cmd, { removed }, () => '');
          if (failed) throw failed;
        });
      }),
    );

  stack
    .command('ls')
    .alias('list')
    .description('list stacks')
    .action(
      action(async (_o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const list = await host.call('stacks.ls', { engineId });
          output(cmd, list, () => table(['NAME', 'SERVICES'], list.map((s) => [s.name, s.services])));
        });
      }),
    );

  stack
    .command('ps')
    .argument('<stack>')
    .option('--no-trunc', 'do not truncate output')
    .option('--no-resolve', 'do not map IDs to names')
    .option('-f, --filter <filter>', 'filter output: id, name, node, desired-state, label, service (repeatable)', collect)
    .option('-q, --quiet', 'only display task IDs')
    .option('--format <format>', "table (default), json, raw, '{{json .}}' or a template of {{.Field}}")
    .description('list the tasks in the stack (docker stack ps: columns, \\_ for older tasks of a slot, -q, --filter, --format, --no-trunc)')
    .action(
      action(async (name: string, o: PsFlags, cmd: Command) => {
        if (!name.trim()) throw new FlotillaError('BAD_INPUT', `invalid stack name: ${JSON.stringify(name)}`);
        // getStackFilterFromOpt: the user's filters and the stack's namespace label, all given to the engine
        const filters = parseFilters(o.filter);
        filters.label = [...new Set([...(filters.label ?? []), `com.docker.stack.namespace=${name}`])];
        await withHost(cmd, async (host, engineId) => {
          const data = await host.call('swarm.tasks.ps', { engineId, filters });
          if (!data.tasks.length) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${name}`);
          // --json: one object a task, its name, node and image as the table shows them
          const json = data.tasks.map((t) => ({
            id: t.id,
            name: `${data.services[t.serviceId] ?? t.serviceId}.${t.slot || t.nodeId}`,
            image: t.image.replace(/@sha256:.*$/, ''),
            node: t.nodeId ? (data.nodes[t.nodeId] ?? t.nodeId) : '',
            desiredState: t.desiredState,
            currentState: t.state,
            error: t.error,
            ports: t.ports.map((p) => `*:${p.published}->${p.target}/${p.protocol}`).join(', '),
          }));
          // unlike service ps, -q keeps IDs truncated unless --no-trunc (docker's stack/ps.go)
          printTasks(cmd, data, o, json);
        });
      }),
    );

  stack
    .command('services')
    .argument('<stack>')
    .description('list the services in the stack')
    .action(
      action(async (name: string, _o: unknown, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          const list = await host.call('stacks.services', { engineId, stack: name });
          if (!list.length) progress(`Nothing found in stack: ${name}`);
          output(cmd, list, () => (list.length ? table(['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'], list.map((s) => [s.id.slice(0, 12), s.name, s.mode, s.replicas, s.image, s.ports])) : ''));
        });
      }),
    );

  stack
    .command('history')
    .argument('<stack>')
    .option('--diff <a..b>', 'show the changes between two deployments, e.g. 3..5')
    .description("a stack's deployments (files and variables used), or the diff between two")
    .action(
      action(async (name: string, o: { diff?: string }, cmd: Command) => {
        await withHost(cmd, async (host, engineId) => {
          if (o.diff) {
            const m = /^(\d+)\.\.(\d+)$/.exec(o.diff);
            if (!m) throw new FlotillaError('BAD_INPUT', `invalid --diff ${o.diff}: use A..B, e.g. 1..2`);
            const text = (await host.call('stacks.history', { engineId, stack: name, diff: [Number(m[1]), Number(m[2])] })).diff ?? '';
            output(cmd, { diff: text }, () => text || 'no differences');
            return;
          }
          const { entries } = await host.call('stacks.history', { engineId, stack: name });
          output(cmd, entries, () => table(['N', 'TIME', 'FILES', 'VARIABLES', 'SERVICES'], entries.map((e) => [e.n, e.time, e.sources.join(', '), e.variables.join(', '), e.services.length])));
        });
      }),
    );

  stack
    .command('rollback')
    .argument('<stack>')
    .argument('<n>', 'the deployment to go back to (see `flotilla stack history`)')
    .option('-d, --detach', 'exit immediately instead of waiting for the services to converge')
    .description('redeploy an earlier deployment of a stack')
    .action(
      action(async (name: string, n: string, o: { detach?: boolean }, cmd: Command) => {
        if (!/^\d+$/.test(n)) throw new FlotillaError('BAD_INPUT', `invalid deployment number ${n}: see \`flotilla stack history ${name}\``);
        await withHost(cmd, async (host, engineId) => {
          let done: StackEvent | undefined;
          const json = globals(cmd).json;
          // the values come from the environment, as for deploy; history keeps only their hashes
          await host.subscribe('stacks.rollback', { engineId, stack: name, to: Number(n), variables: environment(), wait: !o.detach }, (e) => (e.type === 'done' ? (done = e) : json ? undefined : printEvent(e)));
          const res = doneResult(done);
          output(cmd, res, () => `stack ${name} rolled back to deployment ${n} (recorded as ${res.history})`);
        });
      }),
    );
}
