// `machine ssh` (a command, or the argv for an interactive OpenSSH session with the host key
// pinned) and `machine scp` in both directions over SFTP.
import { FlotillaError } from '../../api/errors';
import { sshTargetOf } from './lifecycle';
import { machineState } from './queries';
import { download, upload, withSsh, type ExecResult } from './ssh';
import type { MachineStore } from './store';
import { validateMachineName } from './names';

async function runningTarget(store: MachineStore, name: string) {
  const cfg = await store.load(name);
  const st = await machineState(store, cfg);
  if (st !== 'running') throw new FlotillaError('PRECONDITION', `cannot run SSH on ${name}: it is ${st}; start it with \`flotilla machine start ${name}\``);
  return sshTargetOf(store, cfg);
}

/** Runs one command on the machine (output streamed to the callbacks). */
export async function machineSsh(store: MachineStore, name: string, command: string, io: { onStdout?: (s: string) => void; stdin?: string } = {}): Promise<ExecResult> {
  const t = await runningTarget(store, name);
  return withSsh(t, (s) => s.exec(command, { stdin: io.stdin, onData: io.onStdout }));
}

/** argv for the system `ssh` client: the machine key, Flotilla's known_hosts, strict host-key checking. */
export async function interactiveSshArgv(store: MachineStore, name: string): Promise<string[]> {
  const t = await runningTarget(store, name);
  // connect once with ssh2 so the host key is pinned in Flotilla's known_hosts before OpenSSH checks it
  await withSsh(t, (s) => s.run('true', { timeoutMs: 10_000 }));
  return ['-i', t.privateKeyPath, '-p', String(t.port), '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${t.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=10', `${t.user}@${t.host}`];
}

export interface ScpArg {
  machine?: string;
  path: string;
}

/** `NAME:PATH` is on a machine; anything else (including C:\\ paths) is local. */
export function parseScpArg(arg: string): ScpArg {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9._-]*):(.*)$/.exec(arg);
  if (m && m[1].length > 1) return { machine: m[1], path: m[2] || '.' };
  return { path: arg };
}

export async function machineScp(store: MachineStore, from: string, to: string, opts: { recursive?: boolean } = {}): Promise<string> {
  const a = parseScpArg(from);
  const b = parseScpArg(to);
  if (a.machine && b.machine) throw new FlotillaError('BAD_INPUT', 'copy between two machines is not supported: copy to this computer first');
  if (!a.machine && !b.machine) throw new FlotillaError('BAD_INPUT', 'one side must be MACHINE:PATH');
  const name = (a.machine ?? b.machine) as string;
  validateMachineName(name);
  const t = await runningTarget(store, name);
  await withSsh(t, async (s) => {
    if (a.machine) await download(s, a.path, b.path, Boolean(opts.recursive));
    else await upload(s, a.path, b.path, Boolean(opts.recursive));
  });
  return name;
}
