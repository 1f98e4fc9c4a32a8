// PLACEHOLDER for the engine work: only unix sockets are implemented here so far.
import http from 'node:http';
import Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';
import type { ConnectOptions, EngineConnection, EngineTarget } from './types';

export interface UrlOptions {
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  sshKey?: string;
}

export function parseEngineUrl(url: string, _opts: UrlOptions = {}): EngineTarget {
  if (url.startsWith('unix://')) return { kind: 'unix', socketPath: url.slice('unix://'.length) };
  throw new FlotillaError('BAD_INPUT', `unsupported engine URL ${url}`);
}

export function targetToUrl(t: EngineTarget): string {
  switch (t.kind) {
    case 'unix':
      return `unix://${t.socketPath}`;
    case 'npipe':
      return `npipe://${t.pipePath.replace(/\\/g, '/')}`;
    case 'tcp':
      return `tcp://${t.host}:${t.port}`;
    case 'ssh':
      return `ssh://${t.user}@${t.host}:${t.port}`;
  }
}

export function resolveLocalTarget(env: NodeJS.ProcessEnv = process.env): EngineTarget {
  if (env.DOCKER_HOST) return parseEngineUrl(env.DOCKER_HOST);
  return { kind: 'unix', socketPath: '/var/run/docker.sock' };
}

export async function connectEngine(target: EngineTarget, _opts: ConnectOptions = {}): Promise<EngineConnection> {
  if (target.kind !== 'unix') throw new FlotillaError('UNSUPPORTED', `${target.kind} engines are not wired yet`);
  const agent = new http.Agent({ keepAlive: true });
  const docker = new Docker({ socketPath: target.socketPath });
  return {
    url: targetToUrl(target),
    target,
    docker,
    openChannels: () => Object.values(agent.sockets).reduce((n, s) => n + (s?.length ?? 0), 0),
    close: async () => agent.destroy(),
  };
}
