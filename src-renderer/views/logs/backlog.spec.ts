import { describe, expect, it } from 'vitest';
import { sortByTime, timeKey } from './backlog';

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
