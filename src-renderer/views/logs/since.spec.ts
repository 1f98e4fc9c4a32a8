import { describe, expect, it } from 'vitest';
import { sinceValue } from './since';

describe('sinceValue', () => {
  it('passes seconds and relative times through', () => {
    expect(sinceValue(' 1700000000 ')).toEqual({ value: '1700000000' });
    expect(sinceValue('1700000000.25')).toEqual({ value: '1700000000.25' });
    expect(sinceValue('90s')).toEqual({ value: '90s' });
  });

  it('turns RFC 3339 into seconds, keeping every digit of the fraction', () => {
    expect(sinceValue('2023-11-14T22:13:20Z')).toEqual({ value: '1700000000.000' });
    expect(sinceValue('2023-11-14T23:13:20+01:00')).toEqual({ value: '1700000000.000' });
    expect(sinceValue('2023-11-14T22:13:20.123456789Z')).toEqual({ value: '1700000000.123456789' });
  });

  it('says what it takes when the text is no time', () => {
    const r = sinceValue('yesterday-ish');
    expect('error' in r && r.error).toMatch(/"yesterday-ish" is not a time: type 2026-12-03T17:50:00Z/);
    expect('error' in sinceValue('')).toBe(true);
  });
});
