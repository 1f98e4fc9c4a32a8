// Finding VBoxManage, checking its version, and running it: one call at a time (a process-wide queue,
// as libmachine's global mutex), retried on "object is not ready", stderr "error:" treated as failure.
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors.js';
import type { Runner, RunResult } from '../../boot/runner.js';
import { failureError } from './failures.js';
import { parseVersion, versionAtLeast } from './parse.js';

export const MIN_VERSION: [number, number, number] = [6, 1, 0];
export const HOSTONLY_RULE_VERSION: [number, number, number] = [6, 1, 28];

export interface LocateDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists: (file: string) => Promise<boolean>;
  runner: Runner;
}

export interface Located {
  path: string;
  /** how it was found: "PATH", "VBOX_MSI_INSTALL_PATH", "default folder", "registry" */
  via: string;
}

export async function locateVBoxManage(d: LocateDeps): Promise<Located | undefined> {
  const win = d.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exe = win ? 'VBoxManage.exe' : 'VBoxManage';
  const pathVar = d.env.PATH ?? d.env.Path ?? '';
  for (const dir of pathVar.split(win ? ';' : ':').filter(Boolean)) {
    const f = p.join(dir, exe);
    if (await d.exists(f)) return { path: f, via: 'PATH' };
  }
  for (const v of ['VBOX_MSI_INSTALL_PATH', 'VBOX_INSTALL_PATH']) {
    const dir = d.env[v];
    if (dir) {
      const f = p.join(dir, exe);
      if (await d.exists(f)) return { path: f, via: v };
    }
  }
  const defaults = win
    ? [p.join(d.env.ProgramFiles ?? 'C:\\Program Files', 'Oracle', 'VirtualBox')]
    : d.platform === 'darwin'
      ? ['/Applications/VirtualBox.app/Contents/MacOS', '/usr/local/bin']
      : ['/usr/bin', '/usr/local/bin', '/usr/lib/virtualbox', '/opt/VirtualBox'];
  for (const dir of defaults) {
    const f = p.join(dir, exe);
    if (await d.exists(f)) return { path: f, via: 'default folder' };
  }
  if (win) {
    const r = await d.runner.run('reg', ['query', 'HKLM\\SOFTWARE\\Oracle\\VirtualBox', '/v', 'InstallDir']);
    const m = /InstallDir\s+REG_(?:EXPAND_)?SZ\s+(.+)/.exec(r.stdout);
    if (r.code === 0 && m) {
      const f = p.join(m[1]!.trim(), exe);
      if (await d.exists(f)) return { path: f, via: 'registry' };
    }
  }
  return undefined;
}

export const NOT_INSTALLED =
  'VBoxManage was not found (looked in PATH, VBOX_MSI_INSTALL_PATH, VBOX_INSTALL_PATH, the default install folders and the Windows registry): install VirtualBox from https://www.virtualbox.org/wiki/Downloads, or add its folder to PATH';

export function checkVersion(raw: string): [number, number, number] {
  // a broken install can print nothing at all (minikube#4099)
  if (raw.trim() === '') throw new FlotillaError('UNSUPPORTED', 'VBoxManage --version printed nothing, so this VirtualBox install is broken: reinstall VirtualBox 6.1 or later from https://www.virtualbox.org/wiki/Downloads (then reboot, so its drivers load)');
  const v = parseVersion(raw);
  if (!v || !versionAtLeast(v, MIN_VERSION))
    throw new FlotillaError(
      'UNSUPPORTED',
      `VirtualBox "${raw.trim()}" is too old or unreadable: Flotilla needs VirtualBox ${MIN_VERSION.slice(0, 2).join('.')} or later; upgrade from https://www.virtualbox.org/wiki/Downloads`,
    );
  return v;
}

let queueTail: Promise<unknown> = Promise.resolve();
/** Serializes every VBoxManage call in this process. */
export function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = queueTail.then(fn, fn);
  queueTail = run.catch(() => undefined);
  return run;
}

export class VBoxError extends Error {
  constructor(
    readonly args: string[],
    readonly result: RunResult,
  ) {
    super(`VBoxManage ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
    this.name = 'VBoxError';
  }
}

export class VBoxManage {
  constructor(
    readonly bin: string,
    private readonly runner: Runner,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Runs once through the queue with up to 5 retries on "object is not ready"; never throws. */
  raw(args: string[], timeoutMs = 600_000): Promise<RunResult> {
    // one hung call would block the whole queue: every call has a time limit
    return serialized(async () => {
      let r: RunResult = { stdout: '', stderr: '', code: 0 };
      for (let attempt = 0; attempt < 6; attempt++) {
        r = await this.runner.run(this.bin, args, { timeoutMs });
        if (!/error: The object is not ready/.test(r.stderr)) break;
        await this.sleep(100);
      }
      return r;
    });
  }

  static failed(r: RunResult): boolean {
    return r.code !== 0 || /error:/.test(r.stderr);
  }

  /** Runs and returns stdout; a known failure becomes its own message, others a VBoxError. */
  async out(args: string[], vm?: string, timeoutMs?: number): Promise<string> {
    const r = await this.raw(args, timeoutMs);
    if (r.notFound) throw new FlotillaError('UNSUPPORTED', NOT_INSTALLED);
    if (r.timedOut) throw new FlotillaError('TIMEOUT', `VBoxManage ${args.join(' ')} did not answer within ${Math.round((timeoutMs ?? 600_000) / 1000)} s: VirtualBox may be hung; close VirtualBox windows, end stuck VBoxSVC/VBoxHeadless processes, and try again`);
    if (VBoxManage.failed(r)) throw failureError(r.stderr, vm) ?? new FlotillaError('INTERNAL', new VBoxError(args, r).message);
    return r.stdout;
  }
}
