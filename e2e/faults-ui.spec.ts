// The Board and the Cluster view under a fault: the swarm's only manager machine is frozen (`docker pause` of its
// container), so the live model has no manager to read from. Both views (open at once, in two tabs) must mark the model
// stale (a banner naming the loss, the data greyed) within 2 s of the core noticing the loss, keep showing the last
// model, and clear the mark by themselves once the machine is unpaused. Screenshots of both states in
// e2e/artifacts/faults-ui-*.png.
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

// a failure says what every tab showed at that moment (the Board and the Cluster tab)
test.afterEach(async ({ page }, info) => {
  if (info.status === info.expectedStatus) return;
  for (const [i, p] of page.context().pages().entries()) await p.screenshot({ path: path.join(artifactsDir, `faults-ui-failed-tab${i + 1}.png`) }).catch(() => undefined);
});

/**
 * Records in the page when the stale mark first shows: the banner, and the view's data marked stale. Both are read
 * against the time the core noticed the loss (the banner's data-lost-at, from the core's own message), so the figure
 * is the UI's delay, not `docker pause` under load.
 */
async function watchForMark(page: Page, dataSelector: string): Promise<void> {
  // a script string: this project's e2e types have no DOM library
  await page.evaluate(`(() => {
    const sel = ${JSON.stringify(dataSelector)};
    const mark = {};
    window.__mark = mark;
    const check = () => {
      const now = Date.now();
      const banner = document.querySelector('[data-testid="stale-banner"]');
      if (banner && mark.bannerAt === undefined) {
        mark.bannerAt = now;
        mark.lostAt = Number(banner.getAttribute('data-lost-at'));
      }
      if (mark.dataAt === undefined && document.querySelector(sel + '[data-stale="true"]')) mark.dataAt = now;
      if (mark.bannerAt !== undefined && mark.dataAt !== undefined) clearInterval(timer);
    };
    // polled every 25 ms: the figure is then at most that late
    const timer = setInterval(check, 25);
  })()`);
}
async function markDelays(page: Page): Promise<{ lostAt: number; bannerMs: number; dataMs: number }> {
  const m = (await page.evaluate('window.__mark || {}')) as { bannerAt?: number; dataAt?: number; lostAt?: number };
  if (m.bannerAt === undefined || m.dataAt === undefined || !m.lostAt) throw new Error(`the stale mark was not recorded: ${JSON.stringify(m)}`);
  return { lostAt: m.lostAt, bannerMs: m.bannerAt - m.lostAt, dataMs: m.dataAt - m.lostAt };
}

