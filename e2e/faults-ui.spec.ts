// The Board and the Cluster view under a fault: the swarm's only manager machine is frozen (`docker pause` of its
// container), so the live model has no manager to read from. Both views must mark the model stale (a banner naming
// the loss, the data greyed) within a few seconds, keep showing the last model, and clear the mark by themselves once
// the machine is unpaused. Screenshots of both states in e2e/artifacts/faults-ui-*.png.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';

const state = e2eState();
const service = `faults-ui-${process.pid}`;
let swarm: MachineSwarm;

function docker(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
const dm = (args: string[]) => docker(['exec', containerName(swarm.manager), 'docker', ...args]);
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `faults-ui-${name}.png`) });
}
async function gotoView(page: Page, label: 'Board' | 'Cluster'): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await expect(page.getByRole('heading', { name: label, level: 1 })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
  if (!dm(['service', 'inspect', service]).ok) {
    const r = dm(['service', 'create', '--detach', '--name', service, '--replicas', '3', '--stop-grace-period', '1s', IMAGE_V1, 'sleep', '86400']);
    if (!r.ok) throw new Error(`service create failed: ${r.out}`);
  }
});

test.afterAll(() => {
  if (!swarm) return;
  // whatever happened, the manager runs again and the service is gone
  docker(['unpause', containerName(swarm.manager)]);
  if (dm(['service', 'inspect', service]).ok) dm(['service', 'rm', service]);
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

test('a frozen manager: Board and Cluster mark the model stale, keep it on screen, and clear the mark when it is back', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(`${state.url}#board`);
  await gotoView(page, 'Board');
  await page.getByLabel('filter tasks').fill(service);
  const cards = page.locator('[data-testid="task-card"][data-state="running"]');
  await expect(cards).toHaveCount(3, { timeout: 120_000 });
  await expect(page.getByTestId('stale-banner')).toHaveCount(0);
  await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'false');
  await shot(page, '1-board-live');

  const frozenAt = Date.now();
  expect(docker(['pause', containerName(swarm.manager)]).ok).toBe(true);
  try {
    // the core pings the manager every 0.5 s and gives up on a ping after 2 s: the mark follows at once
    await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 10_000 });
    const markedMs = Date.now() - frozenAt;
    test.info().annotations.push({ type: 'stale mark after', description: `${markedMs} ms` });
    await expect(page.getByTestId('stale-banner')).toContainText(swarm.manager);
    await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'true');
    // the last model stays on screen, marked, rather than vanishing
    await expect(cards).toHaveCount(3);
    await expect(page.getByTestId('stale-banner')).toContainText('no manager of the swarm answers', { timeout: 30_000 });
    await shot(page, '2-board-stale');

    await gotoView(page, 'Cluster');
    await expect(page.getByTestId('stale-banner')).toBeVisible();
    await expect(page.locator('.table-scroll[data-stale="true"]')).toBeVisible();
    await expect(page.getByTestId('node-row')).toHaveCount(swarm.machines.length);
    await shot(page, '3-cluster-stale');
  } finally {
    docker(['unpause', containerName(swarm.manager)]);
  }
  const backAt = Date.now();
  await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 30_000 });
  test.info().annotations.push({ type: 'mark cleared after unpause', description: `${Date.now() - backAt} ms` });
  await expect(page.locator('.table-scroll[data-stale="false"]')).toBeVisible();
  await expect(page.getByTestId('node-row').and(page.locator('[data-status="ready"]'))).toHaveCount(swarm.machines.length, { timeout: 60_000 });
  await shot(page, '4-cluster-recovered');
  await gotoView(page, 'Board');
  await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'false');
  await page.getByLabel('filter tasks').fill(service);
  await expect(cards).toHaveCount(3, { timeout: 60_000 });
  await shot(page, '5-board-recovered');
});
