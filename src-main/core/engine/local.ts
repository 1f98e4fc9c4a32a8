// Which engine "local" means: DOCKER_HOST, then the current docker context, then the platform's default socket or pipe.
import fs from 'node:fs';
import path from 'node:path';
import type { EngineTarget } from './types';
import { contextTarget, currentContextName } from './context';
import { DEFAULT_NPIPE, DEFAULT_UNIX_SOCKET, parseEngineUrl } from './url';

export function resolveLocalTarget(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): EngineTarget {
  if (env.DOCKER_HOST?.trim()) return parseEngineUrl(env.DOCKER_HOST, {}, env);
  const ctx = currentContextName(env);
  if (ctx) return contextTarget(ctx, env);
  if (platform === 'win32') return { kind: 'npipe', pipePath: DEFAULT_NPIPE };
  // Docker Desktop (macOS, Linux) puts the socket in ~/.docker/run when /var/run/docker.sock is absent
  if (!fs.existsSync(DEFAULT_UNIX_SOCKET) && env.HOME) {
    const desktop = path.join(env.HOME, '.docker', 'run', 'docker.sock');
    if (fs.existsSync(desktop)) return { kind: 'unix', socketPath: desktop };
  }
  return { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET };
}
