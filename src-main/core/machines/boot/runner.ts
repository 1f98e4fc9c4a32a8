// The one place VM drivers start host processes. Drivers take a Runner so tests can record the exact
// command lines and play back recorded outputs; the real runner uses execFile (never a shell).
import { execFile } from 'node:child_process';

export interface RunOptions {
  /** kill the process after this many milliseconds (the result then has code -1 and timedOut) */
  timeoutMs?: number;
  signal?: AbortSignal;
  input?: string | Uint8Array;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
  /** the program could not be started at all (ENOENT, EACCES) */
  notFound?: boolean;
  timedOut?: boolean;
}

export interface Runner {
  run(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult>;
}

export function execFileRunner(): Runner {
  return {
    run(cmd, args, opts = {}) {
      return new Promise((resolve) => {
        const child = execFile(
          cmd,
          args,
          { timeout: opts.timeoutMs ?? 0, signal: opts.signal, env: opts.env, maxBuffer: 64 * 1024 * 1024, windowsHide: true, encoding: 'utf8' },
          (err, stdout, stderr) => {
            if (!err) return resolve({ stdout, stderr, code: 0 });
            const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
            if (e.code === 'ENOENT' || e.code === 'EACCES') return resolve({ stdout: '', stderr: e.message, code: 127, notFound: true });
            if (e.name === 'AbortError') return resolve({ stdout, stderr: stderr || 'cancelled', code: -1 });
            const timedOut = Boolean(e.killed) && (opts.timeoutMs ?? 0) > 0;
            resolve({ stdout, stderr: stderr || e.message, code: typeof e.code === 'number' ? e.code : -1, ...(timedOut ? { timedOut } : {}) });
          },
        );
        if (opts.input !== undefined && child.stdin) child.stdin.end(opts.input);
      });
    },
  };
}

/** One recorded call; tests compare `line` against exact command lines. */
export interface RecordedCall {
  cmd: string;
  args: string[];
  line: string;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }, { once: true });
  });
