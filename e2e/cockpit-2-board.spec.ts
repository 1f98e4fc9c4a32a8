// Cockpit 2: the Services view and the Board on a real 3-machine swarm (container driver), all by clicking:
// (2) create a 6-replica service and see six cards spread across nodes; (3) drain a node and see its cards
// move and the node marked drained, then activate it again; (4) update the image with parallelism 1 and
// a delay, watch old and new tasks and the progress bar, then all new. The service is removed at the end
// (by clicking; afterAll makes sure with the docker CLI) so the swarm is left as found.
// The docker CLI inside the manager machine is the oracle for what the swarm holds.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1, IMAGE_V2 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';

const state = e2eState();
const service = `cockpit2-${process.pid}`;
let swarm: MachineSwarm;

/** docker CLI in the manager machine (the oracle) */
function dm(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['exec', containerName(swarm.manager), 'docker', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(artifactsDir, `cockpit-2-${name}.png`),
  });
}
/** the views talk to the manager machine's engine (the page may know several swarms) */
async function onManager(page: Page): Promise<void> {
  const sub = page.locator('.view-header .sub');
  await expect(sub).toContainText('swarm via', { timeout: 90_000 });
  const picker = page.getByTestId('swarm-picker');
  if ((await picker.count()) > 0) await picker.selectOption({ label: `via ${swarm.manager}` });
  await expect(sub).toHaveText(`swarm via ${swarm.manager}`);
}
async function gotoView(page: Page, label: 'Board' | 'Services'): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await expect(page.getByRole('heading', { name: label, level: 1 })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
});

test.afterEach(async ({ page }, info) => {
  if (info.status === info.expectedStatus || !swarm) return;
  // what the page and the swarm each said when it failed
  await page.screenshot({ path: path.join(artifactsDir, 'cockpit-2-failure.png') }).catch(() => undefined);
  const cards = await page
    .getByTestId('task-card')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-task-id')} ${e.getAttribute('data-state')} ${e.getAttribute('data-image')}`))
    .catch(() => []);
  await info.attach('diagnostics', {
    body: `board cards:\n${cards.join('\n')}\n\ndocker service ps:\n${dm(['service', 'ps', '--no-trunc', service]).out}\n\ndocker node ls:\n${dm(['node', 'ls']).out}`,
    contentType: 'text/plain',
  });
  process.stderr.write(`\n[cockpit-2 diagnostics]\nboard cards:\n${cards.join('\n')}\ndocker service ps:\n${dm(['service', 'ps', service]).out}\n`);
});

