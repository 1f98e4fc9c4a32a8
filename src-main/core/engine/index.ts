// Connections to Docker engines: local socket or pipe, TLS, SSH. See README in this folder.
export type { EngineTarget, TlsFiles, ConnectOptions, EngineConnection } from './types';
export { connectEngine } from './connect';
export { parseEngineUrl, targetToUrl } from './url';
export { resolveLocalTarget } from './local';
export { listContexts } from './context';
