// Runs the built `flotilla` command (bin/flotilla.mjs) and other programs the way the CLI integration tests do:
// exit code, stdout and stderr collected, never thrown, with an environment that points at no engine unless the
// test says which.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { readLease } from '../../src-main/core/machines/busy';

const pexec = promisify(execFile);

export const FLOTILLA_BIN = path.resolve(__dirname, '../../bin/flotilla.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** variables that would choose an engine behind the test's back */
const ENGINE_VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

/** this process's environment without ENGINE_VARS, with `vars` set on top (an undefined value removes the variable) */
export function cliEnv(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ENGINE_VARS) delete env[k];
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunOptions {
  /** default: cliEnv() */
  env?: NodeJS.ProcessEnv;
  /** ms; default 120 s */
  timeout?: number;
  cwd?: string;
}

/** runs a program; a failure to start it (ENOENT...) comes back in stderr with exit code 1 */
export async function run(file: string, args: string[], o: RunOptions = {}): Promise<Run> {
  try {
    const r = await pexec(file, args, { env: o.env ?? cliEnv(), timeout: o.timeout ?? 120_000, cwd: o.cwd, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: `${x.stderr ?? ''}${typeof x.code === 'string' ? x.code : ''}` };
  }
}

/** `flotilla ARGS...` */
export function flotilla(args: string[], o: RunOptions = {}): Promise<Run> {
  return run(process.execPath, [FLOTILLA_BIN, ...args], o);
}

/** asserts the run succeeded (showing its output when not) and returns it */
export function ok(r: Run, what: string): Run {
  expect(r.code, `${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** a successful run's stdout as JSON */
export function json<T>(r: Run, what: string): T {
  return JSON.parse(ok(r, what).stdout) as T;
}

export interface KilledCreate {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** the lease steps seen, in order */
  seen: string[];
}

/**
 * Runs the `flotilla` binary with `args` (a `machine create`) and sends `sig` once the lease in `machineDir` names
 * `step` (polled every `pollMs`: some steps are short). A step never reached by `deadlineMs` gets the process killed.
 * Resolves with the exit code (or signal), stderr and the steps seen once the process is gone.
 */
export async function createAndKill(args: string[], env: NodeJS.ProcessEnv, machineDir: string, step: string, sig: 'SIGINT' | 'SIGKILL', pollMs: number, deadlineMs: number): Promise<KilledCreate> {
  const child = spawn(process.execPath, [FLOTILLA_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const seen: string[] = [];
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + deadlineMs;
  while (!done && Date.now() < deadline) {
    const lease = readLease(machineDir);
    if (lease && seen[seen.length - 1] !== lease.step) seen.push(lease.step);
    if (lease?.step === step) {
      child.kill(sig);
      break;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if (!seen.includes(step)) child.kill('SIGKILL');
  return { ...(await exited), stderr, seen };
}
