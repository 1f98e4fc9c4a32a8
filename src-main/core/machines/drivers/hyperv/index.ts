export { createHyperVDriver, hyperVOptions, type HyperVDriverOptions, type HyperVImageRequest } from './driver.js';
