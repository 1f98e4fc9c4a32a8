import { describe, expect, it } from 'vitest';
import { buildRoute } from './image';

describe('lab image build route', () => {
  it('debootstrap where it can run, else the Dockerfile; FLOTILLA_LAB_BUILD wins', () => {
    expect(buildRoute({}, true)).toBe('debootstrap');
    expect(buildRoute({}, false)).toBe('dockerfile');
    expect(buildRoute({ FLOTILLA_LAB_BUILD: 'dockerfile' }, true)).toBe('dockerfile');
    expect(buildRoute({ FLOTILLA_LAB_BUILD: 'debootstrap' }, false)).toBe('debootstrap');
  });
  it('names a wrong FLOTILLA_LAB_BUILD and the values it takes', () => {
    expect(() => buildRoute({ FLOTILLA_LAB_BUILD: 'kaniko' }, true)).toThrow(/FLOTILLA_LAB_BUILD=kaniko is not a lab build route: use debootstrap or dockerfile/);
  });
});
