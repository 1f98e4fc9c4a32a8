// What the CLI takes from the core directly, and why, in one list: everything else it does goes through the
// host's handlers (host/local.ts), the same ones the window uses. The CLI imports only api/, host/ (and server/,
// for `serve`); lint holds it to that, so a new need of the CLI shows up here, where it has to be argued for.

// Choosing the engine: -H URLs, TLS and SSH flags, DOCKER_HOST and docker contexts are how a command line names an
// engine (the window picks one from the directory instead).
export { connectEngine, parseEngineUrl, resolveLocalTarget, listContexts, targetToUrl, type EngineConnection, type EngineTarget } from '../core/engine';
// `engine ls`/`engine info` report on the engines a command line can name (contexts, DOCKER_HOST), not the directory.
export { engineInfo } from '../core/engine/info';

// `flotilla --version`, `serve`'s renderer folder and the lab (a test rig the CLI starts and stops; the window only
// reads its status, through 'lab.status').
export { VERSION } from '../core/version';
export { appRoot } from '../core/paths';
export { labDown, labStatus, labUp } from '../core/lab';

// Pure functions over the contract's own types, for printing: no engine, no state.
export { applyChanges } from '../core/swarm/cluster-model';
export { formatDiagnostic } from '../core/stacks/loader';
// `--env-file` is read by the CLI (the window sends the values it holds), with the loader's own .env parser.
export { parseEnvFile } from '../core/stacks/normalize';

// Machines: every verb goes through the machines handlers (host/local.ts). Only the drivers' option tables are read
// here: commander makes `machine create`'s flags (`--qemu-accel`, `--hyperv-virtual-switch`, ...) before any call.
export { driverOptionTable } from './handlers/machines';
