// The core singletons one Flotilla process shares between its transports (window, browser mode, CLI).
import type { BroadcastName, BroadcastPayload } from '../api/contract';
import { flotillaHome } from '../core/paths';
import { EngineDirectory } from './engine-directory';
import { labKnownHostsFile, labStatus } from '../core/lab';
import type { EngineTarget } from '../core/engine';
import type { ClusterNodeRef } from '../core/swarm';

export interface ServicesOptions {
  transport: Services['transport'];
  home?: string;
  /**
   * How a swarm node's own engine is reached (task logs, exec, volumes, node rm). Unset (the window, browser mode):
   * through the engine directory, by the node's address. The CLI sets it from its flags (ssh://root@ADDR with
   * --ssh-key, tcp://ADDR:2376 with the TLS flags, or the machine that is that node).
   */
  nodeTarget?: (node: ClusterNodeRef) => Promise<EngineTarget>;
  /** list the lab's hosts as engines (default true; the CLI names its engines itself) */
  labEngines?: boolean;
}

export interface Services {
  readonly home: string;
  readonly transport: 'electron' | 'websocket' | 'in-process';
  readonly engines: EngineDirectory;
  readonly nodeTarget?: ServicesOptions['nodeTarget'];
  broadcast<N extends BroadcastName>(name: N, payload: BroadcastPayload<N>): void;
  /** things to close when the host shuts down */
  onClose(fn: () => Promise<void> | void): void;
}

export function createServices(opts: ServicesOptions): Services & { close(): Promise<void>; setBroadcaster(b: Services['broadcast']): void } {
  const closers: Array<() => Promise<void> | void> = [];
  let broadcaster: Services['broadcast'] = () => undefined;
  const home = opts.home ?? flotillaHome();
  const engines = new EngineDirectory();
  // The lab's hosts (if a lab is running) show up as engines reached over SSH with the lab's key.
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  if (opts.labEngines !== false) {
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
  }
  return {
    home,
    transport: opts.transport,
    engines,
    nodeTarget: opts.nodeTarget,
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
