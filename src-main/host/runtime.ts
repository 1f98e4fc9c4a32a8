// What the front ends (electron/, server/) use of the core besides the contract: Flotilla's log and its way of
// writing its own files. They reach the core only through the host (the layering table in eslint.config.js), so
// the log level and the file modes stay one decision, made in the core.
export { log } from '../core/log';
export { writeFileAtomicSync } from '../core/fsutil';
