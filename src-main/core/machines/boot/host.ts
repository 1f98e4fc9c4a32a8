// Host-side helpers shared by the VM drivers: a free local TCP port, and one SSH command on a booted VM.
import net from 'node:net';
import fs from 'node:fs/promises';
import { Client } from 'ssh2';

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
