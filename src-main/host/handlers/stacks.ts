import type { stacksContract } from '../../api/domains/stacks';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import {
  deployWithHistory,
  historyDiff,
  historyKey,
  listStacks,
  loadStack,
  loadOrThrow as loadStackOrThrow,
  planStack,
  removeStack,
  renderConfig,
  rollbackStack,
  stackHistory,
  stackServices,
  stackTasks,
} from '../../core/stacks';
import { readHistory } from '../../core/stacks/history';
import { stackLogs } from '../../core/swarm';
import fs from 'node:fs';
import path from 'node:path';

interface FilesInput {
  files: Array<{ file: string; content: string }>;
  variables: Record<string, string>;
  dotEnv: boolean;
  workingDir?: string;
  attachments: Record<string, string>;
}

/** reads attached files (by the path written in the compose file, resolved as the loader resolves it) before the disk */
function attachedReader(input: FilesInput): (p: string) => Buffer {
  const first = input.files[0];
  const workingDir = input.workingDir ?? (first && first.file !== '-' ? path.dirname(path.resolve(first.file)) : process.cwd());
  const attached = new Map(Object.entries(input.attachments).map(([k, v]) => [path.resolve(workingDir, k), Buffer.from(v, 'base64')]));
  return (p) => attached.get(path.resolve(p)) ?? fs.readFileSync(p);
}

function load(input: FilesInput) {
  const read = attachedReader(input);
  const r = loadStack({
    files: input.files,
    env: input.variables,
    dotEnv: input.dotEnv,
    workingDir: input.workingDir,
    readFile: (p) => read(p).toString('utf8'),
  });
  return { ...r, read };
}

/** the stack's model, or StackLoadError with the diagnostics: core's loadOrThrow, reading attached files first */
function loadOrThrow(input: FilesInput, forConfig = false) {
  const read = attachedReader(input);
  return { ...loadStackOrThrow({ ...input, readFile: read }, { forConfig }), read };
}

export function stacksHandlers(s: Services): HandlersFor<typeof stacksContract> {
  const docker = async (engineId: string) => (await s.engines.connect(engineId)).docker;
  return {
    'stacks.validate': async (input) => {
      const r = load(input);
      return {
        diagnostics: r.diagnostics,
        version: r.version,
        variables: r.variables,
        dotEnvFile: r.dotEnvFile,
      };
    },
    'stacks.config': async (input) => {
      const r = loadOrThrow(input, true);
      return { yaml: renderConfig(r.config), diagnostics: r.diagnostics, config: r.config, variables: r.variables, dotEnvFile: r.dotEnvFile };
    },
    'stacks.plan': async (input) => {
      const r = loadOrThrow(input);
      const items = await planStack(await docker(input.engineId), input.stack, r.config, { prune: input.prune, readFile: r.read });
      return { items, diagnostics: r.diagnostics };
    },
    'stacks.deploy': async (input, emit, { signal }) => {
      // attached files are read from the request, not the disk; history keeps only their paths (sha256 "unreadable")
      const readFile = Object.keys(input.attachments).length ? attachedReader(input) : undefined;
      const res = await deployWithHistory(await docker(input.engineId), { ...input, readFile, home: s.home, signal, onEvent: emit });
      emit({ type: 'done', ...res });
    },
    'stacks.rm': async ({ engineId, stacks }, { notes }) => {
      const d = await docker(engineId);
      const log: string[] = [];
      const removed: string[] = [];
      const note = (m: string): void => {
        log.push(m);
        notes?.step?.(m);
      };
      for (const st of stacks) removed.push(...(await removeStack(d, st, note)).removed);
      return { removed, log };
    },
    'stacks.ls': async ({ engineId }) => listStacks(await docker(engineId)),
    'stacks.ps': async ({ engineId, stack, filters }) => stackTasks(await docker(engineId), stack, filters),
    'stacks.services': async ({ engineId, stack }) => stackServices(await docker(engineId), stack),
    'stacks.history': async ({ engineId, stack, diff, show }) => {
      const d = await docker(engineId);
      return {
        entries: await stackHistory(d, s.home, stack),
        diff: diff ? await historyDiff(d, s.home, stack, diff[0], diff[1]) : undefined,
        files: show ? readHistory(s.home, await historyKey(d), stack, show).contents : undefined,
      };
    },
    'stacks.rollback': async ({ engineId, stack, to, wait, variables }, emit, { signal }) => {
      const res = await rollbackStack(await docker(engineId), {
        home: s.home,
        stack,
        to,
        variables,
        wait,
        signal,
        onEvent: emit,
      });
      emit({ type: 'done', ...res });
    },
    'stacks.logs': async ({ engineId, stack, ...o }, emit, { signal }) => stackLogs(await s.engines.connect(engineId), stack, { ...o, signal }, emit),
  };
}
