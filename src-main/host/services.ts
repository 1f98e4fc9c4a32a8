// The core singletons one Flotilla process shares between its transports (window, browser mode, CLI).
import type { BroadcastName, BroadcastPayload } from '../api/contract';
import { flotillaHome } from '../core/paths';
import { EngineDirectory } from './engine-directory';

export interface Services {
  readonly home: string;
  readonly transport: 'electron' | 'websocket' | 'in-process';
  readonly engines: EngineDirectory;
  broadcast<N extends BroadcastName>(name: N, payload: BroadcastPayload<N>): void;
  /** things to close when the host shuts down */
  onClose(fn: () => Promise<void> | void): void;
}

export function createServices(opts: { transport: Services['transport']; home?: string }): Services & { close(): Promise<void>; setBroadcaster(b: Services['broadcast']): void } {
  const closers: Array<() => Promise<void> | void> = [];
  let broadcaster: Services['broadcast'] = () => undefined;
  const home = opts.home ?? flotillaHome();
  const engines = new EngineDirectory();
  return {
    home,
    transport: opts.transport,
    engines,
    broadcast: (name, payload) => broadcaster(name, payload),
    setBroadcaster: (b) => {
      broadcaster = b;
    },
    onClose: (fn) => closers.push(fn),
    close: async () => {
      for (const fn of closers.reverse()) await fn();
      await engines.closeAll();
    },
  };
}
