import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { Reorder, timeKey } from './stack-logs';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const ts = (s: number, frac = ''): string => `2026-12-07T00:00:${String(s).padStart(2, '0')}${frac}Z`;

it('timeKey pads the fraction the engine trims, so keys compare as text', () => {
  expect(timeKey(ts(1, '.5')) > timeKey(ts(1, '.123456789'))).toBe(true);
  expect(timeKey(ts(1)) < timeKey(ts(1, '.000000001'))).toBe(true);
});

it('holds live lines for the window and sends them in time order across streams', () => {
  const out: string[] = [];
  const r = new Reorder<string>((v) => out.push(v), 1000, () => Date.now());
  r.push(ts(2), 'b@2'); // a fast stream
  vi.advanceTimersByTime(400);
  r.push(ts(1), 'a@1'); // a slower stream's older line
  r.push(ts(3), 'a@3');
  expect(out).toEqual([]);
  vi.advanceTimersByTime(600); // b@2 is due: everything up to its time leaves, sorted
  expect(out).toEqual(['a@1', 'b@2']);
  vi.advanceTimersByTime(400); // a@3's window has passed
  expect(out).toEqual(['a@1', 'b@2', 'a@3']);
  r.dispose();
});

it('a line later than the window still goes out (never dropped); flush sends what is held, in order', () => {
  const out: string[] = [];
  const r = new Reorder<string>((v) => out.push(v), 1000, () => Date.now());
  r.push(ts(5), 'x@5');
  vi.advanceTimersByTime(1000);
  r.push(ts(4), 'late@4');
  expect(out).toEqual(['x@5', 'late@4']);
  r.push(ts(9, '.5'), 'y@9.5');
  r.push(ts(9, '.25'), 'z@9.25');
  r.flush();
  expect(out).toEqual(['x@5', 'late@4', 'z@9.25', 'y@9.5']);
  r.dispose();
});
