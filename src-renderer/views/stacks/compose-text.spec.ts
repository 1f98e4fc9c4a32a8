// Tables for the editor's readings of compose text: schema by version, variables, file references, marker ranges.
import { describe, expect, it } from 'vitest';
import { fileRefs, markerRange, schemaFor, variableRefs, variableRows, versionOf } from './compose-text';

describe('schema by version', () => {
  it.each([
    ['version: "3.9"\n', '3.9', '3.9'],
    ["version: '3.2'\n", '3.2', '3.2'],
    ['version: 3.8 # comment\n', '3.8', '3.8'],
    ['version: "3.0"\n', '3.0', '3.0'],
    ['version: "3.3"\n', '3.3', '3.3'],
    ['version: "3.10"\n', '3.10', '3.10'],
    ['version: "3.12"\n', '3.12', '3.12'],
    ['version: "3.13"\n', '3.13', '3.13'],
    ['version: "3"\n', '3', '3.13'],
    ['version: "3.14"\n', '3.14', '3.13'],
    ['version: "2.4"\n', '2.4', '3.13'],
    ['services: {}\n', undefined, '3.13'],
    ['services:\n  a:\n    version: "3.1"\n', undefined, '3.13'],
  ])('%j -> version %s, schema %s', (text, version, schema) => {
    expect(versionOf(text)).toBe(version);
    expect(schemaFor(versionOf(text))).toBe(schema);
  });
});

describe('variables', () => {
  const text = [
    'services:',
    '  web:',
    '    image: nginx:${TAG:-latest}',
    '    environment:',
    '      DB: ${DB_HOST:?set the database host}',
    '      PLAIN: $PLAIN and $$ESCAPED and $${ALSO_ESCAPED}',
    '      OPT: ${OPT-}',
    '      NEED: ${NEED?}',
    '# ${COMMENTED}',
    '      AGAIN: ${TAG}',
  ].join('\n');

  it('finds each variable once, with its first line, default and required message; $$ is not a variable', () => {
    expect(variableRefs(text)).toEqual([
      { name: 'TAG', line: 3, defaultValue: 'latest' },
      { name: 'DB_HOST', line: 5, required: 'set the database host' },
      { name: 'PLAIN', line: 6 },
      { name: 'OPT', line: 7, defaultValue: '' },
      { name: 'NEED', line: 8, required: 'NEED is required' },
    ]);
  });

  it('says what each will be: set, default, missing (required) or an empty string', () => {
    const rows = variableRows(variableRefs(text), { PLAIN: 'x', NEED: '' });
    expect(Object.fromEntries(rows.map((r) => [r.name, r.status]))).toEqual({ TAG: 'default', DB_HOST: 'missing-required', PLAIN: 'set', OPT: 'default', NEED: 'set' });
    expect(variableRows([{ name: 'X', line: 1 }], {})[0].status).toBe('unset-empty');
  });
});

describe('file references', () => {
  it('lists secrets and configs read from files and env_file entries, with their lines', () => {
    const text = [
      'services:',
      '  db:',
      '    image: mysql',
      '    env_file: ./db.env',
      '  web:',
      '    image: nginx',
      '    env_file:',
      '      - a.env',
      '      - b.env',
      'secrets:',
      '  db_password:',
      '    file: ./db_password.txt',
      '  outside:',
      '    external: true',
      'configs:',
      '  nginx_conf:',
      '    file: nginx.conf',
    ].join('\n');
    expect(fileRefs(text)).toEqual([
      { kind: 'secret', key: 'db_password', file: './db_password.txt', line: 12 },
      { kind: 'config', key: 'nginx_conf', file: 'nginx.conf', line: 17 },
      { kind: 'env_file', key: 'db', file: './db.env', line: 4 },
      { kind: 'env_file', key: 'web', file: 'a.env', line: 8 },
      { kind: 'env_file', key: 'web', file: 'b.env', line: 9 },
    ]);
  });
  it('is empty for text that is not a mapping', () => {
    expect(fileRefs('- a\n- b\n')).toEqual([]);
    expect(fileRefs(': : :\n\t')).toEqual([]);
  });
});

describe('marker ranges', () => {
  const text = 'services:\n  web:\n    deploy:\n      replicas: two\n    ports:\n      - "80:80"\n';
  const d = (line: number, column: number) => ({ severity: 'error' as const, message: 'm', line, column, path: 'p' });
  it.each([
    ['a key', d(4, 7), { startLineNumber: 4, startColumn: 7, endColumn: 15 }],
    ['column 1 on an indented line starts at the text', d(4, 1), { startLineNumber: 4, startColumn: 7, endColumn: 15 }],
    ['a list item spans the dash and the value', d(6, 7), { startLineNumber: 6, startColumn: 7, endColumn: 16 }],
    ['a line past the end is clamped to the last line', d(99, 1), { startLineNumber: 7, startColumn: 1, endColumn: 2 }],
    ['line 0 is line 1', d(0, 0), { startLineNumber: 1, startColumn: 1, endColumn: 9 }],
  ])('%s', (_name, diag, want) => {
    const r = markerRange(diag, text);
    expect({ startLineNumber: r.startLineNumber, startColumn: r.startColumn, endColumn: r.endColumn }).toEqual(want);
    expect(r.endLineNumber).toBe(r.startLineNumber);
    expect(r.code).toBe('p');
  });
});
