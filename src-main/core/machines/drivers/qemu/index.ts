// The qemu machine driver: `createQemuDriver(opts?)`, registered by ../index.ts.
export { createQemuDriver, QemuDriver, TCG_SLOW_FACTOR, type QemuDriverData, type QemuDriverOptions } from './driver';
export { QmpClient, withQmp } from './qmp';
