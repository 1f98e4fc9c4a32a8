// Host-side helpers shared by the VM drivers: a free local TCP port, and one SSH command on a booted VM.
import net from 'node:net';
import fs from 'node:fs/promises';
import { Client } from 'ssh2';
import { FlotillaError } from '../../../api/errors.js';

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** `preferred` when it is free, else a port the OS picks. */
export async function freePort(preferred?: number, host = '127.0.0.1'): Promise<number> {
  if (preferred && (await portIsFree(preferred, host))) return preferred;
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
}

export type SshExec = (t: SshTarget, command: string, timeoutMs: number) => Promise<string>;

/** Runs one command over SSH and returns its stdout; rejects on connection errors or a non-zero exit. */
export const sshExec: SshExec = async (t, command, timeoutMs) => {
  const privateKey = await fs.readFile(t.privateKeyPath);
  return new Promise((resolve, reject) => {
    const c = new Client();
    const timer = setTimeout(() => {
      c.end();
      reject(new Error(`ssh ${t.user}@${t.host}:${t.port} timed out`));
    }, timeoutMs);
    c.on('ready', () => {
      c.exec(command, (err, stream) => {
        if (err) {
          clearTimeout(timer);
          c.end();
          return reject(err);
        }
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
        stream.stderr.on('data', () => undefined);
        stream.on('close', (code: number | null) => {
          clearTimeout(timer);
          c.end();
          if (code === 0) resolve(out);
          else reject(new Error(`"${command}" exited with ${code}`));
        });
      });
    });
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    c.connect({ host: t.host, port: t.port, username: t.user, privateKey, readyTimeout: timeoutMs });
  });
};

export const FIRST_BOOT_COMMAND = 'cloud-init status --wait >/dev/null 2>&1; docker --version';

/**
 * Waits until cloud-init has finished the first boot (user, key, Docker install) and Docker answers.
 * SSH may refuse for a while after the address appears, so connection errors are retried until the deadline.
 */
export async function waitFirstBoot(
  ssh: SshExec,
  t: SshTarget,
  vm: string,
  timeoutMs: number,
  ctx: { step(name: string, detail?: string): void; signal: AbortSignal },
  pauseMs = 3000,
): Promise<string> {
  ctx.step('Waiting for the first boot', 'cloud-init: user, SSH key, Docker');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    ctx.signal.throwIfAborted();
    try {
      return (await ssh(t, FIRST_BOOT_COMMAND, Math.max(1000, deadline - Date.now()))).trim();
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new FlotillaError(
    'TIMEOUT',
    `${vm} did not finish its first boot with Docker within ${Math.round(timeoutMs / 1000)} s (last: ${last}): the VM needs internet access to install Docker; look at /var/log/cloud-init-output.log in the VM (ssh ${t.user}@${t.host} -p ${t.port})`,
  );
}
