// docker's number text: Go's %g, go-units BytesSize and HumanSizeWithPrecision(3), "%.2f%%".
import { describe, expect, it } from 'vitest';
import { bytesSize, goG, humanSize, percent } from './docker-units';

describe('text as docker prints it (go-units and %g)', () => {
  it("goG is Go's %.Ng", () => {
    expect(goG(1.5, 4)).toBe('1.5');
    expect(goG(0, 4)).toBe('0');
    expect(goG(123.456, 4)).toBe('123.5');
    expect(goG(1023.9, 4)).toBe('1024');
    expect(goG(999.9, 3)).toBe('1e+03');
    expect(goG(100, 3)).toBe('100');
    expect(goG(12.345, 3)).toBe('12.3');
  });
  it('MEM USAGE / LIMIT sizes are binary with 4 digits, NET and BLOCK I/O decimal with 3', () => {
    expect(bytesSize(0)).toBe('0B');
    expect(bytesSize(1536)).toBe('1.5KiB');
    expect(bytesSize(8_200_000_000)).toBe('7.637GiB');
    expect(bytesSize(540_672)).toBe('528KiB');
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(456)).toBe('456B');
    expect(humanSize(1234)).toBe('1.23kB');
    expect(humanSize(12_600_000)).toBe('12.6MB');
    expect(percent(0)).toBe('0.00%');
    expect(percent(99.996)).toBe('100.00%');
  });
});
