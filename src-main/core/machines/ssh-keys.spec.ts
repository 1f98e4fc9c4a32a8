import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { generateReadableKeyPair, publicKeyOf } from './ssh-keys';

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
