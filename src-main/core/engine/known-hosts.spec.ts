import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { algorithmsForKeyType, checkHostKey, fingerprint, hostKeyChangedError, hostPattern, keyTypeOf, parseKnownHosts, pinHostKey, readKnownHosts } from './known-hosts';

function wireKey(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}
const keyA = wireKey('ssh-ed25519', 'aaaa-key-material');
const keyB = wireKey('ssh-ed25519', 'bbbb-key-material');

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-kh-'));
  file = path.join(dir, 'sub', 'known_hosts');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('writes OpenSSH-style host patterns', () => {
    expect(hostPattern('10.88.0.11', 22)).toBe('10.88.0.11');
    expect(hostPattern('10.88.0.11', 2222)).toBe('[10.88.0.11]:2222');
  });

  it('reads the key type from the wire format', () => {
    expect(keyTypeOf(keyA)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([1]))).toBe('unknown');
    expect(algorithmsForKeyType('ssh-rsa')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('pins on first use, then matches the same key and reports a changed one', async () => {
    expect(readKnownHosts(file)).toEqual([]);
    expect(checkHostKey(readKnownHosts(file), '10.88.0.11', 22, keyA).status).toBe('unknown');
    await pinHostKey(file, '10.88.0.11', 22, keyA);
    await pinHostKey(file, '10.88.0.12', 2222, keyB);
    // pinned meanwhile (by another process): the same key is not added twice, another key is refused
    await pinHostKey(file, '10.88.0.11', 22, keyA);
    await expect(pinHostKey(file, '10.88.0.12', 2222, keyA)).rejects.toThrow(/host key of \[10\.88\.0\.12\]:2222 has changed/);
    expect(fs.readFileSync(file, 'utf8')).toBe(`10.88.0.11 ssh-ed25519 ${keyA.toString('base64')}\n[10.88.0.12]:2222 ssh-ed25519 ${keyB.toString('base64')}\n`);
    const entries = readKnownHosts(file);
    expect(checkHostKey(entries, '10.88.0.11', 22, keyA).status).toBe('match');
    expect(checkHostKey(entries, '10.88.0.12', 2222, keyB).status).toBe('match');
    // same address, other port: a different host as far as pinning goes
    expect(checkHostKey(entries, '10.88.0.12', 22, keyB).status).toBe('unknown');
    const v = checkHostKey(entries, '10.88.0.11', 22, keyB);
    expect(v.status).toBe('changed');
    if (v.status !== 'changed') throw new Error('unreachable');
    const err = hostKeyChangedError(file, '10.88.0.11', 22, keyB, v.entries);
    expect(err.code).toBe('AUTH');
    expect(err.message).toContain('10.88.0.11');
    expect(err.message).toContain(`delete line 1 of ${file}`);
    expect(err.message).toContain(fingerprint(keyA.toString('base64')));
  });

  it('skips comments, hashed names and markers, and accepts [host]:22 and host lists', () => {
    const text = ['# comment', '|1|abc=|def= ssh-ed25519 AAAA', '@revoked 10.0.0.1 ssh-ed25519 AAAA', '', `a.example,[10.0.0.9]:22 ssh-ed25519 ${keyA.toString('base64')}`].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(1);
    expect(entries[0].line).toBe(5);
    expect(checkHostKey(entries, '10.0.0.9', 22, keyA).status).toBe('match');
    expect(checkHostKey(entries, 'a.example', 22, keyA).status).toBe('match');
  });

  it('appends on a new line when the file does not end with one', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '# mine');
    await pinHostKey(file, 'h', 22, keyA);
    expect(fs.readFileSync(file, 'utf8').split('\n')[1]).toMatch(/^h ssh-ed25519 /);
  });
});
