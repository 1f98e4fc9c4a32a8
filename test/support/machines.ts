// What a removed container machine may leave behind, checked with the docker CLI 28 (the oracle) and the
// machine store: shared by the machine integration tests, which all assert that nothing is left.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MachineStore } from '../../src-main/core/machines/store';
import { containerName } from '../../src-main/core/machines/drivers/container';

const pexec = promisify(execFile);
const DOCKER = '/usr/local/bin/docker';

async function exists(args: string[], dockerConfig: string): Promise<boolean> {
  try {
    await pexec(DOCKER, args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** Each container, engine volume, docker context (in `dockerConfig`) and store folder the named machines still have. */
export async function containerMachineLeftovers(store: MachineStore, dockerConfig: string, names: string[]): Promise<string[]> {
  const local = ['-H', 'unix:///var/run/docker.sock'];
  const found: string[] = [];
  for (const n of names) {
    if (await exists([...local, 'container', 'inspect', containerName(n)], dockerConfig)) found.push(`container ${containerName(n)}`);
    if (await exists([...local, 'volume', 'inspect', `${containerName(n)}-docker`], dockerConfig)) found.push(`volume ${containerName(n)}-docker`);
    if (await exists(['context', 'inspect', n], dockerConfig)) found.push(`context ${n}`);
    if (await store.exists(n)) found.push(`folder ${n}`);
  }
  return found;
}
