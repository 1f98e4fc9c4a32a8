import { describe, expect, it } from 'vitest';
import { parseYaml, positionOf } from './yaml';

describe('parseYaml (yaml.v3 rules)', () => {
  it.each([
    ['mode: 0440', { mode: 288 }],
    ['n: 1_000', { n: 1000 }],
    ['n: 0x1F', { n: 31 }],
    ['n: 0o17', { n: 15 }],
    ['p: 5000:80', { p: '5000:80' }],
    ['b: yes', { b: 'yes' }],
    ['b: true', { b: true }],
    ['f: 1.5', { f: 1.5 }],
    ['z: ~', { z: null }],
    ['1: one', { '1': 'one' }],
  ])('%s', (src, want) => {
    expect(parseYaml(src).value).toEqual(want);
  });

  it('merges << anchors, explicit keys win, and keeps positions', () => {
    const r = parseYaml('x-a: &a\n  image: foo\n  tty: true\nservices:\n  web:\n    <<: *a\n    image: bar\n');
    expect(r.value).toEqual({ 'x-a': { image: 'foo', tty: true }, services: { web: { image: 'bar', tty: true } } });
    expect(r.positions.get('services.web.image')).toEqual({ line: 7, column: 5 });
    expect(r.positions.get('services.web.tty')).toEqual({ line: 3, column: 3 });
    expect(positionOf(r.positions, 'services.web.image.0.x')).toEqual({ line: 7, column: 5 });
  });

  it('positions list items', () => {
    const r = parseYaml('services:\n  web:\n    ports:\n      - "80"\n      - 443\n');
    expect(r.positions.get('services.web.ports.1')).toEqual({ line: 5, column: 9 });
  });

  it('reports syntax errors with a position', () => {
    const r = parseYaml('services:\n  web:\n   image: [a\n');
    expect(r.error?.line).toBeGreaterThan(0);
  });
});
