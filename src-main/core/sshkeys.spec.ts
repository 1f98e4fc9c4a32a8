import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { ensureKeyPairFiles, generateReadableKeyPair, publicKeyOf } from './sshkeys';

describe('generateReadableKeyPair', () => {
  it('every pair it returns is one ssh2 parses back, with the public line matching', () => {
    // ssh2 alone makes an unreadable ed25519 key about 1 in 250 times; 1000 pairs would hit several
    for (let i = 0; i < 1000; i++) {
      const pair = generateReadableKeyPair('flotilla-t');
      const parsed = ssh2.utils.parseKey(pair.private);
      expect(parsed).not.toBeInstanceOf(Error);
      expect(pair.public.trim().startsWith(publicKeyOf(pair.private))).toBe(true);
    }
  });
});

describe('ensureKeyPairFiles', () => {
  const mode = (f: string): number => fs.statSync(f).mode & 0o777;

  it('makes the pair once (private 0600, public with the mode asked, folder 0700) and reuses it after', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-keys-')), 'lab');
    const identity = path.join(dir, 'id_ed25519');
    const first = await ensureKeyPairFiles(identity, 'flotilla-lab-t', 0o644);
    expect(first.identity).toBe(identity);
    expect(first.publicKey).toMatch(/^ssh-ed25519 \S+ flotilla-lab-t$/);
    expect(first.publicKey.startsWith(publicKeyOf(fs.readFileSync(identity, 'utf8')))).toBe(true);
    expect([mode(dir), mode(identity), mode(`${identity}.pub`)]).toEqual([0o700, 0o600, 0o644]);
    // a private key loosened by hand is made 0600 again; the pair itself is kept
    fs.chmodSync(identity, 0o644);
    const again = await ensureKeyPairFiles(identity, 'flotilla-lab-t', 0o644);
    expect(again).toEqual(first);
    expect(mode(identity)).toBe(0o600);
  });

  it('makes a new pair when either half is missing', async () => {
    const identity = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-keys-')), 'id_ed25519');
    const first = await ensureKeyPairFiles(identity, 'c', 0o600);
    fs.rmSync(`${identity}.pub`);
    const second = await ensureKeyPairFiles(identity, 'c', 0o600);
    expect(second.publicKey).not.toBe(first.publicKey);
    fs.rmSync(identity);
    const third = await ensureKeyPairFiles(identity, 'c', 0o600);
    expect(third.publicKey).not.toBe(second.publicKey);
    expect(mode(`${identity}.pub`)).toBe(0o600);
  });
});
