// Playwright global setup: build the app, bring up the lab, start `flotilla serve --port 0` and hand
// its URL to the tests (env FLOTILLA_E2E_URL and e2e/artifacts/server.json). The returned function is
// the teardown: it stops the server (the lab stays up for the next run; `flotilla lab down` removes it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = path.join(root, 'e2e', 'artifacts');
const cli = path.join(root, 'bin', 'flotilla.mjs');

export interface E2eState {
  url: string;
  token: string;
  port: number;
  lab: { name: string; nodes: { name: string; ip: string }[]; error?: string };
  /** FLOTILLA_HOME of the server: a fresh machine store per run (machines the tests click into being live here) */
  home: string;
}

function log(line: string): void {
  process.stderr.write(`[e2e setup] ${line}\n`);
}

function build(): void {
  if (process.env.FLOTILLA_E2E_SKIP_BUILD === '1') return log('skipping the build (FLOTILLA_E2E_SKIP_BUILD=1)');
  log('building the app (npm run build)…');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}); fix the build, then rerun the e2e tests`);
}

function labUp(name: string): E2eState['lab'] {
  if (process.env.FLOTILLA_E2E_NO_LAB === '1') {
    if (process.env.FLOTILLA_REQUIRE_LAB === '1') throw new Error('FLOTILLA_E2E_NO_LAB=1 and FLOTILLA_REQUIRE_LAB=1 contradict each other; unset one');
    return { name, nodes: [], error: 'not started (FLOTILLA_E2E_NO_LAB=1)' };
  }
  const nodes = process.env.FLOTILLA_LAB_NODES ?? '3';
  const args = [cli, 'lab', 'up', '--nodes', nodes, '--name', name, '--json'];
  if (process.env.FLOTILLA_LAB_SUBNET) args.push('--subnet', process.env.FLOTILLA_LAB_SUBNET);
  log(`bringing up lab "${name}" with ${nodes} nodes…`);
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env, timeout: 20 * 60_000 });
  let error: string | undefined;
  if (r.status === 0) {
    try {
      const parsed = JSON.parse(r.stdout) as { name: string; ip: string }[];
      if (Array.isArray(parsed) && parsed.length > 0) return { name, nodes: parsed.map(({ name: n, ip }) => ({ name: n, ip })) };
      error = 'lab up printed no nodes';
    } catch {
      error = `lab up printed something that is not JSON: ${r.stdout.slice(0, 200)}`;
    }
  } else {
    error = `lab up failed (exit ${r.status ?? r.signal})`;
  }
  if (process.env.FLOTILLA_REQUIRE_LAB === '1') throw new Error(`${error}; the e2e tests need the lab (FLOTILLA_REQUIRE_LAB=1)`);
  log(`${error}: tests that need the lab will be skipped (set FLOTILLA_REQUIRE_LAB=1 to fail instead)`);
  return { name, nodes: [], error };
}

/** FLOTILLA_HOME for the run: the machines a previous run left there are removed (with their containers), then the folder. */
function freshHome(labName: string): string {
  const home = process.env.FLOTILLA_E2E_HOME ?? path.join(os.tmpdir(), `flotilla-e2e-${labName}`);
  if (fs.existsSync(home)) {
    const env = { ...process.env, FLOTILLA_HOME: home };
    const ls = spawnSync(process.execPath, [cli, '--json', 'machine', 'ls'], { cwd: root, encoding: 'utf8', env, timeout: 120_000 });
    let names: string[] = [];
    try {
      names = (JSON.parse(ls.stdout) as { name: string }[]).map((m) => m.name);
    } catch {
      names = [];
    }
    if (names.length) {
      log(`removing ${names.length} machine(s) an earlier run left in ${home}: ${names.join(' ')}`);
      const rm = spawnSync(process.execPath, [cli, 'machine', 'rm', '-f', ...names], { cwd: root, stdio: 'inherit', env, timeout: 300_000 });
      if (rm.status !== 0) throw new Error(`could not remove the machines an earlier e2e run left in ${home}; remove them with FLOTILLA_HOME=${home} flotilla machine rm -f NAME`);
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

function startServe(labName: string, home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
    cwd: root,
    env: { ...process.env, FLOTILLA_LAB_NAME: labName, FLOTILLA_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`flotilla serve printed no URL within 60 s; output so far:\n${out}`));
    }, 60_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({ child, url: m[0] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`flotilla serve exited (${code}) before printing its URL:\n${out}`));
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  fs.mkdirSync(artifacts, { recursive: true });
  build();
  const labName = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  const lab = labUp(labName);
  const home = freshHome(labName);
  const { child, url } = await startServe(labName, home);
  const u = new URL(url);
  const state: E2eState = { url, token: u.searchParams.get('token') ?? '', port: Number(u.port), lab, home };
  fs.writeFileSync(path.join(artifacts, 'server.json'), JSON.stringify(state, null, 2));
  process.env.FLOTILLA_E2E_STATE = JSON.stringify(state);
  log(`flotilla serve is at http://127.0.0.1:${state.port}/ (pid ${child.pid})`);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}
