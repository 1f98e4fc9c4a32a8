import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { algorithmsForKeyType, checkHostKey, editKnownHosts, fingerprint, forgetHost, hostKeyChangedError, hostPattern, keyTypeOf, parseKnownHosts, pinHostKey, preferredHostKeyAlgorithms, readKnownHosts, recordHostKeys, verifyHostKey } from './known-hosts';

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

  it('forgets every line naming host:port (either spelling), keeping comments and other hosts', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const b64 = keyA.toString('base64');
    fs.writeFileSync(file, `# mine\n10.0.0.1 ssh-ed25519 ${b64}\n[10.0.0.1]:22 ssh-rsa ${b64}\n[10.0.0.1]:2222 ssh-ed25519 ${b64}\n10.0.0.2 ssh-ed25519 ${b64}\n`);
    await forgetHost(file, '10.0.0.1', 22);
    expect(fs.readFileSync(file, 'utf8')).toBe(`# mine\n[10.0.0.1]:2222 ssh-ed25519 ${b64}\n10.0.0.2 ssh-ed25519 ${b64}\n`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    await forgetHost(path.join(dir, 'missing', 'known_hosts'), 'h', 22); // nothing pinned: nothing written
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('records keys learned elsewhere in place of whatever was pinned for the address', async () => {
    await pinHostKey(file, '10.0.0.1', 22, keyA);
    await pinHostKey(file, '10.0.0.2', 22, keyA);
    await recordHostKeys(file, '10.0.0.1', 22, [`ssh-ed25519 ${keyB.toString('base64')} root@node`, `ecdsa-sha2-nistp256 ${keyA.toString('base64')}`]);
    expect(fs.readFileSync(file, 'utf8').split('\n')).toEqual([
      `10.0.0.2 ssh-ed25519 ${keyA.toString('base64')}`,
      `10.0.0.1 ssh-ed25519 ${keyB.toString('base64')}`,
      `10.0.0.1 ecdsa-sha2-nistp256 ${keyA.toString('base64')}`,
      '',
    ]);
    expect(checkHostKey(readKnownHosts(file), '10.0.0.1', 22, keyB).status).toBe('match');
    expect(preferredHostKeyAlgorithms(file, '10.0.0.1', 22)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    await expect(recordHostKeys(file, '10.0.0.1', 22, [''])).rejects.toThrow(/no host key to record/);
  });

  it('verifies: pins an unknown host once (saying so), accepts it after, refuses a changed key or, when strict, an unknown one', async () => {
    const first = await verifyHostKey(file, 'h', 2222, keyA);
    expect(first).toEqual({ ok: true, pinned: `Permanently added '[h]:2222' (ssh-ed25519 ${fingerprint(keyA.toString('base64'))}) to ${file}` });
    expect(await verifyHostKey(file, 'h', 2222, keyA)).toEqual({ ok: true });
    const changed = await verifyHostKey(file, 'h', 2222, keyB);
    expect(changed.ok).toBe(false);
    if (changed.ok) throw new Error('unreachable');
    expect(changed.error.code).toBe('AUTH');
    expect(changed.error.message).toContain(`delete line 1 of ${file}`);
    const strict = await verifyHostKey(file, 'other', 22, keyA, { strict: true });
    expect(strict.ok).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(`[h]:2222 ssh-ed25519 ${keyA.toString('base64')}\n`);
  });

  it('takes edits in turn: concurrent pins of different hosts all land', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => pinHostKey(file, `10.0.1.${i}`, 22, keyA)));
    await editKnownHosts(file, (lines) => lines); // no change: no rewrite needed, still all there
    expect(readKnownHosts(file).map((e) => e.hosts[0]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `10.0.1.${i}`).sort());
  });
});
