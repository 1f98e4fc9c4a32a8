// `flotilla stack ...`: the docker stack verbs (config, deploy, rm, ls, ps, services) plus plan, history, rollback.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FlotillaError } from '../../api/errors';
import { action, globals, output, progress, table, withEngine } from '../context';
import {
  deployWithHistory,
  historyDiff,
  listStacks,
  loadOrThrow,
  planStack,
  removeStack,
  renderConfig,
  rollbackStack,
  stackHistory,
  stackServices,
  stackTasks,
  type DeployEvent,
} from '../../core/stacks';
import { parseEnvFile } from '../../core/stacks/normalize';
import { formatDiagnostic } from '../../core/stacks/loader';
import { flotillaHome } from '../../core/paths';

interface FileOpts {
  composeFile?: string[];
  dotenv?: boolean;
  envFile?: string[];
  skipInterpolation?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

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
  const variables: Record<string, string | undefined> = {};
  for (const ef of o.envFile ?? []) {
    let text: string;
    try {
      text = fs.readFileSync(ef, 'utf8');
    } catch {
      throw new FlotillaError('NOT_FOUND', `cannot read env file ${ef}: check the path given to --env-file`);
    }
    for (const [k, v] of parseEnvFile(text, ef, (k) => process.env[k])) variables[k] = v;
  }
  Object.assign(variables, process.env);
  return { files: sources, variables, dotEnv: !!o.dotenv, workingDir: files[0] === '-' ? process.cwd() : undefined };
}

function printEvent(e: DeployEvent): void {
  if (e.type === 'log') process.stdout.write(e.message + '\n');
  else if (e.type === 'warning') progress(e.message.trimEnd());
  else if (e.type === 'progress') progress(`${e.service}: ${e.running}/${e.desired} ${e.state}${e.errors.length ? `\n  ${e.errors.join('\n  ')}` : ''}`);
}

export function registerStacks(program: Command): void {
  const stack = program.command('stack').description('compose files to swarm stacks, as `docker stack` does');

  withFileOptions(stack.command('config').description('print the merged, interpolated configuration')).action(
    action(async (o: FileOpts, cmd: Command) => {
      const r = loadOrThrow(readInputs(o), { forConfig: true });
      for (const d of r.diagnostics) progress(formatDiagnostic(d));
      output(cmd, { config: r.config, variables: r.variables, dotEnvFile: r.dotEnvFile, diagnostics: r.diagnostics }, () => renderConfig(r.config));
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
          await withEngine(cmd, async (conn) => {
            const res = await deployWithHistory(conn.docker, {
              ...input,
              stack: name,
              prune: o.prune,
              resolveImage: o.resolveImage as 'always' | 'changed' | 'never',
              withRegistryAuth: o.withRegistryAuth,
              wait: !o.detach,
              signal: ac.signal,
              home: flotillaHome(),
              onEvent: globals(cmd).json ? undefined : printEvent,
            });
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
        const r = loadOrThrow(readInputs(o));
        await withEngine(cmd, async (conn) => {
          const items = await planStack(conn.docker, name, r.config, { prune: o.prune, readFile: (p) => fs.readFileSync(p) });
          output(cmd, { items, diagnostics: r.diagnostics }, () =>
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
        await withEngine(cmd, async (conn) => {
          const removed: string[] = [];
          let failed: unknown;
          for (const n of names) {
            try {
              removed.push(...(await removeStack(conn.docker, n, (m) => (m.startsWith('Nothing') || m.startsWith('Failed') ? progress(m) : globals(cmd).json ? undefined : process.stdout.write(m + '\n')))).removed);
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
        await withEngine(cmd, async (conn) => {
          const list = await listStacks(conn.docker);
          output(cmd, list, () => table(['NAME', 'SERVICES'], list.map((s) => [s.name, s.services])));
        });
      }),
    );

  stack
    .command('ps')
    .argument('<stack>')
    .option('-f, --filter <filter>', 'filter output (key=value, repeatable)', collect)
    .description('list the tasks in the stack')
    .action(
      action(async (name: string, o: { filter?: string[] }, cmd: Command) => {
        const filters: Record<string, string[]> = {};
        for (const f of o.filter ?? []) {
          const i = f.indexOf('=');
          if (i < 0) throw new FlotillaError('BAD_INPUT', `bad format of filter (expected name=value): ${f}`);
          (filters[f.slice(0, i)] ??= []).push(f.slice(i + 1));
        }
        await withEngine(cmd, async (conn) => {
          const tasks = await stackTasks(conn.docker, name, filters);
          output(cmd, tasks, () => table(['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS'], tasks.map((t) => [t.id.slice(0, 12), t.name, t.image, t.node, t.desiredState, t.currentState, t.error, t.ports])));
        });
      }),
    );

  stack
    .command('services')
    .argument('<stack>')
    .description('list the services in the stack')
    .action(
      action(async (name: string, _o: unknown, cmd: Command) => {
        await withEngine(cmd, async (conn) => {
          const list = await stackServices(conn.docker, name);
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
        await withEngine(cmd, async (conn) => {
          if (o.diff) {
            const m = /^(\d+)\.\.(\d+)$/.exec(o.diff);
            if (!m) throw new FlotillaError('BAD_INPUT', `invalid --diff ${o.diff}: use A..B, e.g. 1..2`);
            const text = await historyDiff(conn.docker, flotillaHome(), name, Number(m[1]), Number(m[2]));
            output(cmd, { diff: text }, () => text || 'no differences');
            return;
          }
          const entries = await stackHistory(conn.docker, flotillaHome(), name);
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
        await withEngine(cmd, async (conn) => {
          // the values come from the environment, as for deploy; history keeps only their hashes
          const res = await rollbackStack(conn.docker, { home: flotillaHome(), stack: name, to: Number(n), variables: { ...process.env }, wait: !o.detach, onEvent: globals(cmd).json ? undefined : printEvent });
          output(cmd, res, () => `stack ${name} rolled back to deployment ${n} (recorded as ${res.history})`);
        });
      }),
    );
}
