// The failure digest `npm test` prints before its summary (scripts/test-digest.mjs), read from the JSON reports of
// real vitest and Playwright runs over fixtures that fail on purpose (test/fixtures/digest), so the report shapes it
// relies on are those of the installed versions, not a guess. (The vitest side goes through the project's own
// reporter, scripts/vitest-failures-reporter.mjs: vitest's json reporter drops a hook's error inside a describe.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { digest, firstLine } from '../../scripts/test-digest.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'digest');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-digest-'));
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

describe('the failure digest of npm test', () => {
  it('names each failed vitest test and a failed hook with the first line of its error', () => {
    const file = path.join(tmp, 'vitest.json');
    const r = spawnSync(bin('vitest'), ['run', '--config', path.join(fixtures, 'vitest.config.mjs'), '--reporter=./scripts/vitest-failures-reporter.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FLOTILLA_FAILURES_JSON: file },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(1);
    const lines = digest([{ kind: 'vitest', file, label: 'unit' }]);
    expect(lines).toEqual([
      'unit: failing.fixture.mjs > a failing hook (a hook): Error: cleanup went wrong',
      'unit: failing.fixture.mjs > digest fixture > fails with a known message: Error: the digest should show this line',
    ]);
  }, 120_000);

  it('names each failed Playwright test with its file, line and the first line of its error', () => {
    const file = path.join(tmp, 'e2e.json');
    const r = spawnSync(bin('playwright'), ['test', '--config', path.join(fixtures, 'playwright.config.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, DIGEST_JSON: file }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(1);
    const lines = digest([{ kind: 'playwright', file, label: 'e2e' }]);
    expect(lines).toEqual(['e2e: failing.pw.mjs:5 fails with a known message: Error: the e2e digest should show this line']);
  }, 120_000);

  it('skips reports that were never written and says when one is not JSON', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"testResults": [');
    expect(digest([{ kind: 'vitest', file: path.join(tmp, 'absent.json'), label: 'x' }, { kind: 'vitest', file: bad, label: 'integration' }])).toEqual([
      `integration: its report ${bad} is not readable JSON`,
    ]);
  });

  it('keeps the first non-empty line, without colours, cut to length', () => {
    expect(firstLine('\n\n  \x1b[31mAssertionError\x1b[39m: expected 1\nmore')).toBe('AssertionError: expected 1');
    expect(firstLine('x'.repeat(300), 20)).toBe(`${'x'.repeat(19)}…`);
    expect(firstLine(undefined)).toBe('(no message)');
  });

  it("joins Locator, Expected and Received onto a bare 'expect(...) failed' line", () => {
    // Playwright's message for a failed toHaveText, as the e2e run printed it
    const msg = "Error: expect(locator).toHaveText(expected) failed\n\nLocator:  getByTestId('log-row').first().locator('.log-text')\nExpected: \"out 91\"\nReceived: \"err 121\"\nTimeout:  30000ms\n\nCall log:\n  - Expect";
    expect(firstLine(msg, 400)).toBe(`Error: expect(locator).toHaveText(expected) failed: Locator: getByTestId('log-row').first().locator('.log-text'); Expected: "out 91"; Received: "err 121"`);
  });
});
