// Small child-process helpers for the lab: it drives the docker CLI (the same tool people use by hand),
// debootstrap and tar.
import { spawn } from 'node:child_process';
import { FlotillaError } from '../../api/errors';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** bytes written to the child's stdin (stdin is closed afterwards) */
  input?: string | Uint8Array;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command and collects its output; never throws for a non-zero exit (see runOk). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (e.code === 'ENOENT') reject(new FlotillaError('UNSUPPORTED', `${cmd} is not installed (needed by the lab): install it, e.g. apt-get install -y ${packageFor(cmd)}`));
      else reject(e);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const res = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if (timedOut) reject(new FlotillaError('TIMEOUT', `${cmd} ${args.slice(0, 3).join(' ')} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`));
      else resolve(res);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

/** Like run, but a non-zero exit becomes an error carrying the command's stderr. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new FlotillaError('ENGINE', `${cmd} ${args.slice(0, 4).join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r.stdout;
}

/** The docker CLI against the local engine (honours DOCKER_HOST / the current context). */
export function docker(args: string[], opts: RunOptions = {}): Promise<string> {
  return runOk('docker', args, opts);
}

/** `a | b`: pipes the first command's stdout into the second's stdin; fails if either fails. */
export function pipe(a: [string, string[]], b: [string, string[]], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const pa = spawn(a[0], a[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pb = spawn(b[0], b[1], { stdio: ['pipe', 'pipe', 'pipe'] });
    const errA: Buffer[] = [];
    const errB: Buffer[] = [];
    const outB: Buffer[] = [];
    pa.stderr.on('data', (d: Buffer) => errA.push(d));
    pb.stderr.on('data', (d: Buffer) => errB.push(d));
    pb.stdout.on('data', (d: Buffer) => outB.push(d));
    pb.stdin.on('error', () => undefined);
    pa.stdout.pipe(pb.stdin);
    let codeA: number | null | undefined;
    let codeB: number | null | undefined;
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      pa.kill('SIGKILL');
      pb.kill('SIGKILL');
      reject(new FlotillaError('TIMEOUT', `${a[0]} | ${b[0]} ${b[1].slice(0, 4).join(' ')} did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const done = () => {
      if (codeA === undefined || codeB === undefined || failed) return;
      clearTimeout(timer);
      // the consumer's error first: when it fails the producer is killed and says nothing useful
      if (codeB !== 0) reject(new FlotillaError('ENGINE', `${b[0]} ${b[1].slice(0, 4).join(' ')} failed (exit ${codeB}): ${Buffer.concat(errB).toString().trim().slice(-1000)}`));
      else if (codeA !== 0) reject(new FlotillaError('INTERNAL', `${a[0]} failed (exit ${codeA}): ${Buffer.concat(errA).toString().trim().slice(-1000)}`));
      else resolve(Buffer.concat(outB).toString('utf8'));
    };
    for (const [p, name] of [[pa, a[0]], [pb, b[0]]] as const) {
      p.on('error', (e) => {
        if (failed) return;
        failed = true;
        clearTimeout(timer);
        reject(new FlotillaError('UNSUPPORTED', `${name} could not be started: ${e.message}`));
      });
    }
    pa.on('close', (c) => {
      codeA = c;
      done();
    });
    pb.on('close', (c) => {
      codeB = c;
      // a consumer that died leaves the producer blocked on a full pipe: end it, or we wait for the timeout
      if (codeA === undefined && c !== 0) pa.kill('SIGKILL');
      done();
    });
  });
}

function packageFor(cmd: string): string {
  return ({ docker: 'docker.io', debootstrap: 'debootstrap', tar: 'tar' } as Record<string, string>)[cmd] ?? cmd;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
