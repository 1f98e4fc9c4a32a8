// A vitest reporter that writes the run's failures, one line each, to the JSON file named by
// FLOTILLA_FAILURES_JSON: failed tests, and errors of a suite or a file outside any test (a beforeAll or
// afterAll, an import). Vitest's own json reporter leaves out a hook's error inside a describe, which is how
// an integration file's clean-up fails; scripts/test-digest.mjs prints these lines at the end of `npm test`.
import fs from 'node:fs';
import { firstLine } from './test-digest.mjs';

const messageOf = (e) => `${e?.name && !String(e?.message ?? '').startsWith(e.name) ? `${e.name}: ` : ''}${e?.message ?? String(e)}`;

export default class FailuresReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const out = [];
    for (const mod of testModules) {
      const file = mod.relativeModuleId ?? mod.moduleId;
      for (const e of mod.errors()) out.push(`${file} (outside a test): ${firstLine(messageOf(e))}`);
      for (const suite of mod.children.allSuites()) {
        for (const e of suite.errors()) out.push(`${file} > ${suite.fullName} (a hook): ${firstLine(messageOf(e))}`);
      }
      for (const test of mod.children.allTests('failed')) {
        out.push(`${file} > ${test.fullName}: ${firstLine(messageOf((test.result().errors ?? [])[0]))}`);
      }
    }
    for (const e of unhandledErrors) out.push(`(unhandled) ${firstLine(messageOf(e))}`);
    const target = process.env.FLOTILLA_FAILURES_JSON;
    if (target) fs.writeFileSync(target, JSON.stringify({ failures: out }, null, 2));
  }
}
