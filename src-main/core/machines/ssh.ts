// Running commands and copying files on a machine over ssh2, with its host key checked against
// $FLOTILLA_HOME/known_hosts during key exchange, before any authentication. Every wait has a timeout.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm, type SFTPWrapper } from 'ssh2';
import { FlotillaError } from '../../api/errors';
import { preferredHostKeyAlgorithms, verifyHostKey } from '../known-hosts';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  knownHostsFile: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class SshSession {
  private constructor(
    readonly client: Client,
    readonly target: SshTarget,
    /** set when this connection pinned the host key on first use (ssh's "Permanently added ..." line) */
    readonly pinnedHostKey?: string,
  ) {}

  static async connect(t: SshTarget, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SshSession> {
    let privateKey: string;
    try {
      privateKey = await fs.readFile(t.privateKeyPath, 'utf8');
    } catch (e) {
      throw new FlotillaError('BAD_INPUT', `cannot read SSH key ${t.privateKeyPath}: ${(e as Error).message}`);
    }
    const client = new Client();
    let hostKeyError: FlotillaError | undefined;
    let pinned: string | undefined;
    return new Promise<SshSession>((resolve, reject) => {
      const onAbort = () => {
        client.destroy();
        reject(new FlotillaError('CANCELLED', 'cancelled'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          client.destroy();
          reject(err);
        } else resolve(new SshSession(client, t, pinned));
      };
      client.once('ready', () => done());
      client.once('error', (e: Error & { level?: string; code?: string }) => {
        if (hostKeyError) return done(hostKeyError);
        const where = `${t.user}@${t.host}:${t.port}`;
        if (e.level === 'client-authentication') return done(new FlotillaError('AUTH', `SSH to ${where} refused the key ${t.privateKeyPath}: check the user and that the key is in its authorized_keys`));
        if (e.code === 'ECONNREFUSED') return done(new FlotillaError('UNREACHABLE', `SSH to ${where} was refused: is sshd running on port ${t.port}?`));
        if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH')
          return done(new FlotillaError('UNREACHABLE', `cannot reach ${where} (${e.code ?? 'timeout'}): check the address and that the host is up`));
        done(new FlotillaError('UNREACHABLE', `SSH to ${where} failed: ${e.message}`));
      });
      const preferred = preferredHostKeyAlgorithms(t.knownHostsFile, t.host, t.port) as ServerHostKeyAlgorithm[];
      const cfg: ConnectConfig = {
        host: t.host,
        port: t.port,
        username: t.user,
        privateKey,
        readyTimeout: opts.timeoutMs ?? 15_000,
        // runs during key exchange: a refused key ends the connection before the private key is used
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          void verifyHostKey(t.knownHostsFile, t.host, t.port, key).then((r) => {
            if (r.ok) pinned = r.pinned;
            else hostKeyError = r.error;
            verify(r.ok);
          });
        },
      };
      // a host with several keys is asked for the pinned kind
      if (preferred.length) cfg.algorithms = { serverHostKey: { remove: preferred, prepend: preferred, append: [] } };
      client.connect(cfg);
    });
  }

  exec(command: string, opts: { stdin?: string; timeoutMs?: number; onData?: (chunk: string) => void; signal?: AbortSignal } = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) return reject(new FlotillaError('UNREACHABLE', `cannot run a command on ${this.target.host}: ${err.message}`));
        let stdout = '';
        let stderr = '';
        const timer = opts.timeoutMs
          ? setTimeout(() => {
              ch.close();
              reject(new FlotillaError('TIMEOUT', `command on ${this.target.host} did not finish within ${Math.round(opts.timeoutMs! / 1000)} s: ${command.slice(0, 80)}`));
            }, opts.timeoutMs)
          : undefined;
        const onAbort = () => {
          ch.close();
          reject(new FlotillaError('CANCELLED', 'cancelled'));
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        ch.on('data', (d: Buffer) => {
          stdout += d.toString();
          opts.onData?.(d.toString());
        });
        ch.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          opts.onData?.(d.toString());
        });
        ch.on('close', (code: number | null) => {
          if (timer) clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({ code: code ?? -1, stdout, stderr });
        });
        if (opts.stdin !== undefined) ch.end(opts.stdin);
        else ch.end();
      });
    });
  }

  /** Runs a command and fails with its output when it exits non-zero. */
  async run(command: string, opts: { stdin?: string; timeoutMs?: number; onData?: (chunk: string) => void; signal?: AbortSignal } = {}): Promise<string> {
    const r = await this.exec(command, opts);
    if (r.code !== 0) throw new FlotillaError('ENGINE', `\`${command.slice(0, 120)}\` failed on ${this.target.host} (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-500)}`);
    return r.stdout;
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
  }

  close(): void {
    this.client.end();
  }
}

