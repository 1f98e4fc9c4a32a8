// Flotilla's known_hosts files: SSH host keys pinned on first use (engines over ssh://, machines, the lab), in
// OpenSSH's format (`host keytype base64` for port 22, `[host]:port keytype base64` otherwise), so
// `ssh -o UserKnownHostsFile=` can share them. Every change to a file goes through editKnownHosts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../api/errors';
import { withFileLock } from './filelock';
import { writeFileAtomic } from './fsutil';
import { flotillaHome } from './paths';

/** The user's Flotilla known_hosts: engines over ssh:// and machines pin here. */
export function defaultKnownHostsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(flotillaHome(env), 'known_hosts');
}

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

/** The names a line may use for host:port (`[host]:22` is the same host as `host`). */
function namesOf(host: string, port: number): Set<string> {
  return new Set([hostPattern(host, port), `[${host}]:${port}`]);
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
  const names = namesOf(host, port);
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

let chain: Promise<unknown> = Promise.resolve();

/**
 * The one way a known_hosts file changes: `edit` gets its lines (comments and all) and returns the new ones;
 * the file is rewritten atomically, mode 0600, only when they differ. Edits take turns: in this process through a
 * queue, across processes under `<file>.lock`. `edit` may throw to refuse the change.
 */
export function editKnownHosts(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const p = chain.then(() =>
    withFileLock(
      `${file}.lock`,
      async () => {
        let text = '';
        try {
          text = await fsp.readFile(file, 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new FlotillaError('INTERNAL', `cannot read the known hosts file ${file}: ${(e as Error).message}`);
        }
        const lines = text.split(/\r?\n/);
        if (lines[lines.length - 1] === '') lines.pop();
        const next = edit(lines);
        const out = next.length ? next.join('\n') + '\n' : '';
        if (out !== text) await writeFileAtomic(file, out, { mode: 0o600 });
      },
      30_000,
    ),
  );
  chain = p.catch(() => undefined);
  return p;
}

/** The OpenSSH public key lines (`type base64 [comment]`) in a text, e.g. `cat /etc/ssh/ssh_host_*_key.pub`. */
export function publicKeyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/]+={0,2}(\s|$)/.test(l));
}

const hostsOfLine = (line: string): string[] => line.trim().split(/\s+/)[0]?.split(',') ?? [];

/**
 * Pins the key for host:port. Another process may have pinned the host since the caller looked: the same key is
 * not added twice, another is refused as changed.
 */
export function pinHostKey(file: string, host: string, port: number, key: Buffer): Promise<void> {
  return editKnownHosts(file, (lines) => {
    const verdict = checkHostKey(parseKnownHosts(lines.join('\n')), host, port, key);
    if (verdict.status === 'match') return lines;
    if (verdict.status === 'changed') throw hostKeyChangedError(file, host, port, key, verdict.entries);
    return [...lines, `${hostPattern(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}`];
  });
}

/** Forgets a host (its machine was removed, or its lab node remade), so a new host at the same address can be pinned. */
export async function forgetHost(file: string, host: string, port: number): Promise<void> {
  if (!fs.existsSync(file)) return; // nothing pinned: no file, no lock to take
  const names = namesOf(host, port);
  return editKnownHosts(file, (lines) => lines.filter((l) => !hostsOfLine(l).some((h) => names.has(h))));
}

/**
 * Replaces whatever is pinned for host:port with these keys (OpenSSH public lines `type base64 [comment]`),
 * for keys learned over a channel that needs no trust on first use (the local engine, a key Flotilla made).
 */
export async function recordHostKeys(file: string, host: string, port: number, publicKeys: string[]): Promise<void> {
  const names = namesOf(host, port);
  const fresh = publicKeys.map((k) => k.trim().split(/\s+/)).filter((p) => p.length >= 2).map(([type, b64]) => `${hostPattern(host, port)} ${type} ${b64}`);
  if (!fresh.length) throw new FlotillaError('INTERNAL', `no host key to record for ${hostPattern(host, port)}`);
  return editKnownHosts(file, (lines) => [...lines.filter((l) => !hostsOfLine(l).some((h) => names.has(h))), ...fresh]);
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

export type HostKeyOutcome = { ok: true; pinned?: string } | { ok: false; error: FlotillaError };

/**
 * What an SSH client's hostVerifier decides, during key exchange and so before any authentication: a pinned key
 * must match; an unknown host is pinned on first use (`pinned` says so, in ssh's words) unless `strict`.
 */
export async function verifyHostKey(file: string, host: string, port: number, key: Buffer, opts: { strict?: boolean } = {}): Promise<HostKeyOutcome> {
  try {
    // read again at every connection: another process may have pinned it meanwhile
    const verdict = checkHostKey(readKnownHosts(file), host, port, key);
    if (verdict.status === 'match') return { ok: true };
    if (verdict.status === 'changed') return { ok: false, error: hostKeyChangedError(file, host, port, key, verdict.entries) };
    if (opts.strict)
      return { ok: false, error: new FlotillaError('AUTH', `no host key is recorded for ${hostPattern(host, port)} in ${file}, and this connection accepts only a recorded one: recreate the host so Flotilla records its key`) };
    await pinHostKey(file, host, port, key);
    return { ok: true, pinned: `Permanently added '${hostPattern(host, port)}' (${keyTypeOf(key)} ${fingerprint(key.toString('base64'))}) to ${file}` };
  } catch (e) {
    if (e instanceof FlotillaError && e.code === 'AUTH') return { ok: false, error: e }; // pinned otherwise meanwhile
    return { ok: false, error: new FlotillaError('INTERNAL', `cannot pin the host key of ${host} in ${file}: ${(e as Error).message}`) };
  }
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

/** The host key algorithms to offer first for host:port: those of its pinned keys (none when nothing is pinned). */
export function preferredHostKeyAlgorithms(file: string, host: string, port: number): string[] {
  return [...new Set(entriesFor(readKnownHosts(file), host, port).flatMap((e) => algorithmsForKeyType(e.keyType)))];
}
