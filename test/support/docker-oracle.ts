// The docker CLI 28 (the host's /usr/local/bin/docker, copied into a lab manager as docker28 beside the node's own
// docker 20.10 CLI) and the `flotilla` binary, both against that manager: the two sides of the CLI parity tests.
import type { LabNode } from '../../src-main/api/domains/lab';
import { cliEnv, flotilla, run, type Run } from './cli';
import { nodeExec } from './lab';

/** copies the host's docker CLI into the node as /usr/local/bin/docker28, once */
export async function installDocker28(node: LabNode): Promise<void> {
  if ((await run('docker', ['exec', node.name, 'test', '-x', '/usr/local/bin/docker28'])).code === 0) return;
  const r = await run('docker', ['cp', '/usr/local/bin/docker', `${node.name}:/usr/local/bin/docker28`]);
  if (r.code !== 0) throw new Error(`could not copy the docker CLI into ${node.name}: ${r.stderr}`);
}

/** `docker28 ARGS...` in the node, with an environment that names no other engine or config */
export async function docker28(node: LabNode, args: string[]): Promise<Run> {
  const r = await nodeExec(node, ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'docker28', ...args]);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** `flotilla -H ssh://root@NODE ARGS...` with its own FLOTILLA_HOME */
export function flotillaOn(node: LabNode, home: string, args: string[]): Promise<Run> {
  return flotilla(['-H', `ssh://root@${node.ip}`, '--ssh-key', node.identity, ...args], { env: cliEnv({ FLOTILLA_HOME: home }) });
}
