// The qemu machine driver: `createQemuDriver(opts?)` is what the integrator registers.
export { createQemuDriver, QemuDriver, type QemuDriverData, type QemuDriverOptions } from './driver';
export { QmpClient, withQmp } from './qmp';
