import { describe, expect, it } from 'vitest';
import { takeToken, tokenProtocols, TOKEN_KEY } from './token';

function place(href: string, stored?: string) {
  const store = new Map<string, string>(stored ? [[TOKEN_KEY, stored]] : []);
  const replaced: string[] = [];
  return {
    store,
    replaced,
    place: {
      href,
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
      replaceUrl: (u: string) => void replaced.push(u),
    },
  };
}

describe('the page token', () => {
  it('takes the token from the address, keeps it for reloads and removes it from the address bar', () => {
    const p = place('http://127.0.0.1:7370/?demo=board&token=abc_DEF-1&nodes=30#board');
    expect(takeToken(p.place)).toBe('abc_DEF-1');
    expect(p.store.get(TOKEN_KEY)).toBe('abc_DEF-1');
    expect(p.replaced).toEqual(['/?demo=board&nodes=30#board']);
  });

  it('leaves a bare address as it is', () => {
    const p = place('http://127.0.0.1:7370/?token=abc#services');
    takeToken(p.place);
    expect(p.replaced).toEqual(['/#services']);
  });

  it('after a reload (no token in the address) uses the kept one and touches nothing', () => {
    const p = place('http://127.0.0.1:7370/#board', 'kept');
    expect(takeToken(p.place)).toBe('kept');
    expect(p.replaced).toEqual([]);
  });

  it('a new token in the address replaces a kept one (serve restarted)', () => {
    const p = place('http://127.0.0.1:7370/?token=new', 'old');
    expect(takeToken(p.place)).toBe('new');
    expect(p.store.get(TOKEN_KEY)).toBe('new');
  });

  it('no token anywhere: undefined', () => {
    expect(takeToken(place('http://127.0.0.1:7370/').place)).toBeUndefined();
  });

  it('offers the token as a subprotocol only when it is base64url', () => {
    expect(tokenProtocols('abc_DEF-1')).toEqual(['flotilla.v1', 'flotilla.token.abc_DEF-1']);
    expect(tokenProtocols('a b')).toBeUndefined();
    expect(tokenProtocols('a,b')).toBeUndefined();
    expect(tokenProtocols('')).toBeUndefined();
  });
});
