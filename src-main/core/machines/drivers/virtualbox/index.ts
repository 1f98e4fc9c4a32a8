export { createVirtualBoxDriver } from './driver.js';
