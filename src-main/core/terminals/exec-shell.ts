// Exec shells: `docker exec -it CONTAINER sh` through the engine that runs the container (for a task,
// the node's own engine, found by core/swarm locateTask). The engine does not end an exec when its client
// goes away, so each shell carries a marker in its environment and closing hangs up every process with it.
import { randomUUID } from 'node:crypto';
import type { EngineConnection } from '../engine';
import { execCollect, execInteractive } from '../swarm';
import { TERM, type TerminalChannel, type TerminalExit, type TerminalSize } from './channel';

/** bash when the image has it, else sh (busybox and alpine images have only sh) */
export const DEFAULT_EXEC_SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

export function execCommand(shell: string | undefined): string[] {
  return shell ? [shell] : DEFAULT_EXEC_SHELL;
}

/** a shell script that sends SIGHUP to every process whose environment has the marker (the shell and its children) */
export function hangUpScript(marker: string): string {
  return `for p in /proc/[0-9]*; do grep -q '${marker}' "$p/environ" 2>/dev/null && kill -HUP "\${p#/proc/}" 2>/dev/null; done; true`;
}

export async function execShell(conn: EngineConnection, containerId: string, title: string, size: TerminalSize & { shell?: string }): Promise<TerminalChannel> {
  const marker = `FLOTILLA_TERMINAL=${randomUUID()}`;
  const listeners: Array<(d: Buffer) => void> = [];
  // output before anyone listens (the first prompt) is kept, not lost
  let early: Buffer[] | undefined = [];
  const session = await execInteractive(conn, containerId, {
    cmd: execCommand(size.shell),
    // no COLUMNS/LINES: busybox would prefer them to the PTY size after a resize
    env: [`TERM=${TERM}`, marker],
    tty: true,
    onOutput: (_stream, data) => {
      if (early) early.push(Buffer.from(data));
      else for (const l of listeners) l(data);
    },
  });
  const stream = session.stream;
  stream.on('error', () => undefined);
  let closed = false;
  const exited: Promise<TerminalExit> = session.wait().then(
    (code) => ({ code }),
    () => ({ code: -1 }),
  );
  void exited.then(() => {
    closed = true;
  });
  await session.resize(size.cols, size.rows);
  return {
    title,
    exited,
    write: (d) => {
      if (!closed) stream.write(d);
    },
    resize: (cols, rows) => (closed ? Promise.resolve() : session.resize(cols, rows)),
    onData: (cb) => {
      listeners.push(cb);
      if (early) {
        const first = early;
        early = undefined;
        for (const d of first) cb(d);
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      stream.end();
      void execCollect(conn, containerId, { cmd: ['/bin/sh', '-c', hangUpScript(marker)] })
        .catch(() => undefined)
        .finally(() => setTimeout(() => stream.destroy(), 1000).unref());
    },
  };
}