export async function withSsh<T>(t: SshTarget, fn: (s: SshSession) => Promise<T>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const s = await SshSession.connect(t, opts);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/**
 * Waits until SSH answers (`exit 0`), up to timeoutMs; AUTH errors (a changed host key among them) fail at once.
 * Returns ssh's "Permanently added ..." line when this first contact pinned the host key, for the machine's log.
 */
export async function waitForSsh(t: SshTarget, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    if (signal?.aborted) throw new FlotillaError('CANCELLED', 'cancelled');
    try {
      return await withSsh(
        t,
        async (s) => {
          await s.run('exit 0', { timeoutMs: 10_000 });
          return s.pinnedHostKey;
        },
        { timeoutMs: 10_000, signal },
      );
    } catch (e) {
      if (e instanceof FlotillaError && (e.code === 'AUTH' || e.code === 'CANCELLED' || e.code === 'BAD_INPUT')) throw e;
      last = e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new FlotillaError('TIMEOUT', `SSH on ${t.host}:${t.port} did not answer within ${Math.round(timeoutMs / 1000)} s (${last instanceof Error ? last.message : 'no answer'})`);
}

// ---- file copy over SFTP (scp semantics: files, or folders with recursive) ----

function sftpCall<T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

export async function upload(s: SshSession, local: string, remote: string, recursive: boolean): Promise<void> {
  const sftp = await s.sftp();
  try {
    const st = await fs.stat(local);
    let dest = remote;
    try {
      const rst = await sftpCall<{ isDirectory(): boolean }>((cb) => sftp.stat(remote, cb));
      if (rst.isDirectory()) dest = path.posix.join(remote, path.basename(local));
    } catch {
      /* remote does not exist: it is the destination name */
    }
    await putTree(sftp, local, dest, st.isDirectory(), recursive);
  } finally {
    sftp.end();
  }
}

async function putTree(sftp: SFTPWrapper, local: string, remote: string, isDir: boolean, recursive: boolean): Promise<void> {
  if (!isDir) {
    await sftpCall<void>((cb) => sftp.fastPut(local, remote, (e) => cb(e, undefined)));
    return;
  }
  if (!recursive) throw new FlotillaError('BAD_INPUT', `${local} is a folder: add -r to copy folders`);
  await sftpCall<void>((cb) => sftp.mkdir(remote, (e) => cb(e && (e as { code?: number }).code !== 4 ? e : null, undefined))).catch(() => undefined);
  for (const ent of await fs.readdir(local, { withFileTypes: true })) {
    await putTree(sftp, path.join(local, ent.name), path.posix.join(remote, ent.name), ent.isDirectory(), recursive);
  }
}

export async function download(s: SshSession, remote: string, local: string, recursive: boolean): Promise<void> {
  const sftp = await s.sftp();
  try {
    let dest = local;
    try {
      if ((await fs.stat(local)).isDirectory()) dest = path.join(local, path.posix.basename(remote));
    } catch {
      /* local does not exist */
    }
    await getTree(sftp, remote, dest, recursive);
  } finally {
    sftp.end();
  }
}

async function getTree(sftp: SFTPWrapper, remote: string, local: string, recursive: boolean): Promise<void> {
  let st: { isDirectory(): boolean };
  try {
    st = await sftpCall<{ isDirectory(): boolean }>((cb) => sftp.stat(remote, cb));
  } catch (e) {
    throw new FlotillaError('NOT_FOUND', `${remote}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) {
    await sftpCall<void>((cb) => sftp.fastGet(remote, local, (e) => cb(e, undefined)));
    return;
  }
  if (!recursive) throw new FlotillaError('BAD_INPUT', `${remote} is a folder: add -r to copy folders`);
  const list = await sftpCall<Array<{ filename: string }>>((cb) => sftp.readdir(remote, cb));
  // the server chooses these names: check the whole listing before anything of it is written (scp's CVE-2019-6111)
  for (const ent of list) checkEntryName(ent.filename, remote);
  await fs.mkdir(local, { recursive: true });
  for (const ent of list) await getTree(sftp, path.posix.join(remote, ent.filename), path.join(local, ent.filename), recursive);
}

/**
 * A name from the server's directory listing must be one plain name: no `/` or `\` (a path on this computer, on
 * Windows either is a separator), not `.` or `..`, not empty, no NUL. Anything else could land outside the folder.
 */
export function checkEntryName(name: string, remoteDir: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new FlotillaError('BAD_INPUT', `the machine listed an entry named ${JSON.stringify(name)} in ${remoteDir}: that is not a plain file name (it could write outside the target folder), so nothing of that folder was copied: rename or remove that entry on the machine`);
}
