// The qemu machine driver: `createQemuDriver(opts?)`, registered by ../index.ts.
export { createQemuDriver, TCG_SLOW_FACTOR } from './driver';
export type { QemuDriverData } from './data';
