// Terminal handlers: 'terminals.open' resolves the target to a channel (SSH or exec), registers it under a
// random id and streams its output until the program ends or the stream is disposed (which closes it).
import type { terminalsContract, TerminalTarget } from '../../api/domains/terminals';
import { FlotillaError } from '../../api/errors';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { locateTask } from '../../core/swarm';
import { clusters } from '../nodes';
import { MachineStore } from '../../core/machines/store';
import { sshTargetOf } from '../../core/machines/commands';
import { machineState } from '../../core/machines/queries';
import { engineHostShell, execShell, machineShell, OutputBatcher, TerminalRegistry, type TerminalChannel, type TerminalSize } from '../../core/terminals';

const OK = { ok: true as const };

export function terminalsHandlers(s: Services): HandlersFor<typeof terminalsContract> {
  const registry = new TerminalRegistry();
  s.onClose(() => registry.closeAll());
  const store = new MachineStore(s.home);

  const { cluster } = clusters(s);

  async function onMachine(name: string, size: TerminalSize & { command?: string }, signal: AbortSignal): Promise<TerminalChannel> {
    const cfg = await store.load(name);
    const st = await machineState(store, cfg, signal).catch(() => 'unknown');
    if (st !== 'running') throw new FlotillaError('PRECONDITION', `machine ${name} is ${st}, so it has no shell to open: start it (Machines, or \`flotilla machine start ${name}\`) and try again`);
    const t = sshTargetOf(store, cfg);
    return machineShell(t, `${t.user}@${name}`, size, signal);
  }

  async function open(target: TerminalTarget, size: TerminalSize & { shell?: string }, signal: AbortSignal): Promise<TerminalChannel> {
    switch (target.kind) {
      case 'machine':
        return onMachine(target.machine, { ...size, command: size.shell }, signal);
      case 'engine-host': {
        const e = (await s.engines.list()).find((x) => x.id === target.engineId);
        if (!e) throw new FlotillaError('NOT_FOUND', `no such engine: ${target.engineId}; pick one from the Engines view`);
        if (e.source === 'machine') return onMachine(e.name, { ...size, command: size.shell }, signal);
        if (e.target.kind === 'ssh') return engineHostShell(e.target, e.name, { ...size, command: size.shell });
        if (e.target.kind === 'unix' || e.target.kind === 'npipe')
          throw new FlotillaError('UNSUPPORTED', `engine ${e.name} runs on this computer: use a terminal on this computer, or open an exec shell in one of its containers`);
        throw new FlotillaError('UNSUPPORTED', `Flotilla has no SSH access to ${e.name} (${e.url}): add it as an ssh:// engine or as a machine to open a shell on its host`);
      }
      case 'task': {
        const t = await locateTask(await cluster(target.engineId), target.taskId);
        const hostname = t.node.Description?.Hostname ?? t.node.ID.slice(0, 12);
        const svc = t.task.ServiceID ? ((await t.conn.docker.getService(t.task.ServiceID).inspect().catch(() => undefined)) as { Spec?: { Name?: string } } | undefined) : undefined;
        const name = svc?.Spec?.Name ? `${svc.Spec.Name}.${t.task.Slot ?? t.node.ID.slice(0, 6)}` : `task ${t.task.ID.slice(0, 12)}`;
        return execShell(t.conn, t.containerId, `${name} on ${hostname}`, size);
      }
      case 'container': {
        const conn = await s.engines.connect(target.engineId);
        return execShell(conn, target.containerId, `container ${target.containerId.slice(0, 12)}`, size);
      }
    }
  }

  return {
    'terminals.open': async ({ target, cols, rows, shell }, emit, { signal }) => {
      const ch = await open(target, { cols, rows, shell }, signal);
      if (signal.aborted) {
        ch.close();
        return;
      }
      const id = registry.add(ch);
      const onAbort = (): void => registry.close(id);
      signal.addEventListener('abort', onAbort, { once: true });
      emit({ type: 'opened', id, title: ch.title });
      const batch = new OutputBatcher((d) => emit({ type: 'data', data: d.toString('base64') }));
      ch.onData((d) => batch.push(d));
      try {
        const exit = await ch.exited;
        batch.flush();
        emit({ type: 'exit', ...exit });
      } finally {
        signal.removeEventListener('abort', onAbort);
        registry.close(id);
      }
    },
    // synchronous up to the write, so keystrokes reach the channel in the order they were sent
    'terminals.write': async ({ id, data, binary }) => {
      registry.get(id).write(Buffer.from(data, binary ? 'latin1' : 'utf8'));
      return OK;
    },
    'terminals.resize': async ({ id, cols, rows }) => {
      await registry.get(id).resize(cols, rows);
      return OK;
    },
  };
}
