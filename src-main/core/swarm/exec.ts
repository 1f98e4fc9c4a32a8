// Exec into a task's container on whichever node runs it: output and exit code, or an interactive
// session (TTY, resize, stdin) for the CLI and the UI terminal.
import type { Duplex } from 'node:stream';
import type { EngineConnection } from '../engine';
import type { Cluster } from './cluster';
import { engineCall } from './errors';
import { Demuxer } from './logs';
import { locateTask } from './tasks';

export interface ExecOptions {
  cmd: string[];
  user?: string;
  workdir?: string;
  env?: string[];
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs a command in a container and collects its output (stdout and stderr apart) and exit code. */
export async function execCollect(conn: EngineConnection, containerId: string, o: ExecOptions): Promise<ExecResult> {
  const exec = await engineCall(
    () => conn.docker.getContainer(containerId).exec({ Cmd: o.cmd, AttachStdout: true, AttachStderr: true, Tty: false, User: o.user, WorkingDir: o.workdir, Env: o.env }),
    { kind: 'container', ref: containerId },
  );
  const stream = (await engineCall(() => exec.start({ hijack: true, stdin: false }))) as Duplex;
  const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const demux = new Demuxer((s, d) => out[s].push(Buffer.from(d)));
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      stream.destroy();
      resolve();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer) => demux.push(c));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', (e) => (o.signal?.aborted ? resolve() : reject(e)));
  });
  const info = (await engineCall(() => exec.inspect())) as { ExitCode: number | null; Running: boolean };
  return { stdout: Buffer.concat(out.stdout).toString('utf8'), stderr: Buffer.concat(out.stderr).toString('utf8'), exitCode: info.ExitCode ?? -1 };
}

export interface ExecSession {
  /** raw bytes from the process (TTY: one stream); without TTY, frames demultiplexed to onOutput */
  readonly stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** resolves with the exit code when the process ends */
  wait(): Promise<number>;
}

/** Starts an interactive exec (stdin attached, optional TTY). */
export async function execInteractive(
  conn: EngineConnection,
  containerId: string,
  o: ExecOptions & { tty: boolean; onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void },
): Promise<ExecSession> {
  const exec = await engineCall(
    () =>
      conn.docker.getContainer(containerId).exec({ Cmd: o.cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: o.tty, User: o.user, WorkingDir: o.workdir, Env: o.env }),
    { kind: 'container', ref: containerId },
  );
  const stream = (await engineCall(() => exec.start({ hijack: true, stdin: true, Tty: o.tty }))) as Duplex;
  const demux = o.tty ? undefined : new Demuxer(o.onOutput);
  stream.on('data', (c: Buffer) => (demux ? demux.push(c) : o.onOutput('stdout', c)));
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  return {
    stream,
    resize: async (cols, rows) => {
      await exec.resize({ w: cols, h: rows }).catch(() => undefined);
    },
    wait: async () => {
      await ended;
      const info = (await exec.inspect()) as { ExitCode: number | null };
      return info.ExitCode ?? -1;
    },
  };
}

/** Exec in a task's container (task id, or a service: its first running task) on the node that runs it. */
export async function execInTask(cluster: Cluster, ref: string, o: ExecOptions): Promise<ExecResult & { taskId: string; nodeId: string }> {
  const t = await locateTask(cluster, ref);
  const r = await execCollect(t.conn, t.containerId, o);
  return { ...r, taskId: t.task.ID, nodeId: t.node.ID };
}
