// `npm test`: every check. A failed stage does not stop the later ones (CI shows every failure in one run); the
// run ends with a summary of the stages and a digest of the failures, and exits non-zero if any failed.
// lint -> typecheck -> build -> unit -> integration (needs the lab) + e2e (Playwright in Chromium).
// Pass stage names to run only those: `npm test -- unit`, `npm test -- integration e2e`.
//
// The integration stage is three vitest processes side by side, one per project (vitest.config.ts):
//   'integration'           the files that share the lab, one after another;
//   'integration-vms'       QEMU VMs under software emulation, CPU-bound; [vms]. Not niced: at nice 10 beside the
//                           other lanes a VM got a fifth of a core, booted five times slower and a CI run failed on
//                           a 360 s wait; the other lanes mostly wait on engines converging and lose little;
//   'integration-machines'  container machines (their own hosts, their own stores); [machines].
// When e2e runs too it starts at the same time, on a lab of its own (flab-e2e, 2 nodes on 10.88.40.0/24;
// FLOTILLA_LAB_NAME/SUBNET/NODES override it), lines prefixed [e2e]; 'integration-machines' then runs after it
// in the same lane, so the lanes end at about the same time instead of one waiting on the sum of the others.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuAccount } from './cpu-account.mjs';
import { digest } from './test-digest.mjs';

// JSON reports beside the usual output, read back for the failure digest printed after the summary
// (not under test-results/: Playwright empties that folder when it starts)
const reports = path.resolve('.test-reports');
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });

/** a vitest project run whose failures go to .test-reports/NAME.json (scripts/vitest-failures-reporter.mjs) */
function vitest(project, prefix = '') {
  const args = ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=./scripts/vitest-failures-reporter.mjs'];
  return { cmd: 'npx', args, prefix, env: { FLOTILLA_FAILURES_JSON: path.join(reports, `${project}.json`) }, part: project };
}

// the e2e lab: not the integration tests' (they take its swarm apart and rebuild it), on a subnet no test uses
const e2eLab = { FLOTILLA_LAB_NAME: 'flab-e2e', FLOTILLA_LAB_SUBNET: '10.88.40.0/24', FLOTILLA_LAB_NODES: '2' };
function e2e(prefix = '') {
  const lab = Object.fromEntries(Object.entries(e2eLab).filter(([k]) => process.env[k] === undefined));
  return { cmd: 'npx', args: ['playwright', 'test'], prefix, env: { ...lab, FLOTILLA_E2E_JSON: path.join(reports, 'e2e.json') }, part: 'e2e' };
}

const reportFiles = [
  { kind: 'vitest', file: path.join(reports, 'unit.json'), label: 'unit' },
  { kind: 'vitest', file: path.join(reports, 'integration.json'), label: 'integration' },
  { kind: 'vitest', file: path.join(reports, 'integration-vms.json'), label: 'integration [vms]' },
  { kind: 'vitest', file: path.join(reports, 'integration-machines.json'), label: 'integration [machines]' },
  { kind: 'playwright', file: path.join(reports, 'e2e.json'), label: 'e2e' },
];

