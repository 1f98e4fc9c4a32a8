// start, stop and restart for the VM drivers that keep a VM's facts in the machine's DriverData (VirtualBox, Hyper-V):
// read and check the data, act, and write back what the action learned (a new IP, a new port) into the stored object.
import type { DriverContext, DriverData, HostEndpoint, MachineDriver } from './types.js';

export function vmLifecycle<T extends object>(
  readData: (raw: DriverData) => T,
  startVm: (data: T, ctx: DriverContext) => Promise<HostEndpoint>,
  stopVm: (data: T, ctx: DriverContext) => Promise<void>,
): Pick<MachineDriver, 'start' | 'stop' | 'restart'> {
  return {
    async start(raw, ctx) {
      const data = readData(raw);
      const ep = await startVm(data, ctx);
      Object.assign(raw, data);
      return ep;
    },
    async stop(raw, ctx) {
      await stopVm(readData(raw), ctx);
    },
    async restart(raw, ctx) {
      const data = readData(raw);
      await stopVm(data, ctx);
      const ep = await startVm(data, ctx);
      Object.assign(raw, data);
      return ep;
    },
  };
}
