// Machines imported from docker-machine: Flotilla only reads their files (never changes them),
// so it cannot power them; their state is whether the engine answers.
import { FlotillaError } from '../../../api/errors';
import { tcpReachable } from './generic';
import type { DriverData, DriverOption, HostEndpoint, MachineDriver, MachineState, PrerequisiteCheck } from './types';

function ep(d: DriverData): HostEndpoint {
  const ip = String(d.address ?? '');
  return { ip, ssh: { host: String(d.sshHost ?? ip), port: Number(d.sshPort ?? 22), user: String(d.user ?? 'docker') }, docker: { host: ip, port: Number(d.enginePort ?? 2376) } };
}

export const importedDriver: MachineDriver = {
  name: 'docker-machine',
  description: 'a machine imported from docker-machine (~/.docker/machine), used in place and never modified',
  options(): DriverOption[] {
    return [];
  },
  async prerequisites(): Promise<PrerequisiteCheck[]> {
    return [];
  },
  async create() {
    throw new FlotillaError('BAD_INPUT', 'docker-machine machines are imported with `flotilla machine import`, not created');
  },
  async start(data: DriverData) {
    if ((await tcpReachable(String(data.address), Number(data.enginePort ?? 2376))) !== 'open')
      throw new FlotillaError('UNSUPPORTED', `start imported machines with docker-machine (driver ${String(data.driverName)})`);
    return ep(data);
  },
  async stop() {
    throw new FlotillaError('UNSUPPORTED', 'stop imported machines with docker-machine: Flotilla leaves them as they are');
  },
  async kill() {
    throw new FlotillaError('UNSUPPORTED', 'kill imported machines with docker-machine: Flotilla leaves them as they are');
  },
  async restart() {
    throw new FlotillaError('UNSUPPORTED', 'restart imported machines with docker-machine: Flotilla leaves them as they are');
  },
  async remove() {
    /* forget only: the docker-machine files stay */
  },
  async state(data: DriverData): Promise<MachineState> {
    return (await tcpReachable(String(data.address), Number(data.enginePort ?? 2376), 5000)) === 'open' ? 'running' : 'stopped';
  },
};
