// `npm test`: every check, in order. A failed stage does not stop the later ones (CI shows every failure
// in one run); the summary lists each stage and the exit code is non-zero if any failed.
// lint -> typecheck -> build -> unit -> integration (needs the lab) -> e2e (Playwright in Chromium).
// Pass a stage name to run only that one: `npm test -- unit`.
import { spawnSync } from 'node:child_process';

const stages = {
  lint: ['npx', ['eslint', '--max-warnings', '0', 'src-main', 'src-renderer', 'e2e', 'test', 'scripts', 'bench']],
  typecheck: ['npm', ['run', '-s', 'typecheck']],
  build: ['npm', ['run', '-s', 'build']],
  unit: ['npx', ['vitest', 'run', '--project', 'unit']],
  integration: ['npx', ['vitest', 'run', '--project', 'integration']],
  e2e: ['npx', ['playwright', 'test']],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const order = wanted.length ? wanted : Object.keys(stages);
for (const name of order) {
  if (!stages[name]) {
    console.error(`unknown test stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
}
const results = [];
let built = false;
for (const name of order) {
  const stage = stages[name];
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  // the e2e setup builds the app unless this run just did
  const env = name === 'e2e' && built ? { ...process.env, FLOTILLA_E2E_SKIP_BUILD: '1' } : process.env;
  const r = spawnSync(stage[0], stage[1], { stdio: 'inherit', env });
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const ok = r.status === 0;
  if (name === 'build' && ok) built = true;
  results.push({ name, ok, secs });
  console.log(ok ? `=== ${name} passed in ${secs}s ===` : `\n=== ${name} FAILED after ${secs}s ===`);
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.secs}s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
