// `npm test`: every check, in order. A failed stage does not stop the later ones (CI shows every failure
// in one run); the summary lists each stage and the exit code is non-zero if any failed.
// lint -> typecheck -> build -> unit -> integration (needs the lab) + e2e (Playwright in Chromium).
// Pass a stage name to run only that one: `npm test -- unit`.
//
// The integration stage is two vitest processes side by side: the files that share the lab run one after
// another in project 'integration'; the files that make their own hosts (container machines, QEMU VMs) run
// in project 'integration-hosts' at a lower CPU priority, so QEMU's software emulation uses the CPU the lab
// files leave idle (they mostly wait on swarm convergence) instead of slowing them. Its lines are prefixed
// with [hosts]. The e2e stage runs at the same time, on a lab of its own (flab-e2e, 2 nodes on 10.88.40.0/24;
// FLOTILLA_LAB_NAME/SUBNET/NODES override it); its lines are prefixed with [e2e].
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { digest } from './test-digest.mjs';

const niced = (cmd, args) => (process.platform === 'linux' && fs.existsSync('/usr/bin/nice') ? ['/usr/bin/nice', ['-n', '10', cmd, ...args]] : [cmd, args]);

// JSON reports beside the usual output, read back for the failure digest printed before the summary
// (not under test-results/: Playwright empties that folder when it starts)
const reports = path.resolve('.test-reports');
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });
const withReporter = ['--reporter=default', '--reporter=./scripts/vitest-failures-reporter.mjs'];
const failuresTo = (name) => ({ FLOTILLA_FAILURES_JSON: path.join(reports, `${name}.json`) });
const reportFiles = [
  { kind: 'vitest', file: path.join(reports, 'unit.json'), label: 'unit' },
  { kind: 'vitest', file: path.join(reports, 'integration.json'), label: 'integration' },
  { kind: 'vitest', file: path.join(reports, 'integration-hosts.json'), label: 'integration [hosts]' },
  { kind: 'playwright', file: path.join(reports, 'e2e.json'), label: 'e2e' },
];

const stages = {
  lint: [['npx', ['eslint', '--max-warnings', '0', 'src-main', 'src-renderer', 'e2e', 'test', 'scripts', 'bench']]],
  typecheck: [['npm', ['run', '-s', 'typecheck']]],
  build: [['npm', ['run', '-s', 'build']]],
  unit: [['npx', ['vitest', 'run', '--project', 'unit', ...withReporter], '', failuresTo('unit')]],
  integration: [
    ['npx', ['vitest', 'run', '--project', 'integration', ...withReporter], '', failuresTo('integration')],
    [...niced('npx', ['vitest', 'run', '--project', 'integration-hosts', ...withReporter]), '[hosts] ', failuresTo('integration-hosts')],
  ],
  e2e: [['npx', ['playwright', 'test']]],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const order = wanted.length ? wanted : Object.keys(stages);
for (const name of order) {
  if (!stages[name]) {
    console.error(`unknown test stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
}

/** runs one command; with a prefix its output is passed on line by line, each line prefixed */
function runOne([cmd, args, prefix, extraEnv], baseEnv) {
  const env = extraEnv ? { ...baseEnv, ...extraEnv } : baseEnv;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: prefix ? ['inherit', 'pipe', 'pipe'] : 'inherit', env });
    if (prefix) {
      for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        let rest = '';
        from.setEncoding('utf8');
        from.on('data', (chunk) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop();
          if (lines.length) to.write(lines.map((l) => prefix + l).join('\n') + '\n');
        });
        from.on('end', () => rest && to.write(prefix + rest + '\n'));
      }
    }
    child.on('error', (e) => {
      console.error(`${cmd}: ${e.message}`);
      resolve({ ok: false, secs: ((Date.now() - started) / 1000).toFixed(0) });
    });
    child.on('close', (code) => resolve({ ok: code === 0, secs: ((Date.now() - started) / 1000).toFixed(0) }));
  });
}

// integration and e2e run at the same time when both are asked for: e2e has a lab of its own (below) and its own
// machine store, so neither sees the other's hosts, and both mostly wait on engines converging
const together = [['integration', 'e2e']];
const steps = [];
for (const name of order) {
  const group = together.find((g) => g.includes(name));
  const prev = steps.at(-1);
  if (group && prev && prev.every((n) => group.includes(n))) prev.push(name);
  else steps.push([name]);
}

// the e2e lab: not the integration tests' (they take its swarm apart and rebuild it), on a subnet no test uses
const e2eLab = { FLOTILLA_LAB_NAME: 'flab-e2e', FLOTILLA_LAB_SUBNET: '10.88.40.0/24', FLOTILLA_LAB_NODES: '2' };

const results = [];
let built = false;
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.join(' + ')} ===`);
  const runs = step.map(async (name) => {
    let env = process.env;
    let commands = stages[name];
    if (name === 'e2e') {
      // the e2e setup builds the app unless this run just did
      env = { ...e2eLab, ...process.env, FLOTILLA_E2E_JSON: path.join(reports, 'e2e.json'), ...(built ? { FLOTILLA_E2E_SKIP_BUILD: '1' } : {}) };
      if (step.length > 1) commands = commands.map(([cmd, args]) => [cmd, args, '[e2e] ']);
    }
    const t0 = Date.now();
    const parts = await Promise.all(commands.map((c) => runOne(c, env)));
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    const ok = parts.every((p) => p.ok);
    const detail = parts.length > 1 ? ` [${commands.map((c, i) => `${c[2]?.trim() || 'main'} ${parts[i].ok ? 'passed' : 'FAILED'} in ${parts[i].secs}s`).join(', ')}]` : '';
    console.log(ok ? `=== ${name} passed in ${secs}s${detail} ===` : `\n=== ${name} FAILED after ${secs}s${detail} ===`);
    return { name, ok, secs, detail };
  });
  const done = await Promise.all(runs);
  results.push(...done);
  if (step.includes('build') && done.every((r) => r.ok)) built = true;
  if (step.length > 1) console.log(`=== ${step.join(' + ')} took ${((Date.now() - started) / 1000).toFixed(0)}s ===`);
}
const failures = digest(reportFiles);
if (failures.length) {
  const shown = 12;
  console.log(`\n=== failures (${failures.length}; the first line of each error; details above) ===`);
  for (const l of failures.slice(0, shown)) console.log(l);
  if (failures.length > shown) console.log(`… and ${failures.length - shown} more`);
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.secs}s)${r.detail}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
