import type { stacksContract } from '../../api/domains/stacks';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import {
  deployWithHistory,
  historyDiff,
  listStacks,
  loadOrThrow,
  loadStack,
  planStack,
  removeStack,
  renderConfig,
  rollbackStack,
  stackHistory,
  stackServices,
  stackTasks,
} from '../../core/stacks';
import fs from 'node:fs';

export function stacksHandlers(s: Services): HandlersFor<typeof stacksContract> {
  const docker = async (engineId: string) => (await s.engines.connect(engineId)).docker;
  return {
    'stacks.validate': async (input) => {
      const r = loadStack({ files: input.files, env: input.variables, dotEnv: input.dotEnv, workingDir: input.workingDir });
      return { diagnostics: r.diagnostics, version: r.version, variables: r.variables, dotEnvFile: r.dotEnvFile };
    },
    'stacks.config': async (input) => {
      const r = loadOrThrow(input);
      return { yaml: renderConfig(r.config), diagnostics: r.diagnostics };
    },
    'stacks.plan': async (input) => {
      const r = loadOrThrow(input);
      const items = await planStack(await docker(input.engineId), input.stack, r.config, { prune: input.prune, readFile: (p) => fs.readFileSync(p) });
      return { items, diagnostics: r.diagnostics };
    },
    'stacks.deploy': async (input, emit, { signal }) => {
      const res = await deployWithHistory(await docker(input.engineId), { ...input, home: s.home, signal, onEvent: emit });
      emit({ type: 'done', history: res.history, services: res.services });
    },
    'stacks.rm': async ({ engineId, stacks }) => {
      const d = await docker(engineId);
      const log: string[] = [];
      const removed: string[] = [];
      for (const st of stacks) removed.push(...(await removeStack(d, st, (m) => log.push(m))).removed);
      return { removed, log };
    },
    'stacks.ls': async ({ engineId }) => listStacks(await docker(engineId)),
    'stacks.ps': async ({ engineId, stack, filters }) => stackTasks(await docker(engineId), stack, filters),
    'stacks.services': async ({ engineId, stack }) => stackServices(await docker(engineId), stack),
    'stacks.history': async ({ engineId, stack, diff }) => {
      const d = await docker(engineId);
      return { entries: await stackHistory(d, s.home, stack), diff: diff ? await historyDiff(d, s.home, stack, diff[0], diff[1]) : undefined };
    },
    'stacks.rollback': async ({ engineId, stack, to, wait }, emit, { signal }) => {
      const res = await rollbackStack(await docker(engineId), { home: s.home, stack, to, wait, signal, onEvent: emit });
      emit({ type: 'done', history: res.history, services: res.services });
    },
  };
}
