// The compose loader under fuzzing (fast-check): alias bombs, deep nesting, huge scalars, random bytes, and
// truncations and mutations of every real compose file in the repository. Each input must end in a result or a
// Flotilla error (a diagnostic that names a position, never a JavaScript internal error), within the loader's time
// budget and without the heap growing past a bound. Over 10,000 inputs in all.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlotillaError } from '../../src-main/api/errors';
import { loadStack } from '../../src-main/core/stacks/loader';
import { YAML_LIMITS } from '../../src-main/core/stacks/yaml';

const root = path.resolve(__dirname, '../fixtures/stacks');
const corpus = ['valid', 'invalid'].flatMap((d) =>
  fs
    .readdirSync(path.join(root, d))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => fs.readFileSync(path.join(root, d, f), 'utf8')),
);

/** JavaScript's own failures leaking out as a message: the loader must have turned them into its own words */
const INTERNAL = /Cannot read prop|is not a function|is not iterable|Maximum call stack|Invalid string length|out of memory|Cannot convert|undefined is not|\[object Object\]/;
/**
 * CPU time (not wall time: the build machines run eight test runs at once) an input may take: the loader's budget
 * is checked between steps, so one step may finish past it, but never by more than a parse of the largest file
 */
const PER_INPUT_CPU_MS = YAML_LIMITS.budgetMs + 2_000;
const HEAP_GROWTH = 512 * 1024 * 1024;

const stats = { inputs: 0, results: 0, errors: 0, slowest: 0 };
const heapAtStart = process.memoryUsage().heapUsed;

function check(content: string): void {
  const started = process.cpuUsage();
  let outcome: 'result' | 'error';
  try {
    const r = loadStack({
      files: [{ file: '/fuzz/docker-compose.yml', content }],
      env: { TAG: '1', HOME: '/root' },
      workingDir: '/fuzz',
      // env_file and the like: the fuzzed paths are never read from this machine's disk
      readFile: (p) => {
        throw new FlotillaError('NOT_FOUND', `open ${p}: no such file or directory`);
      },
    });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (r.config) expect(errors).toEqual([]);
    else expect(errors.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) {
      expect(d.message).not.toMatch(INTERNAL);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
    outcome = r.config ? 'result' : 'error';
  } catch (e) {
    expect(e).toBeInstanceOf(FlotillaError);
    outcome = 'error';
  }
  const cpu = process.cpuUsage(started);
  const ms = (cpu.user + cpu.system) / 1000;
  stats.inputs++;
  stats[outcome === 'result' ? 'results' : 'errors']++;
  stats.slowest = Math.max(stats.slowest, ms);
  expect(ms).toBeLessThan(PER_INPUT_CPU_MS);
  if (stats.inputs % 500 === 0) expect(process.memoryUsage().heapUsed - heapAtStart).toBeLessThan(HEAP_GROWTH);
}

const corpusFile = fc.constantFrom(...corpus);

/** a truncation, or a handful of byte-level edits (insert, delete, replace with YAML's own punctuation) */
const mutated = fc.oneof(
  fc.tuple(corpusFile, fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => s.slice(0, Math.floor(s.length * f))),
  fc
    .tuple(
      corpusFile,
      fc.array(
        fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          del: fc.nat({ max: 8 }),
          ins: fc.oneof(fc.constantFrom('&a ', '*a', '<<: *a\n', '[', '{', ']', '}', '- ', ': ', '\n  ', '\t', '"', "'", '|', '>', '#', '${', '$$', '!!binary ', '? ', '---\n', '\u0000', '\uFEFF', '0x', '~'), fc.string({ maxLength: 6 })),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([s, edits]) => edits.reduce((acc, e) => { const i = Math.floor(acc.length * e.at); return acc.slice(0, i) + e.ins + acc.slice(i + e.del); }, s)),
  // two real files spliced: structure from one, the rest of the other
  fc.tuple(corpusFile, corpusFile, fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b, f]) => a.slice(0, Math.floor(a.length * f)) + b.slice(Math.floor(b.length * f))),
);

