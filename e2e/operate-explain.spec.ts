// Operate: "Why not running", by clicking, on the shared machine swarm (NAME-m1 manager, NAME-w1, NAME-w2).
// A service whose constraint no node meets stays pending; its details show the panel with every node refusing it
// on that constraint, quoted as written, and the engine's own error, which is the Error column of
// `docker service ps --no-trunc` in the manager. Clicking the pending task opens its details with the same panel.
// Screenshots `operate-explain-*.png`; on failure `operate-explain-failure.png`.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';

const state = e2eState();
const service = `explain-${process.pid}`;
const CONSTRAINT = 'node.labels.zone==nowhere';
let swarm: MachineSwarm;

/** `docker ARGS` in the manager machine's container */
function dm(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['exec', containerName(swarm.manager), 'docker', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
function must(args: string[]): string {
  const r = dm(args);
  if (!r.ok) throw new Error(`docker ${args[0]} ${args[1] ?? ''} in ${swarm.manager} failed: ${r.out}`);
  return r.out;
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `operate-explain-${name}.png`), fullPage: true });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

test.afterEach(async ({ page }, info) => {
  if (info.status === info.expectedStatus || !swarm) return;
  await page.screenshot({ path: path.join(artifactsDir, 'operate-explain-failure.png') }).catch(() => undefined);
  process.stderr.write(`\n[operate-explain diagnostics]\ndocker service ps:\n${dm(['service', 'ps', '--no-trunc', service]).out}\n`);
});

test.afterAll(() => {
  if (swarm && dm(['service', 'inspect', service]).ok) dm(['service', 'rm', service]);
});

test('a pending service: its details say why, per node; the pending task has the same panel', async ({ page }) => {
  test.setTimeout(300_000);
  // no registry here: --no-resolve-image keeps the CLI from asking one (every machine has IMAGE_V1)
  must(['service', 'create', '-d', '--no-resolve-image', '--name', service, '--constraint', CONSTRAINT, IMAGE_V1, 'sleep', '1d']);
  const engineError = `no suitable node (scheduling constraints not satisfied on ${swarm.machines.length} nodes)`;
  await expect.poll(() => dm(['service', 'ps', '--no-trunc', '--format', '{{.CurrentState}}|{{.Error}}', service]).out, { timeout: 90_000 }).toMatch(new RegExp(`^Pending.*\\|"${engineError.replace(/[()]/g, '\\$&')}"$`));

  await page.goto(`${state.url}#services`);
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  const sub = page.locator('.view-header .sub');
  await expect(sub).toContainText('swarm via', { timeout: 90_000 });
  const picker = page.getByTestId('swarm-picker');
  if ((await picker.count()) > 0) await picker.selectOption({ label: `via ${swarm.manager}` });
  await expect(sub).toHaveText(`swarm via ${swarm.manager}`);

  await page.locator(`[data-testid="service-row"][data-service="${service}"]`).click();
  const detail = page.locator(`[data-testid="service-detail"][data-service="${service}"]`);
  await expect(detail.getByTestId('detail-replicas')).toHaveText('0/1 running', { timeout: 60_000 });
  const panel = detail.getByTestId('why-not-running').first();
  await expect(panel).toBeVisible();
  const why = panel.getByTestId('why-task');
  await expect(why).toHaveCount(1, { timeout: 30_000 });
  await expect(why.getByTestId('why-engine-error')).toContainText(engineError);
  await expect(why.getByTestId('why-summary')).toHaveText(/^pending: no node can take it/);
  const nodes = why.getByTestId('why-node');
  await expect(nodes).toHaveCount(swarm.machines.length);
  for (const m of swarm.machines) {
    const row = why.locator(`[data-testid="why-node"][data-node="${m}"]`);
    await expect(row).toHaveAttribute('data-kinds', 'constraint');
    await expect(row).toContainText(`constraint "${CONSTRAINT}" fails: node.labels.zone is "" here`);
    await expect(row).toContainText('no');
  }
  await why.locator('summary').click();
  await expect(why.getByTestId('why-history-row').first()).toContainText('pending');
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'service');

  // the task's own details, from its row in the task history
  const taskId = must(['service', 'ps', '-q', '--no-trunc', '-f', 'desired-state=running', service]).split('\n')[0];
  await detail.locator('[data-testid="task-row"][data-state="pending"]').first().click();
  const task = detail.getByTestId('task-detail');
  await expect(task).toHaveAttribute('data-task', taskId);
  const taskWhy = task.getByTestId('why-task');
  await expect(taskWhy).toHaveAttribute('data-task', taskId, { timeout: 30_000 });
  await expect(taskWhy.getByTestId('why-node')).toHaveCount(swarm.machines.length);
  await expect(taskWhy.getByTestId('why-engine-error')).toContainText(engineError);
  await task.scrollIntoViewIfNeeded();
  await shot(page, 'task');

  // the service made runnable: the panel goes once every task runs
  must(['service', 'update', '-d', '--no-resolve-image', '--constraint-rm', CONSTRAINT, service]);
  await expect(detail.getByTestId('detail-replicas')).toHaveText('1/1 running', { timeout: 120_000 });
  await expect(detail.locator('> [data-testid="why-not-running"]')).toHaveCount(0);
});
