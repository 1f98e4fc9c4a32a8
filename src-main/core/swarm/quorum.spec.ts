import { describe, expect, it } from 'vitest';
import { majorityOf, quorumReport, toleratesOf } from './quorum';

describe('raft quorum arithmetic', () => {
  it('majority and tolerance per manager count', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(majorityOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect([1, 2, 3, 4, 5, 6, 7].map(toleratesOf)).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('promoting to an even count warns that it adds no tolerance', () => {
    const r = quorumReport(3, 3, 1);
    expect(r.managersAfter).toBe(4);
    expect(r.majority).toBe(3);
    expect(r.tolerates).toBe(1);
    expect(r.warnings).toEqual(['4 managers is an even count: it tolerates 1 failure, no more than 3 managers would; use an odd number of managers']);
    expect(r.arithmetic).toBe('4 managers: majority = floor(4/2)+1 = 3, tolerates 4 - 3 = 1 failure; 4 reachable');
  });

  it('promoting 1 -> 2 warns: 2 managers tolerate nothing', () => {
    expect(quorumReport(1, 1, 1).warnings[0]).toMatch(/^2 managers is an even count: it tolerates 0 failures/);
  });

  it('demoting when a manager is already down loses quorum', () => {
    // 3 managers, one unreachable; demote a reachable one -> 2 managers, 1 reachable, majority 2
    const r = quorumReport(3, 2, -1, true);
    expect(r.warnings).toContain('quorum lost: only 1 of 2 managers would be reachable, and raft needs 2 (a majority) to make any change');
    expect(r.warnings).toContain('fault tolerance drops from 1 to 0 manager failures');
  });

  it('demoting 3 -> 2 healthy warns about the even count and the lost tolerance, not quorum', () => {
    const r = quorumReport(3, 3, -1);
    expect(r.warnings.some((w) => w.startsWith('quorum lost'))).toBe(false);
    expect(r.warnings).toHaveLength(2);
  });

  it('5 -> 4 healthy: even count, tolerance unchanged at 1 -> no tolerance warning', () => {
    const r = quorumReport(5, 5, -1);
    expect(r.tolerates).toBe(1);
    expect(r.warnings).toEqual(['4 managers is an even count: it tolerates 1 failure, no more than 3 managers would; use an odd number of managers', 'fault tolerance drops from 2 to 1 manager failure']);
  });
});
