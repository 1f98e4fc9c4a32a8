// The core singletons one Flotilla process shares between its transports (window, browser mode, CLI).
import type { BroadcastName, BroadcastPayload } from '../api/contract';
import { flotillaHome } from '../core/paths';
import { EngineDirectory } from './engine-directory';
import { labKnownHostsFile, labStatus } from '../core/lab';

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
  // The lab's hosts (if a lab is running) show up as engines reached over SSH with the lab's key.
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  engines.addProvider(async () =>
    (await labStatus(labName)).map((n) => ({
      id: `lab:${n.name}`,
      name: n.name,
      url: n.ssh,
      source: 'lab' as const,
      transport: 'ssh' as const,
      target: { kind: 'ssh' as const, user: 'root', host: n.ip, port: 22, identityFile: n.identity, knownHostsFile: labKnownHostsFile(labName) },
    })),
  );
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