test.afterAll(() => {
  if (!swarm) return;
  // leave the swarm as found even when a step failed half-way
  if (dm(['service', 'inspect', service]).ok) dm(['service', 'rm', service]);
  for (const m of swarm.machines) {
    const a = dm(['node', 'inspect', '--format', '{{.Spec.Availability}}', m]);
    if (a.ok && a.out !== 'active') dm(['node', 'update', '--availability', 'active', m]);
  }
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

test('services and the board by clicking: create, spread, drain, rolling update, remove', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(`${state.url}#services`);
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await onManager(page);

  // (2) create a 6-replica service by clicking
  await page.getByTestId('create-service').click();
  const form = page.getByTestId('create-service-form');
  await expect(form).toBeVisible();
  // validation first: an empty image is refused in the form, before anything is sent
  await form.getByTestId('create-submit').click();
  await expect(form.getByRole('alert').first()).toContainText('an image is needed');
  await form.getByLabel('Image').fill(IMAGE_V1);
  await form.getByLabel('Name').fill(service);
  await form.getByLabel('Replicas').fill('6');
  await form.getByLabel('Command').fill('sleep 1d');
  await shot(page, '1-create-form');
  await form.getByTestId('create-submit').click();

  const detail = page.locator(`[data-testid="service-detail"][data-service="${service}"]`);
  await expect(detail).toBeVisible({ timeout: 60_000 });
  await expect(detail.getByTestId('detail-replicas')).toHaveText('6/6 running', { timeout: 120_000 });
  await expect(detail.getByTestId('task-row')).toHaveCount(6);
  expect(dm(['service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}} {{.Spec.TaskTemplate.ContainerSpec.Image}}', service]).out).toBe(`6 ${IMAGE_V1}`);
  await shot(page, '2-service-detail');

  // six cards on the board, spread over more than one node
  await gotoView(page, 'Board');
  await onManager(page);
  await page.getByLabel('filter tasks').fill(service);
  const running = page.locator('[data-testid="task-card"][data-state="running"]');
  await expect(running).toHaveCount(6, { timeout: 60_000 });
  await expect(page.getByTestId('node-column')).toHaveCount(3);
  const perNode = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await page
        .getByTestId('node-column')
        .evaluateAll((cols) => cols.map((c) => [c.getAttribute('data-node') ?? '', c.querySelectorAll('[data-testid="task-card"]').length] as const)),
    );
  const spread = await perNode();
  expect(Object.values(spread).filter((n) => n > 0).length, `cards per node: ${JSON.stringify(spread)}`).toBeGreaterThanOrEqual(2);
  await shot(page, '3-spread');

  // (3) drain a worker that runs some of them: its cards move, the column says drained
  const victim = swarm.workers.find((w) => (spread[w] ?? 0) > 0) ?? swarm.workers[0];
  const column = page.locator(`[data-testid="node-column"][data-node="${victim}"]`);
  await column.getByTestId('node-drain').click();
  await expect(column.getByTestId('availability')).toHaveText(/drained/i, {
    timeout: 30_000,
  });
  await expect(column).toHaveClass(/drained/);
  await expect(column.getByTestId('task-card')).toHaveCount(0, {
    timeout: 120_000,
  });
  await expect(running).toHaveCount(6, { timeout: 120_000 });
  expect(dm(['node', 'inspect', '--format', '{{.Spec.Availability}}', victim]).out).toBe('drain');
  await shot(page, '4-drained');

  // activate it again (the swarm is left as found); tasks do not move back by themselves
  await column.getByTestId('node-activate').click();
  await expect(column.getByTestId('availability')).toHaveCount(0, {
    timeout: 30_000,
  });
  await expect(column.getByTestId('node-drain')).toBeVisible();
  expect(dm(['node', 'inspect', '--format', '{{.Spec.Availability}}', victim]).out).toBe('active');

  // (4) update the image by clicking: parallelism 1 and a delay, so the rolling update can be watched
  await gotoView(page, 'Services');
  await page.locator(`[data-testid="service-row"][data-service="${service}"]`).click();
  await expect(detail).toBeVisible();
  await detail.getByLabel('Image').fill(IMAGE_V2);
  await detail.getByLabel('Parallelism').fill('1');
  await detail.getByLabel('Delay').fill('6s');
  await detail.getByTestId('update-image-submit').click();
  await expect(detail.getByTestId('service-notice')).toContainText(`Rolling ${service} to ${IMAGE_V2}`, { timeout: 30_000 });

  await gotoView(page, 'Board');
  await page.getByLabel('filter tasks').fill(service);
  const progress = page.locator(`[data-testid="update-progress"][data-service="${service}"]`);
  await expect(progress).toBeVisible({ timeout: 60_000 });
  // old and new tasks side by side, each marked, while the bar counts
  await expect(page.locator('.task-card.new-image[data-state="running"]')).not.toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.task-card.old-image')).not.toHaveCount(0);
  await expect(progress).toContainText(/[1-5] of 6 updated/);
  await shot(page, '5-updating');

  // then all new, the bar gone
  await expect(running.and(page.locator('[data-image="flotilla-lab/busybox:2"]'))).toHaveCount(6, { timeout: 240_000 });
  await expect(progress).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('[data-testid="task-card"][data-image="flotilla-lab/busybox:1"]')).toHaveCount(0);
  await shot(page, '6-updated');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, '6-updated-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // the service's history shows the replaced tasks; then remove it by clicking
  await gotoView(page, 'Services');
  await page.locator(`[data-testid="service-row"][data-service="${service}"]`).click();
  await expect(detail.locator('[data-testid="task-row"][data-state="running"]')).toHaveCount(6);
  await expect(detail.locator('[data-testid="task-row"][data-state="shutdown"]').first()).toBeVisible(); // the :1 tasks the update replaced
  await shot(page, '7-history');
  await detail.getByTestId('service-remove').click();
  await page.getByTestId('confirm-yes').click();
  await expect(detail).toHaveCount(0, { timeout: 60_000 }); // back on the list once the swarm removed it
  await expect(page.getByTestId('service-row').or(page.getByTestId('services-empty')).first()).toBeVisible();
  await expect(page.locator(`[data-testid="service-row"][data-service="${service}"]`)).toHaveCount(0, { timeout: 60_000 });
  expect(dm(['service', 'inspect', service]).ok).toBe(false);
  await shot(page, '8-removed');
});

test('the board stays readable at 30 nodes and 400 tasks (demo data)', async ({ page }) => {
  await page.goto(`${state.url.replace('/?', '/?demo=board&nodes=30&tasks=400&')}#board`);
  const board = page.getByTestId('board-columns');
  await expect(board).toHaveAttribute('data-columns', '31'); // 30 nodes + a column of pending tasks
  await expect(page.getByTestId('board-totals')).toContainText('30 nodes');
  // only the columns in or near the 1440-px window are rendered; the drained node-5 is among the first. Until the
  // virtualizer has measured its scroller (a ResizeObserver callback, late under load) it renders only its overscan
  const columns = page.getByTestId('node-column');
  await expect.poll(() => columns.count()).toBeGreaterThanOrEqual(4);
  expect(await columns.count()).toBeLessThan(31);
  await expect(page.locator('[data-testid="node-column"].drained')).toHaveCount(1);
  await shot(page, 'demo-30x400');
  // scrolled to the end: the last node and the pending column are there, the first ones are gone
  await board.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect(page.locator('[data-testid="node-column"][data-node="unplaced"]')).toBeVisible();
  await expect(page.locator('[data-testid="node-column"][data-node="node-30"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="node-column"][data-node="node-1"]')).toHaveCount(0);
  await shot(page, 'demo-30x400-end');
  await board.evaluate((el) => el.scrollTo({ left: 0 }));
  await expect(page.locator('[data-testid="node-column"][data-node="node-1"]')).toBeVisible();
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await expect(page.getByTestId('task-card')).toHaveCount(0);
  await shot(page, 'demo-30x400-collapsed');
});
