export { createHyperVDriver } from './driver.js';