/** `levels` of anchors, each a list of `fan` aliases to the one before (the billion laughs in YAML) */
const aliasBomb = fc.record({ levels: fc.integer({ min: 1, max: 12 }), fan: fc.integer({ min: 1, max: 12 }), merge: fc.boolean() }).map(({ levels, fan, merge }) => {
  const lines = ['version: "3.9"', 'x-a0: &a0 [x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++) lines.push(merge ? `x-a${i}: &a${i}\n${Array.from({ length: fan }, (_, j) => `  k${j}: *a${i - 1}`).join('\n')}` : `x-a${i}: &a${i} [${Array(fan).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push(`services:\n  web:\n    image: nginx\n    labels:\n      <<: *a${levels}`);
  return lines.join('\n') + '\n';
});

const selfReference = fc.constantFrom('a: &a [*a]\n', 'a: &a {b: *a}\n', 'services: &s\n  web: *s\n', 'x: &m\n  <<: *m\n', 'a: &a\n  - - - *a\n');

/** flow, block and compact nesting, from a little to very deep */
const deep = fc.record({ n: fc.integer({ min: 1, max: 100_000 }), kind: fc.constantFrom('flow-seq', 'flow-map', 'dash', 'block', 'question'), closed: fc.boolean() }).map(({ n, kind, closed }) => {
  if (kind === 'flow-seq') return `x: ${'['.repeat(n)}${closed ? ']'.repeat(n) : ''}\n`;
  if (kind === 'flow-map') return `x: ${'{a: '.repeat(n)}${closed ? '1' + '}'.repeat(n) : ''}\n`;
  if (kind === 'dash') return `x:\n  ${'- '.repeat(n)}1\n`;
  if (kind === 'question') return `${'? '.repeat(n)}1\n`;
  return Array.from({ length: Math.min(n, 600) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
});

/** scalars around and past the size limit, plain, quoted and block */
const huge = fc.record({ size: fc.integer({ min: 1_000, max: 200_000 }), style: fc.constantFrom('plain', 'double', 'single', 'block'), char: fc.constantFrom('x', ' ', '$', '\\', '"', "'", 'é', '\n') }).map(({ size, style, char }) => {
  const body = char.repeat(size);
  if (style === 'plain') return `services:\n  web:\n    image: ${body}\n`;
  if (style === 'double') return `services:\n  web:\n    image: "${body}"\n`;
  if (style === 'single') return `services:\n  web:\n    image: '${body}'\n`;
  return `services:\n  web:\n    image: nginx\n    command: |\n      ${body.replace(/\n/g, '\n      ')}\n`;
});

const randomBytes = fc.uint8Array({ maxLength: 4_096 }).map((b) => Buffer.from(b).toString('utf8'));
const randomYamlish = fc.array(fc.constantFrom('a', 'b', ':', ' ', '\n', '-', '[', ']', '{', '}', ',', '&x', '*x', '"', "'", '#', '|', '>', '<<', '${A}', '?', '!', '%', '@', '`', '\t', '0', '1'), { maxLength: 400 }).map((t) => t.join(''));

describe('compose loader fuzz', () => {
  // numRuns add up to 10,060 inputs; the heavy kinds (deep, huge, bombs) get fewer runs than the cheap ones
  it.each([
    ['mutations and truncations of the real corpus', mutated, 4_500],
    ['random bytes', randomBytes, 3_000],
    ['random YAML punctuation', randomYamlish, 2_000],
    ['alias bombs', aliasBomb, 150],
    ['self-referencing aliases', selfReference, 50],
    ['deep nesting', deep, 300],
    ['huge scalars', huge, 60],
  ] as const)('%s end in a result or a Flotilla error within the budget', (_name, arb, numRuns) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<string>, (s) => check(s)),
      { numRuns, seed: Number(process.env.FLOTILLA_FUZZ_SEED ?? 20261206) },
    );
  }, 300_000);

  it('put over 10,000 inputs through the loader, some loading and some refused', () => {
    expect(stats.inputs).toBeGreaterThanOrEqual(10_000);
    expect(stats.results).toBeGreaterThan(100);
    expect(stats.errors).toBeGreaterThan(1_000);
    expect(process.memoryUsage().heapUsed - heapAtStart).toBeLessThan(HEAP_GROWTH);
  });
});
