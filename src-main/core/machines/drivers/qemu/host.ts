// Host-side helpers for the qemu driver: finding binaries, free TCP ports, process liveness, SSH banners.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort as sharedFreePort } from '../../boot/host';

export type QemuArch = 'x86_64' | 'aarch64';

/** The guest architecture matching this computer (Apple silicon and arm64 Linux run aarch64 guests). */
export function hostArch(arch: string = process.arch): QemuArch {
  return arch === 'arm64' ? 'aarch64' : 'x86_64';
}

const EXTRA_DIRS: Record<string, string[]> = {
  darwin: ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'],
  win32: ['C:\\Program Files\\qemu'],
};

/** First executable named `name` on PATH or in the platform's usual install folders. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string | undefined {
  const exe = platform === 'win32' ? `${name}.exe` : name;
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...(EXTRA_DIRS[platform] ?? [])];
  for (const d of dirs) {
    const p = path.join(d, exe);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** "QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22" */
export function parseQemuVersion(out: string): string | undefined {
  return /version\s+(\d+\.\d+(?:\.\d+)?)/i.exec(out)?.[1];
}

/** A free TCP port on 127.0.0.1 for a forward, skipping `avoid` (below the ephemeral range: see boot/host). */
export function freePort(avoid: Iterable<number> = []): Promise<number> {
  return sharedFreePort(undefined, '127.0.0.1', avoid);
}

export { portIsFree } from '../../boot/host';

export function readPid(pidFile: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a zombie is not alive for our purposes
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * Resolves true once something on host:port sends an SSH banner ("SSH-2.0-..."). With QEMU user-mode
 * NAT a TCP connect to a forwarded port succeeds even while the guest is still booting, so only the
 * banner proves sshd is up.
 */
export function sshBanner(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ host, port });
    let buf = '';
    const done = (ok: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      if (buf.startsWith('SSH-')) done(true);
      else if (buf.length > 4) done(false);
    });
    s.on('error', () => done(false));
    s.on('close', () => done(false));
  });
}

/**
 * UEFI firmware for aarch64 guests (a cloud disk on `-machine virt` boots only through UEFI): Homebrew's
 * qemu ships share/qemu/edk2-aarch64-code.fd beside its bin folder; Debian/Ubuntu qemu-efi-aarch64 and
 * Fedora edk2-aarch64 install theirs under /usr/share.
 */
export function findAarch64Firmware(qemuBinary: string | undefined, exists: (p: string) => boolean = fs.existsSync, realpath: (p: string) => string = fs.realpathSync): string | undefined {
  const prefixes: string[] = [];
  if (qemuBinary) {
    prefixes.push(path.dirname(path.dirname(qemuBinary)));
    try {
      prefixes.push(path.dirname(path.dirname(realpath(qemuBinary)))); // Homebrew: bin/ is a symlink into Cellar/qemu/<version>/bin
    } catch {
      // not resolvable: the plain prefix is enough
    }
  }
  prefixes.push('/opt/homebrew', '/usr/local');
  const candidates = [
    ...prefixes.map((p) => path.join(p, 'share', 'qemu', 'edk2-aarch64-code.fd')),
    '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd',
    '/usr/share/AAVMF/AAVMF_CODE.fd',
    '/usr/share/edk2/aarch64/QEMU_EFI.fd',
  ];
  return candidates.find((c) => exists(c));
}
