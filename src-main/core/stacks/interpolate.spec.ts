import { describe, expect, it } from 'vitest';
import { interpolate, substitute, InterpolationError } from './interpolate';

const env = { TAG: '1.2', EMPTY: '', HOME: '/home/me', N: '3', YES: 'yes' };

describe('substitute', () => {
  it.each([
    ['plain', 'plain'],
    ['$TAG', '1.2'],
    ['${TAG}', '1.2'],
    ['img:${TAG}-x', 'img:1.2-x'],
    ['$$TAG', '$TAG'],
    ['a$$b', 'a$b'],
    ['${UNSET}', ''],
    ['$UNSET', ''],
    ['${EMPTY}', ''],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${TAG:-d}', '1.2'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET:-$TAG}', '$TAG'],
    ['$HOME-dir/x', '/home/me'],
    ['${EMPTY?e}', ''],
    ['${tag:-low}', 'low'],
  ])('%s -> %s', (t, want) => {
    expect(substitute(t, env)).toBe(want);
  });

  it.each([
    ['${UNSET:?need it}', 'required variable UNSET is missing a value: need it'],
    ['${EMPTY:?need it}', 'required variable EMPTY is missing a value: need it'],
    ['${UNSET?e}', 'required variable UNSET is missing a value: e'],
    ['$', '$'],
    ['a $1', 'a $1'],
    ['${ foo}', '${ foo}'],
    ['${', '${'],
  ])('%s fails', (t, msg) => {
    expect(() => substitute(t, env)).toThrow(msg);
  });
});

describe('interpolate', () => {
  it('never touches keys, casts changed values only', () => {
    const out = interpolate({ services: { web: { image: 'x:$TAG', deploy: { replicas: '$N' }, tty: '$YES', read_only: 'no', $KEY: 'v' } } }, env);
    expect(out).toEqual({ services: { web: { image: 'x:1.2', deploy: { replicas: 3 }, tty: true, read_only: 'no', $KEY: 'v' } } });
  });
  it('wraps errors with the dotted path like the CLI', () => {
    expect(() => interpolate({ services: { web: { image: '${' } } }, env)).toThrow(
      'invalid interpolation format for services.web.image: "${"; you may need to escape any $ with another $',
    );
    try {
      interpolate({ services: { web: { image: '${X:?set X}' } } }, env);
    } catch (e) {
      expect(e).toBeInstanceOf(InterpolationError);
      expect((e as InterpolationError).path).toBe('services.web.image');
      expect((e as Error).message).toContain('"required variable X is missing a value: set X"');
    }
  });
  it('reports failed casts', () => {
    expect(() => interpolate({ services: { web: { deploy: { replicas: '$TAG' } } } }, env)).toThrow(
      'error while interpolating services.web.deploy.replicas: failed to cast to expected type',
    );
  });
});
