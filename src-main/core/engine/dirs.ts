// Paths the docker CLI uses, resolved the way it resolves them.
import os from 'node:os';
import path from 'node:path';

/** ~ and relative paths become absolute, as a shell would have done. */
export function expandPath(p: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || os.homedir();
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return path.resolve(p);
}

/** $DOCKER_CONFIG, else ~/.docker */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? expandPath(env.DOCKER_CONFIG, env) : path.join(env.HOME || os.homedir(), '.docker');
}
