import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BacklogGate, sortByTime, timeKey } from './backlog';

const l = (text: string, timestamp?: string) => ({ stream: 'stdout' as const, text, timestamp });

describe('sortByTime', () => {
  it('merges per-task backlogs in time order, nanosecond fractions of any length', () => {
    const task1 = [l('a1', '2024-05-01T10:00:00.5Z'), l('a2', '2024-05-01T10:00:02.123456789Z')];
    const task2 = [l('b1', '2024-05-01T10:00:00.123Z'), l('b2', '2024-05-01T10:00:02.12Z'), l('b3', '2024-05-01T10:00:03Z')];
    expect(sortByTime([...task1, ...task2]).map((x) => x.text)).toEqual(['b1', 'a1', 'b2', 'a2', 'b3']);
  });

  it('keeps the arrival order for equal times and when a line has no timestamp', () => {
    expect(sortByTime([l('x', '2024-05-01T10:00:00Z'), l('y', '2024-05-01T10:00:00Z')]).map((x) => x.text)).toEqual(['x', 'y']);
    expect(sortByTime([l('late', '2024-05-01T10:00:09Z'), l('none')]).map((x) => x.text)).toEqual(['late', 'none']);
    expect(timeKey('2024-05-01T10:00:02.12Z')).toBe('2024-05-01T10:00:02.120000000Z');
  });
});

describe('BacklogGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const ts = (s: number) => `2024-05-01T10:00:${String(s).padStart(2, '0')}Z`;

  it('sorts a backlog that starts late (a slow engine), timed from its first line, not from subscribing', () => {
    const shown: string[] = [];
    const gate = new BacklogGate((x) => shown.push(x.text));
    vi.advanceTimersByTime(2000); // nothing yet: the old 400 ms window from subscribing had closed here
    // the engine copies stdout and stderr apart: the burst is not in time order
    gate.push(l('err 3', ts(3)));
    vi.advanceTimersByTime(100);
    gate.push(l('out 1', ts(1)));
    gate.push(l('out 2', ts(2)));
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(499);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual(['out 1', 'out 2', 'err 3']);
    // after the burst, lines show as they come
    gate.push(l('late 9', ts(9)));
    gate.push(l('late 8', ts(8)));
    expect(shown.slice(3)).toEqual(['late 9', 'late 8']);
  });

  it('a log that never pauses is handed on in order at most maxMs after its first line', () => {
    const shown: string[] = [];
    const gate = new BacklogGate((x) => shown.push(x.text), 500, 3000);
    for (let i = 40; i > 0; i--) {
      gate.push(l(`n${i}`, ts(i)));
      vi.advanceTimersByTime(100); // never quiet for 500 ms
    }
    expect(shown.length).toBeGreaterThan(0);
    // the 31 lines of the first 3 s, sorted; the rest passed through as they came
    expect(shown.slice(0, 31)).toEqual(Array.from({ length: 31 }, (_, k) => `n${k + 10}`));
    expect(shown.slice(31)).toEqual(['n9', 'n8', 'n7', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1']);
  });

  it('drops what it holds when disposed (the stream was closed)', () => {
    const shown: string[] = [];
    const gate = new BacklogGate((x) => shown.push(x.text));
    gate.push(l('a', ts(1)));
    gate.dispose();
    vi.advanceTimersByTime(5000);
    expect(shown).toEqual([]);
  });
});
