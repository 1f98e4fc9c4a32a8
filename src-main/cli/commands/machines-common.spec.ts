// The machine verbs' own parsing: the user's shell for `machine env`, and the sizes `machine set` takes.
import { describe, expect, it } from 'vitest';
import { detectShell, sizeArg } from './machines-common';

describe('machine env shell', () => {
  it('detects the shell', () => {
    expect(detectShell({ SHELL: '/usr/bin/fish' }, 'linux')).toBe('fish');
    expect(detectShell({ SHELL: '/bin/bash' }, 'linux')).toBe('bash');
    expect(detectShell({ PSModulePath: 'x' }, 'win32')).toBe('powershell');
    expect(detectShell({}, 'win32')).toBe('cmd');
  });
});

describe('machine set sizes', () => {
  const mem = sizeArg('--memory', 'MB');
  const disk = sizeArg('--disk', 'GB');
  it('reads a bare number in the flag\'s unit and binary suffixes', () => {
    expect(mem('1536')).toBe(1536);
    expect(mem('512m')).toBe(512);
    expect(mem('2g')).toBe(2048);
    expect(mem('1.5G')).toBe(1536);
    expect(disk('40')).toBe(40);
    expect(disk('40g')).toBe(40);
    expect(disk('1t')).toBe(1024);
    expect(disk('2048m')).toBe(2);
  });
  it('refuses what is not a whole size, naming the flag and an example', () => {
    expect(() => mem('lots')).toThrow('invalid --memory "lots": expected a size like 2048, 512m or 2g');
    expect(() => mem('2x')).toThrow('invalid --memory "2x"');
    expect(() => disk('1500m')).toThrow('invalid --disk "1500m": it must be a whole number of GB above 0 (e.g. 40g)');
    expect(() => disk('0')).toThrow('above 0');
  });
});
