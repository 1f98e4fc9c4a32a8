// Issue 18 item 4 in the window: the Logs view's "whole stack" source follows every service of a stack in one
// list, each line prefixed service.slot.taskid@node as `docker service logs` prints it, coloured per service with
// the Board's colour (the legend shows which is which). The stack is deployed with the docker CLI inside the
// manager machine, which is also the oracle for the lines.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';

const state = e2eState();
const stack = `opl${process.pid}`;
let swarm: MachineSwarm | undefined;

/** a computed style property of the element (the e2e project has no DOM typings: getComputedStyle is reached through globalThis) */
function css(loc: Locator, prop: string): Promise<string> {
  return loc.evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p], prop);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `operate-logs-${name}.png`) });
}

function machineDocker(machine: string, args: string[], input?: string): string {
  const r = spawnSync('docker', ['exec', '-i', containerName(machine), 'docker', ...args], { encoding: 'utf8', timeout: 120_000, input });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} in ${machine} failed: ${r.stderr}`);
  return r.stdout;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
  const tick = (word: string): string => `i=0; while true; do i=$$((i+1)); echo "${word} $$i from $$(hostname)"; sleep 1; done`;
  const compose = [
    'version: "3.9"',
    'services:',
    '  web:',
    `    image: ${IMAGE_V1}`,
    `    command: ["sh", "-c", ${JSON.stringify(tick('web-tick'))}]`,
    '    stop_grace_period: 1s',
    '    deploy: { replicas: 2 }',
    '  worker:',
    `    image: ${IMAGE_V1}`,
    `    command: ["sh", "-c", ${JSON.stringify(tick('worker-tick'))}]`,
    '    stop_grace_period: 1s',
    '    deploy: { replicas: 1 }',
    '',
  ].join('\n');
  machineDocker(swarm.manager, ['stack', 'deploy', '-c', '-', stack], compose);
});

test.afterAll(() => {
  if (swarm) spawnSync('docker', ['exec', containerName(swarm.manager), 'docker', 'stack', 'rm', stack], { timeout: 120_000 });
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

test("logs: a whole stack's services in one list, docker's prefixes, the Board's colour per service", async ({ page }) => {
  test.setTimeout(600_000);
  const sw = swarm as MachineSwarm;
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('opl-init')) {
      localStorage.setItem('flotilla.view', 'logs');
      localStorage.setItem('flotilla.theme', 'light');
      sessionStorage.setItem('opl-init', '1');
    }
  });
  await page.goto(state.url);
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();

  // ---- the source: the stack, under "whole stack" ----
  const picker = page.getByLabel('service', { exact: true });
  const option = picker.locator('optgroup[label="whole stack"] option', { hasText: `stack ${stack}` });
  await expect(option).toHaveCount(1, { timeout: 120_000 });
  await picker.selectOption({ label: `stack ${stack} (every service)` });
  await expect(page.getByTestId('log-status')).toHaveText(/following/, { timeout: 60_000 });

  // ---- lines of both services, each prefixed as docker prints it ----
  const rows = page.getByTestId('log-row');
  const webRow = rows.filter({ hasText: /web-tick \d+ from/ }).first();
  const workerRow = rows.filter({ hasText: /worker-tick \d+ from/ }).first();
  await expect(webRow).toBeVisible({ timeout: 90_000 });
  await expect(workerRow).toBeVisible({ timeout: 90_000 });
  const prefixOf = async (row: typeof webRow): Promise<string> => (await row.locator('.log-prefix').innerText()).trim();
  const webPrefix = await prefixOf(webRow);
  const workerPrefix = await prefixOf(workerRow);
  expect(webPrefix).toMatch(new RegExp(`^${stack}_web\\.[12]\\.[a-z0-9]{12}@${sw.manager.replace(/-m1$/, '')}-(m1|w\\d)$`));
  expect(workerPrefix).toMatch(new RegExp(`^${stack}_worker\\.1\\.[a-z0-9]{12}@`));
  // the same prefix docker service logs prints for that line's task (before its padding and the bar)
  const oracle = machineDocker(sw.manager, ['service', 'logs', '--tail', '20', `${stack}_web`]);
  expect(oracle.split('\n').some((l) => l.startsWith(`${webPrefix} `))).toBe(true);

  // ---- colours: each service its Board colour, the legend says which ----
  const legend = page.getByTestId('stack-legend');
  await expect(legend.locator('[data-service]')).toHaveCount(2);
  const swatch = async (service: string): Promise<string> => css(legend.locator(`[data-service="${service}"] .log-legend-swatch`), 'backgroundColor');
  const colour = async (row: typeof webRow): Promise<string> => css(row.locator('.log-prefix'), 'color');
  const webColour = await colour(webRow);
  expect(webColour).toBe(await swatch(`${stack}_web`));
  expect(await colour(workerRow)).toBe(await swatch(`${stack}_worker`));
  expect(await swatch(`${stack}_web`)).not.toBe(await swatch(`${stack}_worker`));
  await shot(page, '1-whole-stack');

  // ---- new lines keep arriving, in time order across the services ----
  // the list draws only the rows in sight: the line count says how many arrived
  const count = async (): Promise<number> => Number((await page.getByTestId('log-count').innerText()).replace(/,/g, '').replace(/[^\d].*$/s, ''));
  const before = await count();
  await expect.poll(count, { timeout: 60_000 }).toBeGreaterThan(before + 3);
  // the list reuses its row elements: order them by where they are drawn, not by their place in the DOM
  type Row = { getBoundingClientRect(): { top: number }; querySelector(s: string): { getAttribute(n: string): string | null } | null };
  const drawn = await page.getByTestId('log-row').evaluateAll((els) =>
    els.map((e) => e as unknown as Row).map((r) => ({ top: r.getBoundingClientRect().top, ts: r.querySelector('.log-ts')?.getAttribute('title') ?? '' })),
  );
  const stamps = drawn
    .sort((a, b) => a.top - b.top)
    .map((d) => d.ts)
    .filter(Boolean);
  const keys = stamps.map((t) => t.replace(/(\.\d+)?Z$/, (_m: string, f: string | undefined) => `${(f ?? '.').padEnd(10, '0')}Z`));
  expect(keys.length).toBeGreaterThan(3);
  expect(keys).toEqual([...keys].sort());
  await shot(page, '2-whole-stack-following');

  // ---- the Board shows the same colour for the service ----
  await page.getByRole('button', { name: /^Board/ }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  const boardSwatch = page.locator('.legend-item').filter({ hasText: `${stack}_web` }).locator('.swatch');
  await expect(boardSwatch).toBeVisible({ timeout: 60_000 });
  expect(await css(boardSwatch, 'backgroundColor')).toBe(webColour);
  await shot(page, '3-board-colours');
});
