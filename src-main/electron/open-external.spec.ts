import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn() } }));
const { externalUrl } = await import('./open-external');

describe('externalUrl: what a port link may open', () => {
  it('passes http and https links, normalised', () => {
    expect(externalUrl('http://10.88.67.11:8080')).toEqual({ url: 'http://10.88.67.11:8080/' });
    expect(externalUrl('https://[fd00::1]:443/x')).toEqual({ url: 'https://[fd00::1]/x' });
  });
  it('refuses other schemes, credentials, non-strings and junk with the reason', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'http://user:pw@host/', 'not a url', '']) {
      const r = externalUrl(bad);
      expect('error' in r, bad).toBe(true);
    }
    expect(externalUrl(42)).toEqual({ error: expect.stringContaining('one URL') });
    expect(externalUrl('http://x/' + 'a'.repeat(3000))).toEqual({ error: expect.stringContaining('2048') });
  });
});
