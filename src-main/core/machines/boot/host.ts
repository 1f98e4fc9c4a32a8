// Host-side helpers shared by the VM drivers: a free local TCP port, and one SSH command on a booted VM.
import crypto from 'node:crypto';
import fsSync from 'node:fs';
import net from 'node:net';
import fs from 'node:fs/promises';
import { Client } from 'ssh2';
import { FlotillaError } from '../../../api/errors.js';
import { verifyHostKey } from '../../known-hosts.js';

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** The kernel's range for outgoing connections' local ports (Linux: ip_local_port_range; elsewhere IANA's 49152-65535). */
export function ephemeralRange(read: () => string = () => fsSync.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): [number, number] {
  try {
    const [lo, hi] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo! > 0 && hi! >= lo!) return [lo!, hi!];
  } catch {
    // not Linux, or /proc unreadable
  }
  return [49152, 65535];
}

// Forwarded ports are kept for the machine's life and bound again on every start, so they come from below the
// ephemeral range: a port the kernel hands out (listen on 0) is also handed to outgoing connections, and one
// such connection holding it (a docker or ssh client, a guest's NAT traffic) made a restart fail with
// "port taken" (seen in the qemu integration test after a kill).
const FORWARD_LOW = 20000;

/** A free TCP port on `host` for a forward that lives as long as the machine: `preferred` when it is free,
 * else a random free one below the ephemeral range (the kernel's pick only when that range leaves no room). */
export async function freePort(preferred?: number, host = '127.0.0.1', avoid: Iterable<number> = []): Promise<number> {
  const skip = new Set(avoid);
  if (preferred && !skip.has(preferred) && (await portIsFree(preferred, host))) return preferred;
  const high = Math.min(ephemeralRange()[0], 65536) - 1;
  if (high - FORWARD_LOW >= 1000) {
    for (let i = 0; i < 50; i++) {
      const port = FORWARD_LOW + crypto.randomInt(high - FORWARD_LOW + 1);
      if (!skip.has(port) && (await portIsFree(port, host))) return port;
    }
  }
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, host, () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    if (!skip.has(port)) return port;
  }
  throw new FlotillaError('INTERNAL', `no free TCP port found on ${host}`);
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** Flotilla's known_hosts: the host key is checked (or, on first contact, pinned) before authentication */
  knownHostsFile: string;
  /** told ssh's "Permanently added ..." line when this connection pinned the host key */
  onPinned?: (line: string) => void;
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
    let hostKeyError: FlotillaError | undefined;
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(hostKeyError ?? e);
    });
    c.connect({
      host: t.host,
      port: t.port,
      username: t.user,
      privateKey,
      readyTimeout: timeoutMs,
      // during key exchange, before the key is used: a VM's first contact pins its key (trust on first use)
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        void verifyHostKey(t.knownHostsFile, t.host, t.port, key).then((r) => {
          if (!r.ok) hostKeyError = r.error;
          else if (r.pinned) t.onPinned?.(r.pinned);
          verify(r.ok);
        });
      },
    });
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
      // a host key other than the pinned one will not change by waiting
      if (e instanceof FlotillaError && e.code === 'AUTH') throw e;
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
