// Connections to Docker engines: local socket or pipe, TLS, SSH. See README in this folder.
export type { EngineTarget, TlsFiles, ConnectOptions, EngineConnection } from './types';
export { connectEngine, defaultKnownHostsFile } from './connect';
export { parseEngineUrl, targetToUrl, type UrlOptions } from './url';
export { resolveLocalTarget } from './local';
export { listContexts, currentContextName, contextTarget, type DockerContext } from './context';
