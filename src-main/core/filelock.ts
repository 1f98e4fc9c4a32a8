// Cross-process exclusive lock, on every OS: a lock file created with O_EXCL ('wx') that names its holder (pid and
// the process's start time). Whoever creates the file holds the lock; it is removed on release and at process exit.
// A holder killed with SIGKILL leaves the file behind: a lock whose holder process is gone (pid not alive, or alive
// with another start time: the pid was reused) is stale and is taken over at once.
// Hand-written rather than proper-lockfile: its staleness is an mtime heartbeat, so it hands the lock of a live holder
// to a waiter when the holder's event loop stalls past the stale time (RSA key generation, a suspended laptop) and
// makes a killed holder's waiters sit out that time; and two waiters can both break one stale lock (stat, then
// rmdir, with no re-check). Here a stale lock is broken only under a second O_EXCL file (`<lock>.break`), after
// reading it again. A FLOTILLA_HOME shared by hosts or pid namespaces is not supported (pids mean nothing there).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../api/errors';
import { ensurePrivateDirSync } from './fsutil';

interface Holder {
  pid: number;
  /** the process's start time, as the OS reports it; absent where it cannot be read (Windows) */
  start?: string;
  token: string;
}

/** locks this process holds: lock file -> its token */
const held = new Map<string, string>();

/** A process's start time as the OS reports it (with its pid, it names the process for good); undefined where it cannot be read. */
export function processStartTime(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') {
      // field 22 of /proc/PID/stat (starttime, in clock ticks since boot); the name in field 2 may hold spaces and ')'
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    if (process.platform === 'win32') return undefined;
    // one time zone and locale, so every process prints the same start time for a holder
    const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

let myStart: string | undefined | null = null;
function me(): Holder {
  if (myStart === null) myStart = processStartTime(process.pid);
  return { pid: process.pid, ...(myStart ? { start: myStart } : {}), token: crypto.randomBytes(12).toString('hex') };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}

function parse(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? { pid: h.pid, token: h.token, ...(typeof h.start === 'string' ? { start: h.start } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

/** The holder recorded in a lock file and whether it is gone; undefined when there is no lock file. */
function inspect(file: string): { text: string; holder?: Holder; stale: boolean } | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const holder = parse(text);
  // unreadable: a holder between open and write (microseconds), or one killed right there
  if (!holder) return { text, stale: Date.now() - mtimeMs > 10_000 };
  if (!processAlive(holder.pid)) return { text, holder, stale: true };
  const start = holder.start ? processStartTime(holder.pid) : undefined;
  return { text, holder, stale: holder.start !== undefined && start !== undefined && start !== holder.start };
}

function createExclusive(file: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, JSON.stringify(holder));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Removes a stale lock, unless someone else broke it first (then `seen` no longer matches what the file holds). */
function breakStale(file: string, seen: string): void {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, me())) {
    // a breaker killed in its few microseconds of work: remove its file, the next attempt breaks the lock
    if (inspect(breaker)?.stale) fs.rmSync(breaker, { force: true });
    return;
  }
  try {
    if (inspect(file)?.text === seen) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

let exitHook = false;
function releaseAllAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const [file, token] of held) release(file, token);
  });
}

/** One attempt: true when this process now holds the lock. */
function tryAcquire(file: string, holder: Holder): boolean {
  if (createExclusive(file, holder)) {
    held.set(file, holder.token);
    releaseAllAtExit();
    return true;
  }
  const now = inspect(file);
  if (now?.stale) breakStale(file, now.text);
  return false;
}

function release(file: string, token: string): void {
  held.delete(file);
  try {
    if (parse(fs.readFileSync(file, 'utf8'))?.token === token) fs.rmSync(file, { force: true });
  } catch {
    /* already gone */
  }
}

function timeoutError(file: string, timeoutMs: number): FlotillaError {
  const h = inspect(file)?.holder;
  const who = h ? `process ${h.pid}${h.pid === process.pid ? ' (this one)' : ''}` : 'another process';
  return new FlotillaError(
    'TIMEOUT',
    `could not lock ${file} within ${Math.round(timeoutMs / 1000)} s: ${who} holds it (another Flotilla process: a lab operation, an image build, a machine command or a test run); wait for it or stop it, and if no such process runs, delete ${file}`,
  );
}

/** Runs fn while holding the lock `file` (its folder is made); waits up to timeoutMs for it. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 1_800_000): Promise<T> {
  const abs = path.resolve(file);
  ensurePrivateDirSync(path.dirname(abs));
  const holder = me();
  const deadline = Date.now() + timeoutMs;
  let wait = 10;
  while (!tryAcquire(abs, holder)) {
    if (Date.now() >= deadline) throw timeoutError(abs, timeoutMs);
    await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    wait = Math.min(wait * 2, 200);
  }
  try {
    return await fn();
  } finally {
    release(abs, holder.token);
  }
}
