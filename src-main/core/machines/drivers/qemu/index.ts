// The qemu machine driver: `createQemuDriver(opts?)`, registered by ../index.ts.
export { createQemuDriver, QemuDriver, TCG_SLOW_FACTOR, type QemuDriverOptions } from './driver';
export type { QemuDriverData } from './data';
export { QmpClient, withQmp } from './qmp';
