import { describe, expect, it } from 'vitest';
import { cpuClock, parseYaml, positionOf } from './yaml';

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

describe('parseYaml limits (before the yaml library expands or recurses)', () => {
  /** `levels` of anchors, each a list of nine aliases to the one before: 9^levels values once expanded */
  const bomb = (levels: number) => {
    let s = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= levels; i++) s += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    return s;
  };

  it('refuses an alias bomb at its first alias, without expanding it', () => {
    for (const levels of [6, 7, 9]) {
      const r = parseYaml(bomb(levels));
      expect(r.value).toBeNull();
      expect(r.error?.message).toMatch(/^alias \*a\d+ expands to more than 50000 values \(an alias bomb\?\)/);
      expect(r.error?.line).toBeGreaterThan(1);
    }
  });

  it('keeps aliases that expand to a reasonable size', () => {
    expect(parseYaml(bomb(3)).value).toMatchObject({ a3: expect.any(Array) });
    expect(parseYaml('x: &d {a: 1}\ns:\n  w:\n    <<: *d\n    b: 2\n').value).toEqual({ x: { a: 1 }, s: { w: { a: 1, b: 2 } } });
  });

  it('names the line of a self-referencing alias', () => {
    expect(parseYaml('x: 1\na: &a [*a]\n').error).toEqual({ message: 'alias *a refers to the node that contains it (a self-referencing alias): point it at an anchor defined elsewhere', line: 2, column: 8 });
    expect(parseYaml('services:\n  web: &w\n    <<: *w\n').error).toMatchObject({ message: expect.stringContaining('alias *w refers to the node that contains it'), line: 3 });
  });

  it('refuses files over the size limit and nesting past the depth limit, found before the parser recurses', () => {
    expect(parseYaml(`a: ${'x'.repeat(300 * 1024)}\n`).error).toEqual({ message: 'the file is 301 KiB, more than the 128 KiB Flotilla reads: split it into several files', line: 1, column: 1 });
    for (const deep of ['['.repeat(100_000), '- '.repeat(50_000), `a:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n`]) {
      expect(parseYaml(deep).error?.message).toBe('nested more than 64 levels deep: no compose file needs that; flatten it');
    }
    // 64 real levels pass the lexer's estimate and are held to exactly by the document's depth
    expect(parseYaml(`a: ${'['.repeat(63)}${']'.repeat(63)}`).error).toBeUndefined();
    expect(parseYaml(`a: ${'['.repeat(64)}${']'.repeat(64)}`).error?.message).toMatch(/^nested more than 64 levels/);
    // an alias nests its anchor's node where it is used: depth counts after expansion
    const chain = ['a0: &a0 [x]', ...Array.from({ length: 70 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)].join('\n');
    expect(parseYaml(chain).error?.message).toMatch(/^nested more than 64 levels/);
  });

  it('stops when its time budget is spent', () => {
    expect(parseYaml(bomb(4), { deadline: cpuClock() - 1 }).error?.message).toMatch(/^checking the file took longer than its 3 s budget/);
  });

  it('turns the library refusals while building values into errors', () => {
    expect(parseYaml('a:\n  <<: 1\n').error?.message).toBeTruthy();
  });
});
