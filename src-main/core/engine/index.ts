// Connections to Docker engines: local socket or pipe, TLS, SSH. See README in this folder.
export type { EngineTarget, TlsFiles, ConnectOptions, EngineConnection } from './types';
export { connectEngine, parseEngineUrl, targetToUrl, resolveLocalTarget } from './connect';