test('a frozen manager: Board and Cluster mark the model stale, keep it on screen, and clear the mark when it is back', async ({ page }) => {
  test.setTimeout(600_000);
  // the Cluster view in a second tab of the same window session, watching at the same time as the Board
  const cluster = await page.context().newPage();
  await preferSwarm(cluster, swarm.manager);
  await cluster.goto(`${state.url}#cluster`);
  await gotoView(cluster, 'Cluster');
  await expect(cluster.getByTestId('node-row')).toHaveCount(swarm.machines.length, { timeout: 120_000 });
  await expect(cluster.locator('.table-scroll[data-stale="false"]')).toBeVisible();

  await page.goto(`${state.url}#board`);
  await gotoView(page, 'Board');
  await page.getByLabel('filter tasks').fill(service);
  const cards = page.locator('[data-testid="task-card"][data-state="running"]');
  await expect(cards).toHaveCount(3, { timeout: 120_000 });
  await expect(page.getByTestId('stale-banner')).toHaveCount(0);
  await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'false');
  await shot(page, '1-board-live');
  await watchForMark(page, '[data-testid="board-data"]');
  await watchForMark(cluster, '.table-scroll');

  const frozenAt = Date.now();
  expect(docker(['pause', containerName(swarm.manager)]).ok).toBe(true);
  const pausedAt = Date.now();
  try {
    // the core pings the watched manager 1 s after it last proved alive while the swarm is active (4 s while it has
    // been idle for a minute, with its TLS link reached each second between) and marks it lost when a ping or a reach
    // is unanswered for 1 s: within 2 s, active or idle
    await expect(page.getByTestId('stale-banner')).toBeVisible({ timeout: 30_000 });
    await expect(cluster.getByTestId('stale-banner')).toBeVisible({ timeout: 30_000 });
    const board = await markDelays(page);
    const clusterMarks = await markDelays(cluster);
    test.info().annotations.push(
      { type: 'loss noticed by the core after the pause returned', description: `${board.lostAt - pausedAt} ms (pause took ${pausedAt - frozenAt} ms)` },
      { type: 'Board marked after the core noticed', description: `banner ${board.bannerMs} ms, data ${board.dataMs} ms` },
      { type: 'Cluster marked after the core noticed', description: `banner ${clusterMarks.bannerMs} ms, data ${clusterMarks.dataMs} ms` },
    );
    // acceptance 5: both views mark the lost source and the stale data within 2 s of the core losing it
    for (const ms of [board.bannerMs, board.dataMs, clusterMarks.bannerMs, clusterMarks.dataMs]) expect(ms).toBeLessThanOrEqual(2_000);
    // the loss was noticed after the freeze (not a stale mark from before it), and soon after it (2 s by design; the
    // bound leaves room for a loaded CI machine)
    expect(board.lostAt).toBeGreaterThanOrEqual(frozenAt);
    expect(board.lostAt - pausedAt, 'the core noticed the frozen manager this long after the pause').toBeLessThanOrEqual(5_000);
    await expect(page.getByTestId('stale-banner')).toContainText(swarm.manager);
    await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'true');
    // the time is said once, as a clock time (not also as an ISO date inside the core's message)
    const text = (await page.getByTestId('stale-banner').textContent()) ?? '';
    expect(text).toMatch(/^Stale since /);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    // the last model stays on screen, marked, rather than vanishing
    await expect(cards).toHaveCount(3);
    await expect(page.getByTestId('stale-banner')).toContainText('no manager of the swarm answers', { timeout: 30_000 });
    await shot(page, '2-board-stale');

    await expect(cluster.getByTestId('stale-banner')).toContainText('no manager of the swarm answers', { timeout: 30_000 });
    await expect(cluster.locator('.table-scroll[data-stale="true"]')).toBeVisible();
    await expect(cluster.getByTestId('node-row')).toHaveCount(swarm.machines.length);
    await shot(cluster, '3-cluster-stale');
    await gotoView(page, 'Cluster');
    await expect(page.getByTestId('stale-banner')).toBeVisible();
    await expect(page.locator('.table-scroll[data-stale="true"]')).toBeVisible();
    await expect(page.getByTestId('node-row')).toHaveCount(swarm.machines.length);
  } finally {
    docker(['unpause', containerName(swarm.manager)]);
  }
  const backAt = Date.now();
  await expect(page.getByTestId('stale-banner')).toHaveCount(0, { timeout: 30_000 });
  await expect(cluster.getByTestId('stale-banner')).toHaveCount(0, { timeout: 30_000 });
  test.info().annotations.push({ type: 'mark cleared after unpause', description: `${Date.now() - backAt} ms` });
  await expect(page.locator('.table-scroll[data-stale="false"]')).toBeVisible();
  await expect(page.getByTestId('node-row').and(page.locator('[data-status="ready"]'))).toHaveCount(swarm.machines.length, { timeout: 60_000 });
  await shot(page, '4-cluster-recovered');
  await gotoView(page, 'Board');
  await expect(page.getByTestId('board-data')).toHaveAttribute('data-stale', 'false');
  await page.getByLabel('filter tasks').fill(service);
  await expect(cards).toHaveCount(3, { timeout: 60_000 });
  await shot(page, '5-board-recovered');
  await cluster.close();
});
