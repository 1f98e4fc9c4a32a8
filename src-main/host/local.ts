// The host in the caller's own process: what the CLI calls instead of core. Every request and stream goes through
// the same dispatcher (and so the same zod input validation and the same handlers) the window and browser mode
// use, so a capability has one implementation and the CLI cannot drift from the window.
//
// The CLI names its engines itself (-H, --machine, URL flags) instead of picking them from the directory:
// addEngine() puts such a target in the directory under a fresh id that the calls then pass as `engineId`.
import type { EventOf, InputOf, OutputOf, RequestName, StreamName } from '../api/contract';
import type { EngineTarget } from '../core/engine';
import { execInteractive, locateTask } from '../core/swarm';
import type { ExecSession } from '../core/swarm/exec';
import { createHost } from './index';
import { knownEngine } from './engine-directory';
import { clusters } from './nodes';
import type { ServicesOptions } from './services';
import type { CallNotes } from './types';

export interface CallOptions {
  signal?: AbortSignal;
  /** steps and warnings a request reports besides its result (node rm's steps, volume ls's unreachable nodes) */
  notes?: CallNotes;
}

export interface InteractiveExec {
  cmd: string[];
  tty: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
}
export type { ExecSession };

export interface LocalHost {
  readonly home: string;
  /** a request: input validated by the contract, output as the handler returns it */
  call<M extends RequestName>(method: M, input: InputOf<M>, opts?: CallOptions): Promise<OutputOf<M>>;
  /** a stream, until it ends (or opts.signal aborts); events as the handler emits them */
  subscribe<M extends StreamName>(method: M, input: InputOf<M>, onEvent: (e: EventOf<M>) => void, opts?: CallOptions): Promise<void>;
  /**
   * `exec -i`/`-t`: a process in a task's container (a task id, or a service's first running task) on whichever node
   * runs it, with stdin and the terminal's size. A live byte stream in both directions that no contract stream
   * carries, so the one thing here that is not a contract method.
   */
  execInTask(engineId: string, target: string, o: InteractiveExec): Promise<ExecSession>;
  /** an engine the caller chose; returns the id to pass as `engineId` */
  addEngine(name: string, target: EngineTarget): string;
  /** closes every connection the calls opened */
  close(): Promise<void>;
}

export function openLocalHost(opts: Pick<ServicesOptions, 'home' | 'nodeTarget'> = {}): LocalHost {
  const host = createHost({ transport: 'in-process', labEngines: false, ...opts });
  let n = 0;
  return {
    home: host.services.home,
    call: async (method, input, o = {}) => (await host.dispatcher.call(method, input, o.signal, o.notes)) as never,
    subscribe: (method, input, onEvent, o = {}) => host.dispatcher.subscribe(method, input, onEvent as (e: unknown) => void, o.signal, o.notes),
    execInTask: async (engineId, target, o) => {
      const t = await locateTask(await clusters(host.services).cluster(engineId), target);
      return execInteractive(t.conn, t.containerId, o);
    },
    addEngine: (name, target) => {
      const id = `cli:${++n}`;
      host.services.engines.add(knownEngine(id, name, target));
      return id;
    },
    close: () => host.close(),
  };
}
