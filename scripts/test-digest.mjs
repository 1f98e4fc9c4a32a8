// The failures of a test run in a few lines, printed by `npm test` last, after its summary. CI keeps only the
// end of a run's output, where the reporters' own failure details (hundreds of lines earlier) are cut off; this
// digest puts the failing tests and the first line of each error where the tail still shows them.
// Reads the reports the stages write: scripts/vitest-failures-reporter.mjs's list (vitest's own json reporter
// drops a hook's error inside a describe) and Playwright's json reporter.
import fs from 'node:fs';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * The first meaningful line of an error message, without colours, cut to `max` characters. Where that line only
 * says an expectation failed ("expect(locator).toHaveText(expected) failed"), the Locator/Expected/Received lines
 * that follow it are joined on, since they are what tells one failure from another.
 */
export function firstLine(message, max = 240) {
  const lines = String(message ?? '')
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  let line = lines[0] ?? '(no message)';
  if (/expect\(.*\)\S* failed$/.test(line)) {
    const detail = lines.filter((l) => /^(Locator|Expected|Received)( string)?:/.test(l)).map((l) => l.replace(/\s+/g, ' '));
    if (detail.length) line = `${line}: ${detail.join('; ')}`;
  }
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** failures in a Playwright JSON report (suites nest; a spec's last result decides) */
export function playwrightFailures(report) {
  const out = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const last = (t.results ?? []).at(-1);
        if (!last || last.status === 'passed' || last.status === 'skipped') continue;
        const msg = last.error?.message ?? (last.errors ?? [])[0]?.message ?? last.status;
        out.push(`${spec.file ?? suite.file ?? '?'}:${spec.line ?? '?'} ${spec.title}: ${firstLine(msg)}`);
      }
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of report?.suites ?? []) walk(s);
  for (const e of report?.errors ?? []) out.push(`(global) ${firstLine(e.message)}`);
  return out;
}

/** reads the report files that exist (a stage that crashed may have written none) */
export function digest(files) {
  const lines = [];
  for (const { kind, file, label } of files) {
    if (!fs.existsSync(file)) continue;
    let report;
    try {
      report = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      lines.push(`${label}: its report ${file} is not readable JSON`);
      continue;
    }
    const found = kind === 'playwright' ? playwrightFailures(report) : (report?.failures ?? []).map(String);
    for (const l of found) lines.push(`${label}: ${l}`);
  }
  return lines;
}
