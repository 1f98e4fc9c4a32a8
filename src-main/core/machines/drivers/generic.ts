// The generic driver: an existing server reached over SSH (address, user, port, key).
// Flotilla does not make or power the host: start/stop/kill are refused, restart reboots it,
// remove only forgets it (docker-machine's behaviour, minus its missing host-key checks).
import net from 'node:net';
import { FlotillaError } from '../../../api/errors';
import type { DriverContext, DriverData, DriverOption, HostEndpoint, MachineDriver, MachineSpec, MachineState, PrerequisiteCheck } from './types';

interface GenericData {
  address: string;
  user: string;
  sshPort: number;
  enginePort: number;
}

function dataOf(d: DriverData): GenericData {
  return { address: String(d.address ?? ''), user: String(d.user ?? 'root'), sshPort: Number(d.sshPort ?? 22), enginePort: Number(d.enginePort ?? 2376) };
}

function endpointFor(d: GenericData): HostEndpoint {
  return { ip: d.address, ssh: { host: d.address, port: d.sshPort, user: d.user }, docker: { host: d.address, port: d.enginePort } };
}

/** TCP dial with a timeout: the generic driver's notion of "running". */
export function tcpReachable(host: string, port: number, timeoutMs = 5_000): Promise<'open' | 'refused' | 'unreachable'> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve('unreachable');
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve('open');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'unreachable');
    });
  });
}

export const genericDriver: MachineDriver = {
  name: 'generic',
  description: 'an existing Linux server reached over SSH: Flotilla installs and configures Docker on it',
  options(): DriverOption[] {
    return [
      { flag: 'generic-ip-address', description: 'address of the server (required)', type: 'string' },
      { flag: 'generic-ssh-user', description: 'SSH user (root, or one with passwordless sudo)', type: 'string', default: 'root' },
      { flag: 'generic-ssh-port', description: 'SSH port', type: 'number', default: 22 },
      { flag: 'generic-ssh-key', description: 'private key that logs in as the user (copied into the machine folder)', type: 'string' },
      { flag: 'generic-engine-port', description: 'TLS port for the Docker engine', type: 'number', default: 2376 },
    ];
  },
  async prerequisites(): Promise<PrerequisiteCheck[]> {
    return [{ name: 'SSH access', ok: true, detail: 'needs an address and a key that logs in as root or a passwordless-sudo user' }];
  },
  async create(spec: MachineSpec, ctx: DriverContext) {
    const o = spec.options;
    const address = String(o['generic-ip-address'] ?? '').trim();
    if (!address) throw new FlotillaError('BAD_INPUT', 'the generic driver needs --generic-ip-address ADDRESS (and usually --generic-ssh-key FILE)');
    const d: GenericData = {
      address,
      user: String(o['generic-ssh-user'] ?? 'root'),
      sshPort: Number(o['generic-ssh-port'] ?? 22),
      enginePort: Number(o['generic-engine-port'] ?? 2376),
    };
    if (!Number.isInteger(d.sshPort) || d.sshPort < 1 || d.sshPort > 65535) throw new FlotillaError('BAD_INPUT', `invalid --generic-ssh-port ${String(o['generic-ssh-port'])}`);
    ctx.step('checking the server', `${d.user}@${address}:${d.sshPort}`);
    const r = await tcpReachable(address, d.sshPort, 10_000);
    if (r === 'refused') throw new FlotillaError('UNREACHABLE', `${address} refused a connection on port ${d.sshPort}: is sshd running there, and is the port right (--generic-ssh-port)?`);
    if (r === 'unreachable') throw new FlotillaError('UNREACHABLE', `cannot reach ${address}:${d.sshPort} within 10 s: check the address and that the server is up`);
    ctx.log(`${address}:${d.sshPort} accepts connections`);
    return { endpoint: endpointFor(d), data: { ...d } };
  },
  async start(data: DriverData) {
    const d = dataOf(data);
    if ((await tcpReachable(d.address, d.sshPort)) !== 'open') throw new FlotillaError('UNSUPPORTED', `the generic driver cannot power on ${d.address}: start the server yourself`);
    return endpointFor(d);
  },
  async stop() {
    throw new FlotillaError('UNSUPPORTED', 'the generic driver cannot stop a server it did not make: shut it down yourself');
  },
  async kill() {
    throw new FlotillaError('UNSUPPORTED', 'the generic driver cannot power off a server it did not make');
  },
  async restart(data: DriverData, ctx: DriverContext) {
    // the reboot itself is done over SSH by the commands layer (it holds the key); here we wait for it
    const d = dataOf(data);
    const end = Date.now() + 180_000;
    await new Promise((r) => setTimeout(r, 3000));
    while (Date.now() < end) {
      if (ctx.signal.aborted) throw new FlotillaError('CANCELLED', 'cancelled');
      if ((await tcpReachable(d.address, d.sshPort, 3000)) === 'open') return endpointFor(d);
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new FlotillaError('TIMEOUT', `${d.address} did not come back within 180 s after the reboot`);
  },
  async remove(_data: DriverData, ctx: DriverContext) {
    ctx.log('generic machine: the server itself is left as it is');
  },
  async state(data: DriverData): Promise<MachineState> {
    const d = dataOf(data);
    return (await tcpReachable(d.address, d.sshPort, 5_000)) === 'open' ? 'running' : 'stopped';
  },
};
