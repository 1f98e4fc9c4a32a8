// `npm test`: every check, in order, stopping at the first failure.
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
  const stage = stages[name];
  if (!stage) {
    console.error(`unknown test stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(stage[0], stage[1], { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status !== 0) {
    console.error(`\n=== ${name} FAILED after ${secs}s ===`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ${name} passed in ${secs}s ===`);
}
