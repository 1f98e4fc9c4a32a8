import { describe, expect, it } from 'vitest';
import { base64ToBytes, splitForWrite, Utf8Stream } from './bytes';

const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));

describe('Utf8Stream', () => {
  it('keeps characters whole when the bytes are cut inside them', () => {
    const text = 'héllo € 😀 ünïcödé';
    const bytes = new TextEncoder().encode(text);
    // every cut point, as chunks would arrive from the channel (base64 on the wire)
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new Utf8Stream();
      const out = s.decode(base64ToBytes(b64(bytes.subarray(0, cut)))) + s.decode(base64ToBytes(b64(bytes.subarray(cut)))) + s.end();
      expect(out).toBe(text);
    }
  });

  it('one byte at a time', () => {
    const s = new Utf8Stream();
    let out = '';
    for (const b of new TextEncoder().encode('€😀')) out += s.decode(new Uint8Array([b]));
    expect(out).toBe('€😀');
    expect(out).not.toContain('\uFFFD');
  });

  it('a naive per-chunk decode would break them (why the stream decoder is needed)', () => {
    const bytes = new TextEncoder().encode('€');
    const naive = new TextDecoder().decode(bytes.subarray(0, 1)) + new TextDecoder().decode(bytes.subarray(1));
    expect(naive).toContain('\uFFFD');
  });
});

describe('splitForWrite', () => {
  it('short text goes as is; long text in pieces of at most max, surrogate pairs kept together', () => {
    expect(splitForWrite('abc', 10)).toEqual(['abc']);
    const text = 'a😀b😀c'; // a, (hi,lo), b, (hi,lo), c
    const parts = splitForWrite(text, 2);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2);
      expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p)).toBe(false);
    }
  });
});
