// A swarm of container-driver machines in the e2e server's machine store, for specs that need a swarm
// but do not test making one by clicking (cockpit-1 does that). Made with the CLI on the same
// FLOTILLA_HOME, so the server sees the machines as engines: `flotilla swarm create NAME --driver
// container --managers 1 --workers 2` (machines NAME-m1, NAME-w1, NAME-w2). Idempotent: an existing
// complete swarm is reused; a partial one is finished by the same command.
import { spawnSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2eState } from './state';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'flotilla.mjs');

/** the swarm every spec shares (cockpit-1 makes it by clicking; the others reuse it or make it with the CLI).
 * FLOTILLA_E2E_SWARM changes it, so two checkouts on one machine do not share containers (flotilla-NAME-m1...). */
export const E2E_SWARM = process.env.FLOTILLA_E2E_SWARM ?? 'e2e';

export interface MachineSwarm {
  manager: string;
  workers: string[];
  /** every machine, manager first */
  machines: string[];
}

/** runs the CLI against the e2e server's machine store; throws with its output when it fails */
export function flotillaCli(args: string[], timeoutMs = 600_000): string {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FLOTILLA_HOME: e2eState().home },
    timeout: timeoutMs,
  });
  if (r.status !== 0) throw new Error(`flotilla ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function ensureMachineSwarm(name = E2E_SWARM, workers = 2): MachineSwarm {
  const want = [`${name}-m1`, ...Array.from({ length: workers }, (_, i) => `${name}-w${i + 1}`)];
  const ls = JSON.parse(flotillaCli(['--json', 'machine', 'ls'], 120_000)) as { name: string; state: string; swarm: string }[];
  const ready = want.every((m) => ls.some((x) => x.name === m && x.state === 'running' && x.swarm !== ''));
  if (!ready) flotillaCli(['swarm', 'create', name, '--driver', 'container', '--managers', '1', '--workers', String(workers)]);
  return { manager: want[0], workers: want.slice(1), machines: want };
}

/**
 * Makes the page's cluster views start on this swarm (the choice the swarm pickers remember). Where the
 * lab's own swarm is listed too (CI), a fresh page would otherwise show whichever manager comes first.
 */
export async function preferSwarm(page: Page, manager: string): Promise<void> {
  await page.addInitScript((id) => localStorage.setItem('flotilla.swarmEngine', id), `machine:${manager}`);
}
