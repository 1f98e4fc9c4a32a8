import { describe, expect, it } from 'vitest';
import { formatMemory } from './format-memory';

describe('formatMemory', () => {
  it('prints what every view prints: one decimal in GiB, MiB under 1 GiB, a dash when unknown', () => {
    expect(formatMemory(23.5 * 1024 ** 3)).toBe('23.5 GiB');
    expect(formatMemory(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatMemory(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatMemory(undefined)).toBe('—');
  });
});
