// The workbench's logs and terminals on a container-machine swarm (NAME-m1 manager, NAME-w1, NAME-w2):
// follow a service's logs and see new lines arrive, search them; open an exec terminal in one of its
// tasks and run a command; open an SSH terminal on the manager machine and run `docker info`.
// The service is made and removed with the CLI; the docker CLI inside the machines is the oracle.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, flotillaCli, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';
import { typeLine } from './support/terminal';

const state = e2eState();
const service = `wb2-ticker-${process.pid}`;
let swarm: MachineSwarm | undefined;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `workbench-2-${name}.png`) });
}

/** `docker ...` inside a machine's container: the oracle */
function machineDocker(machine: string, args: string[]): string {
  const r = spawnSync('docker', ['exec', containerName(machine), 'docker', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} in ${machine} failed: ${r.stderr}`);
  return r.stdout;
}

/** the text on the active terminal's screen */
function screenText(page: Page): Promise<string> {
  return page.locator('.term-panel:not([hidden]) .xterm-rows').innerText();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
  // a line on stdout every second, and every third second one on stderr
  const script = 'i=0; while true; do i=$((i+1)); echo "tick $i from $(hostname)"; if [ $((i % 3)) -eq 0 ]; then echo "warn: slow tick $i" >&2; fi; sleep 1; done';
  flotillaCli(['--machine', swarm.manager, 'service', 'create', '--name', service, '--replicas', '2', '--', IMAGE_V1, 'sh', '-c', script]);
});

test.afterAll(() => {
  if (!swarm) return;
  try {
    flotillaCli(['--machine', swarm.manager, 'service', 'rm', service]);
  } catch {
    /* already gone */
  }
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

test('logs: follow a service, new lines arrive, search; terminals: exec into a task, SSH into a machine', async ({ page }) => {
  test.setTimeout(600_000);
  const sw = swarm as MachineSwarm;
  const managerEngine = `machine:${sw.manager}`;
  // the UI on this swarm, whatever other swarms the server knows
  await page.addInitScript((id) => {
    if (!sessionStorage.getItem('wb2-init')) {
      localStorage.setItem('flotilla.swarmEngine', id);
      localStorage.setItem('flotilla.view', 'logs');
      localStorage.setItem('flotilla.theme', 'light');
      sessionStorage.setItem('wb2-init', '1');
    }
  }, managerEngine);
  await page.goto(state.url);
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();

  // ---- step 1: pick the service and follow its logs ----
  const servicePicker = page.getByLabel('service', { exact: true });
  await expect(servicePicker.locator('option', { hasText: service })).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByRole('heading', { name: 'Pick a service' })).toBeVisible();
  await shot(page, '0-logs-pick-a-service');
  await servicePicker.selectOption({ label: service });
  const rows = page.getByTestId('log-row');
  await expect(rows.filter({ hasText: /tick \d+ from/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('log-status')).toHaveText(/following/);
  const lastTick = async (): Promise<number> => {
    const texts = await rows.filter({ hasText: /tick \d+ from/ }).allInnerTexts();
    return Math.max(0, ...texts.map((t) => Number(/tick (\d+) from/.exec(t)?.[1] ?? 0)));
  };
  const first = await lastTick();
  await shot(page, '1-logs-following');
  // new lines arrive while we watch (one a second per task)
  await expect.poll(lastTick, { timeout: 30_000 }).toBeGreaterThanOrEqual(first + 3);
  // both tasks write, each with its own prefix; stderr lines are marked
  const prefixes = await page.locator('.log-prefix').allInnerTexts();
  expect(new Set(prefixes.map((p) => p.replace(/@.*/, ''))).size).toBe(2);
  await expect(page.locator('.log-row.stderr').filter({ hasText: 'warn: slow tick' }).first()).toBeVisible({ timeout: 20_000 });
  // the docker CLI sees the same lines
  const oracle = machineDocker(sw.manager, ['service', 'logs', '--tail', '5', service]);
  expect(oracle).toMatch(/tick \d+ from/);
  await shot(page, '2-logs-new-lines');

  // ---- step 2: search highlights, pause and resume ----
  await page.getByLabel('search logs').fill('warn');
  await expect(page.locator('.log-text mark').first()).toBeVisible();
  await page.getByLabel('search logs').press('Enter');
  await expect(page.getByTestId('log-matches')).toHaveText(/^[1-9]\d* \/ [1-9]/);
  await expect(page.locator('.log-row.current')).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('log-status')).toHaveText(/paused/);
  await shot(page, '3-logs-search-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByLabel('search logs').fill('');
  await page.getByRole('button', { name: 'Follow' }).click();
  await expect(page.getByTestId('log-status')).toHaveText(/following/);
  // dark theme (the system preference; the app follows it when set to system)
  await page.getByTestId('theme-toggle').click(); // light -> dark
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, '4-logs-dark');
  await page.getByTestId('theme-toggle').click(); // dark -> system
  await page.getByTestId('theme-toggle').click(); // system -> light

  // ---- step 3: an exec terminal in one of the service's tasks ----
  await page.getByRole('button', { name: /Terminals/ }).click();
  await expect(page.getByRole('heading', { name: 'Terminals', level: 1 })).toBeVisible();
  const execButton = page.locator(`[data-testid="exec-task"][data-service="${service}"]`).first();
  await expect(execButton).toBeVisible({ timeout: 60_000 });
  await expect(page.locator(`[data-testid="ssh-machine"][data-machine="${sw.manager}"]`)).toBeEnabled();
  await shot(page, '5-terminal-launcher');
  await execButton.click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(1);
  await expect.poll(() => screenText(page), { timeout: 60_000 }).toMatch(/[#$]\s*$/m);
  await typeLine(page, 'echo $((6*7))');
  await expect.poll(() => screenText(page), { timeout: 30_000 }).toMatch(/^42\s*$/m);
  await typeLine(page, 'echo "héllo → wörld ✓"');
  await expect.poll(() => screenText(page), { timeout: 30_000 }).toMatch(/^héllo → wörld ✓\s*$/m);
  await shot(page, '6-exec-terminal');

  // ---- step 4: an SSH terminal on the manager machine, docker info ----
  await page.getByRole('tab', { name: '+ New terminal' }).click();
  await page.locator(`[data-testid="ssh-machine"][data-machine="${sw.manager}"]`).click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(2);
  await expect.poll(() => screenText(page), { timeout: 60_000 }).toMatch(/[#$]\s*$/m);
  await typeLine(page, 'docker info');
  await expect.poll(() => screenText(page), { timeout: 60_000 }).toMatch(/Live Restore Enabled|Default Runtime|Registry:/);
  await typeLine(page, 'docker info 2>/dev/null | grep -E "^ ?Swarm:"');
  await expect.poll(() => screenText(page), { timeout: 30_000 }).toMatch(/Swarm: active/);
  expect(machineDocker(sw.manager, ['info', '--format', '{{.Swarm.LocalNodeState}}']).trim()).toBe('active');
  await shot(page, '7-ssh-docker-info');
  await page.getByTestId('theme-toggle').click(); // light -> dark: the terminal follows
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, '8-ssh-dark');

  // ---- step 5: closing the tabs closes the channels ----
  await page.getByRole('button', { name: /^close / }).first().click();
  await page.getByRole('button', { name: /^close / }).first().click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(0);
  await expect(page.getByTestId('terminal-launcher')).toBeVisible();
});
