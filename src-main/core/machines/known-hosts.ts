// A tiny known_hosts for machines (OpenSSH format, so `ssh -o UserKnownHostsFile=` can read it):
// a host key is pinned on first use and a different key afterwards is refused.
// (The engine module may grow its own; this one stays small and private to machines.)
import fs from 'node:fs/promises';
import { writeFileAtomic } from '../fsutil';
import { withFileLock } from '../filelock';

export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  } catch {
    return [];
  }
}

// every read-modify-write holds known_hosts.lock, which the engine's pinning takes too (several processes pin at once)
function serial<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(`${file}.lock`, fn, 30_000);
}

export type HostKeyCheck = 'match' | 'new' | 'mismatch';

/** Compares the key (type + base64) with the pinned one; pins it when the host is new. */
export function checkHostKey(file: string, host: string, port: number, keyType: string, keyB64: string): Promise<HostKeyCheck> {
  return serial(file, async () => {
    const pat = hostPattern(host, port);
    const lines = await readLines(file);
    const mine = lines.map((l) => l.split(/\s+/)).filter((p) => p[0].split(',').includes(pat));
    if (mine.length) return mine.some((p) => p[2] === keyB64) ? 'match' : 'mismatch';
    await writeFileAtomic(file, [...lines, `${pat} ${keyType} ${keyB64}`].join('\n') + '\n', { mode: 0o600 });
    return 'new';
  });
}

/** Forgets a host (when its machine is removed, so a new host at the same address can be pinned). */
export function forgetHost(file: string, host: string, port: number): Promise<void> {
  return serial(file, async () => {
    const pat = hostPattern(host, port);
    const lines = await readLines(file);
    const keep = lines.filter((l) => !l.split(/\s+/)[0].split(',').includes(pat));
    if (keep.length !== lines.length) await writeFileAtomic(file, keep.join('\n') + (keep.length ? '\n' : ''), { mode: 0o600 });
  });
}
