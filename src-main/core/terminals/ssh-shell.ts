// SSH shells: a PTY channel on an ssh2 connection. Machines connect with their own key and Flotilla's
// pinned known_hosts (machines/ssh.ts); engine hosts reached over SSH share the engine's pinned tunnel
// (engine/ssh.ts), so a host key is checked the same way whichever path opened it.
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { FlotillaError } from '../../api/errors';
import { acquireTunnel, releaseTunnel } from '../engine/ssh';
import { DEFAULT_UNIX_SOCKET } from '../engine/url';
import { defaultKnownHostsFile } from '../engine/connect';
import type { EngineTarget } from '../engine';
import { SshSession, type SshTarget } from '../machines/ssh';
import { TERM, type TerminalChannel, type TerminalExit, type TerminalSize } from './channel';

type SshEngineTarget = Extract<EngineTarget, { kind: 'ssh' }>;

/** Opens a PTY shell (or `command` in a PTY) on a ready ssh2 client; `release` runs once when it closes. */
export function openShellChannel(client: Client, title: string, size: TerminalSize & { command?: string }, release: () => void): Promise<TerminalChannel> {
  const pty: PseudoTtyOptions = { term: TERM, cols: size.cols, rows: size.rows };
  return new Promise((resolve, reject) => {
    const onOpen = (err: Error | undefined, ch: ClientChannel): void => {
      if (err) {
        release();
        reject(new FlotillaError('UNREACHABLE', `${title} refused a shell: ${err.message}`));
        return;
      }
      let closed = false;
      let status: TerminalExit = { code: -1 };
      const exited = new Promise<TerminalExit>((done) => {
        ch.on('exit', (code: number | null, signal?: string) => {
          status = signal ? { code: code ?? -1, signal } : { code: code ?? -1 };
        });
        ch.on('close', () => {
          if (!closed) {
            closed = true;
            release();
          }
          done(status);
        });
      });
      ch.on('error', () => undefined);
      ch.stderr.on('data', () => undefined); // a PTY merges stderr into data; drain it anyway
      resolve({
        title,
        exited,
        write: (d) => {
          if (!closed) ch.write(d);
        },
        resize: async (cols, rows) => {
          if (!closed) ch.setWindow(rows, cols, 0, 0);
        },
        onData: (cb) => ch.on('data', cb),
        close: () => {
          if (closed) return;
          closed = true;
          ch.close();
          release();
        },
      });
    };
    try {
      if (size.command) client.exec(size.command, { pty }, onOpen);
      else client.shell(pty, onOpen);
    } catch (e) {
      release();
      reject(new FlotillaError('UNREACHABLE', `${title}: cannot open a shell: ${(e as Error).message}`));
    }
  });
}

/** A shell on a Flotilla machine: its own SSH connection with the machine's key, ended with the shell. */
export async function machineShell(t: SshTarget, title: string, size: TerminalSize & { command?: string }, signal?: AbortSignal): Promise<TerminalChannel> {
  const session = await SshSession.connect(t, { timeoutMs: 15_000, signal });
  return openShellChannel(session.client, title, size, () => session.close());
}

/** A shell on the host of an engine reached over SSH (lab hosts): the engine's shared tunnel, one more user. */
export async function engineHostShell(target: SshEngineTarget, name: string, size: TerminalSize & { command?: string }): Promise<TerminalChannel> {
  const tunnel = acquireTunnel({
    user: target.user,
    host: target.host,
    port: target.port,
    identityFile: target.identityFile,
    socketPath: target.socketPath ?? DEFAULT_UNIX_SOCKET,
    knownHostsFile: target.knownHostsFile ?? defaultKnownHostsFile(),
    timeoutMs: 10_000,
  });
  let client: Client;
  try {
    client = await tunnel.connect();
  } catch (e) {
    releaseTunnel(tunnel);
    throw e;
  }
  return openShellChannel(client, `${target.user}@${name}`, size, () => releaseTunnel(tunnel));
}
