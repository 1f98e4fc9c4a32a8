export { createVirtualBoxDriver, virtualBoxOptions, type VirtualBoxDriverOptions, type ImageRequest } from './driver.js';
