// Flotilla's own known_hosts: SSH host keys pinned on first use, in OpenSSH's format
// (`host keytype base64` for port 22, `[host]:port keytype base64` otherwise), so `ssh -o UserKnownHostsFile=` can share it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { withFileLock } from '../filelock';

export interface KnownHostEntry {
  /** 1-based line number in the file */
  line: number;
  hosts: string[];
  keyType: string;
  key: string;
}

export type HostKeyVerdict = { status: 'match'; entry: KnownHostEntry } | { status: 'unknown' } | { status: 'changed'; entries: KnownHostEntry[] };

export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@') || line.startsWith('|')) return; // comments, markers, hashed names
    const [hosts, keyType, key] = line.split(/\s+/);
    if (!hosts || !keyType || !key) return;
    out.push({ line: i + 1, hosts: hosts.split(','), keyType, key });
  });
  return out;
}

export function readKnownHosts(file: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FlotillaError('INTERNAL', `cannot read the known hosts file ${file}: ${(e as Error).message}`);
  }
}

export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const names = new Set([hostPattern(host, port), `[${host}]:${port}`]);
  return entries.filter((e) => e.hosts.some((h) => names.has(h)));
}

/** The SSH wire-format public key starts with its type as a length-prefixed string. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const n = key.readUInt32BE(0);
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** OpenSSH-style fingerprint: SHA256:<base64 without padding> */
export function fingerprint(keyBase64: string): string {
  return 'SHA256:' + crypto.createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '');
}

export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const mine = entriesFor(entries, host, port);
  if (mine.length === 0) return { status: 'unknown' };
  const b64 = key.toString('base64');
  const hit = mine.find((e) => e.key === b64);
  return hit ? { status: 'match', entry: hit } : { status: 'changed', entries: mine };
}

/**
 * Appends the key under known_hosts.lock, which the machines' read-modify-writes of the file take too. Another
 * process may have pinned the host since the caller looked: the same key is not added twice, another is refused.
 */
export async function pinHostKey(file: string, host: string, port: number, key: Buffer): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await withFileLock(
    `${file}.lock`,
    async () => {
      const verdict = checkHostKey(readKnownHosts(file), host, port, key);
      if (verdict.status === 'changed') throw hostKeyChangedError(file, host, port, key, verdict.entries);
      if (verdict.status === 'unknown') appendHostKey(file, host, port, key);
    },
    30_000,
  );
}

function appendHostKey(file: string, host: string, port: number, key: Buffer): void {
  let prefix = '';
  try {
    const cur = fs.readFileSync(file, 'utf8');
    if (cur.length > 0 && !cur.endsWith('\n')) prefix = '\n';
  } catch {
    /* new file */
  }
  fs.appendFileSync(file, `${prefix}${hostPattern(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}

export function hostKeyChangedError(file: string, host: string, port: number, key: Buffer, entries: KnownHostEntry[]): FlotillaError {
  const lines = entries.map((e) => e.line);
  const pinned = entries.map((e) => `${e.keyType} ${fingerprint(e.key)}`).join(', ');
  return new FlotillaError(
    'AUTH',
    `the SSH host key of ${hostPattern(host, port)} has changed: it now presents ${keyTypeOf(key)} ${fingerprint(key.toString('base64'))} but ${file} line ${lines.join(', ')} pins ${pinned}. ` +
      `If the host was reinstalled on purpose, delete line ${lines.join(', ')} of ${file} and connect again; otherwise someone may be intercepting the connection.`,
  );
}

/** Host key algorithms that negotiate a key of the given type (so a host with several keys shows the pinned one). */
export function algorithmsForKeyType(keyType: string): string[] {
  switch (keyType) {
    case 'ssh-rsa':
      return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    case 'ssh-ed25519':
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return [keyType];
    default:
      return [];
  }
}
