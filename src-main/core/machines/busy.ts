// The lease of a create or provision in progress: busy.json in the machine's folder names the process doing
// it (pid + its start time, so a reused pid does not count) and the step it is at, rewritten before each step.
// A process killed with SIGKILL cannot write "error"; a lease whose process is gone is how `ls` knows.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { processAlive, processStartTime } from '../filelock';

export interface BusyLease {
  pid: number;
  /** the process's start time, as filelock.ts reads it (Linux /proc, ps elsewhere); absent where it cannot be read (Windows) */
  pidStart?: string;
  op: 'create' | 'provision';
  step: string;
  detail?: string;
  /** when the step began (ISO time) */
  at: string;
}

export const BUSY_FILE = 'busy.json';

/** Is the process that holds the lease still the one running under its pid? */
export function leaseAlive(b: BusyLease): boolean {
  if (!processAlive(b.pid)) return false;
  if (b.pidStart === undefined) return true;
  const now = processStartTime(b.pid);
  return now === undefined || now === b.pidStart;
}

let myStart: string | undefined | null = null;

export function newLease(op: BusyLease['op'], step: string, detail?: string): BusyLease {
  if (myStart === null) myStart = processStartTime(process.pid);
  const pidStart = myStart;
  return { pid: process.pid, ...(pidStart ? { pidStart } : {}), op, step, ...(detail ? { detail } : {}), at: new Date().toISOString() };
}

/**
 * Writes the lease at once (synchronously: the step is on disk before the code after `step()` runs), atomically
 * (temp file and rename), mode 0600 like the rest of the machine's folder. A folder already removed is left alone.
 */
export function writeLease(machineDir: string, b: BusyLease): void {
  const file = path.join(machineDir, BUSY_FILE);
  const tmp = path.join(machineDir, `.${BUSY_FILE}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, JSON.stringify(b) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export function readLease(machineDir: string): BusyLease | undefined {
  try {
    const b = JSON.parse(fs.readFileSync(path.join(machineDir, BUSY_FILE), 'utf8')) as Partial<BusyLease>;
    return typeof b.pid === 'number' && typeof b.step === 'string' && (b.op === 'create' || b.op === 'provision') ? (b as BusyLease) : undefined;
  } catch {
    return undefined;
  }
}

export function clearLease(machineDir: string): void {
  fs.rmSync(path.join(machineDir, BUSY_FILE), { force: true });
}

export { processStartTime };