const single = (part, cmd, args) => [[{ cmd, args, prefix: '', part }]];
/** each stage: lanes that run side by side; each lane: commands one after another */
const stages = {
  // eslint (with the layering table), then knip (unused files, exports and dependencies): `npm run lint`
  lint: [[
    { cmd: 'npx', args: ['eslint', '--max-warnings', '0', 'src-main', 'src-renderer', 'e2e', 'test', 'scripts', 'bench'], prefix: '', part: 'eslint' },
    { cmd: 'npx', args: ['knip'], prefix: '', part: 'knip' },
  ]],
  typecheck: single('typecheck', 'npm', ['run', '-s', 'typecheck']),
  build: single('build', 'npm', ['run', '-s', 'build']),
  unit: [[vitest('unit')]],
  integration: [[vitest('integration')], [vitest('integration-vms', '[vms] ')], [vitest('integration-machines', '[machines] ')]],
  e2e: [[e2e()]],
};
// integration and e2e together: e2e takes the machines lane's place, and the machines files follow it there
const together = () => [[vitest('integration')], [vitest('integration-vms', '[vms] ')], [e2e('[e2e] '), vitest('integration-machines', '[machines] ')]];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const order = wanted.length ? wanted : Object.keys(stages);
for (const name of order) {
  if (!stages[name]) {
    console.error(`unknown test stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
}

/** runs one command; with a prefix its output is passed on line by line, each line prefixed */
function runOne({ cmd, args, prefix, env: extraEnv, part }, baseEnv) {
  const env = extraEnv ? { ...baseEnv, ...extraEnv } : baseEnv;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: prefix ? ['inherit', 'pipe', 'pipe'] : 'inherit', env });
    if (child.pid) cpu?.adopt(part, child.pid);
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
      resolve({ ok: false, secs: Math.round((Date.now() - started) / 1000) });
    });
    child.on('close', (code) => resolve({ ok: code === 0, secs: Math.round((Date.now() - started) / 1000) }));
  });
}

// the steps: one stage at a time, except integration and e2e, which share one step when both are asked for
const steps = [];
for (const name of order) {
  if (name === 'e2e' && steps.at(-1)?.names.includes('integration')) steps.at(-1).names.push('e2e');
  else steps.push({ names: [name] });
}

// where the CPU went, per lane (Linux, root, cgroup v1 cpuacct; else nothing): printed after the summary
const cpu = cpuAccount();
const results = [];
let built = false;
for (const step of steps) {
  const started = Date.now();
  const lanes = step.names.length > 1 ? together() : stages[step.names[0]];
  console.log(`\n=== ${step.names.join(' + ')} ===`);
  // the e2e setup builds the app unless this run just did
  const env = built ? { ...process.env, FLOTILLA_E2E_SKIP_BUILD: '1' } : process.env;
  const runs = [];
  await Promise.all(
    lanes.map(async (lane) => {
      for (const c of lane) {
        const r = await runOne(c, env);
        runs.push({ ...r, part: c.part });
        const label = c.prefix.trim() || c.part || step.names[0];
        if (step.names.length > 1 || lanes.length > 1) console.log(`=== ${label} ${r.ok ? 'passed' : 'FAILED'} in ${r.secs}s ===`);
      }
    }),
  );
  for (const name of step.names) {
    const mine = runs.filter((r) => (name === 'e2e' ? r.part === 'e2e' : r.part !== 'e2e'));
    const ok = mine.every((r) => r.ok);
    const detail = mine.length > 1 ? ` [${mine.map((r) => `${r.part} ${r.ok ? 'passed' : 'FAILED'} in ${r.secs}s`).join(', ')}]` : '';
    const secs = name === 'e2e' && step.names.length > 1 ? mine[0].secs : Math.round((Date.now() - started) / 1000);
    results.push({ name, ok, secs, detail });
    if (step.names.length === 1) console.log(ok ? `=== ${name} passed in ${secs}s${detail} ===` : `\n=== ${name} FAILED after ${secs}s${detail} ===`);
  }
  if (step.names.includes('build') && results.at(-1).ok) built = true;
  if (step.names.length > 1) console.log(`=== ${step.names.join(' + ')} took ${Math.round((Date.now() - started) / 1000)}s ===`);
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.secs}s)${r.detail}`);
if (cpu) console.log(cpu.report());
// last, where a CI log cut to its tail still shows it
const failures = digest(reportFiles);
if (failures.length) {
  const shown = 10;
  console.log(`\n=== failures (${failures.length}; the first line of each error; details above) ===`);
  for (const l of failures.slice(0, shown)) console.log(l);
  if (failures.length > shown) console.log(`… and ${failures.length - shown} more`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
