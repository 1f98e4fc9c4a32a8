// Cockpit 3: the actions the other cockpit specs do not click, on the shared machine swarm (NAME-m1
// manager, NAME-w1, NAME-w2). Services: Rollback (rolling back, then rolled back), Scale, Force update
// (every task replaced) and the Logs link. Cluster: pause/activate a node, add/edit/remove a label.
// Machines: mid-create nothing on the machine's row can be pressed; that fourth machine then joins the
// swarm and is removed from it by clicking through the guided remove (drain, leave, remove).
// The docker CLI inside the manager machine is the oracle; afterAll leaves the swarm as found.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { E2E_SWARM, ensureMachineSwarm, flotillaCli, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1, IMAGE_V2 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';

const state = e2eState();
const service = `cockpit3-${process.pid}`;
/** the fourth machine: made by clicking, joined, removed from the swarm by clicking, then deleted */
const extra = `${E2E_SWARM}-c3`;
const LABEL = 'cockpit3.zone';
let swarm: MachineSwarm;

/** `docker ARGS` in a machine's container (the manager by default) */
function dm(args: string[], machine = swarm.manager): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['exec', containerName(machine), 'docker', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
function must(args: string[], machine = swarm.manager): string {
  const r = dm(args, machine);
  if (!r.ok) throw new Error(`docker ${args[0]} ${args[1] ?? ''} in ${machine} failed: ${r.out}`);
  return r.out;
}
const updateState = (): string => dm(['service', 'inspect', '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}', service]).out;
const runningTasks = (): string[] => must(['service', 'ps', '-q', '--no-trunc', '-f', 'desired-state=running', service]).split('\n').filter(Boolean).sort();

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `cockpit-3-${name}.png`) });
}
async function gotoView(page: Page, label: 'Services' | 'Cluster' | 'Machines'): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await expect(page.getByRole('heading', { name: label, level: 1 })).toBeVisible();
}
/** the Services view talks to the manager machine's engine (the page may know the lab's swarm too) */
async function onManager(page: Page): Promise<void> {
  const sub = page.locator('.view-header .sub');
  await expect(sub).toContainText('swarm via', { timeout: 90_000 });
  const picker = page.getByTestId('swarm-picker');
  if ((await picker.count()) > 0) await picker.selectOption({ label: `via ${swarm.manager}` });
  await expect(sub).toHaveText(`swarm via ${swarm.manager}`);
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
  await page.screenshot({ path: path.join(artifactsDir, 'cockpit-3-failure.png') }).catch(() => undefined);
  process.stderr.write(`\n[cockpit-3 diagnostics]\ndocker service ps:\n${dm(['service', 'ps', service]).out}\ndocker node ls:\n${dm(['node', 'ls']).out}\n`);
});

test.afterAll(() => {
  if (!swarm) return;
  // leave the swarm as found even when a step failed half-way
  if (dm(['service', 'inspect', service]).ok) dm(['service', 'rm', service]);
  for (const m of swarm.machines) {
    if (dm(['node', 'inspect', '--format', '{{.Spec.Availability}}', m]).out !== 'active') dm(['node', 'update', '--availability', 'active', m]);
    if (dm(['node', 'inspect', '--format', `{{index .Spec.Labels "${LABEL}"}}`, m]).out !== '') dm(['node', 'update', '--label-rm', LABEL, m]);
  }
  if (dm(['node', 'inspect', extra]).ok) {
    dm(['swarm', 'leave', '--force'], extra);
    dm(['node', 'rm', '--force', extra]);
  }
  try {
    flotillaCli(['machine', 'rm', '-f', extra], 300_000);
  } catch {
    /* never made, or already gone */
  }
});

test('services by clicking: rollback (rolling back → rolled back), scale, force update, logs', async ({ page }) => {
  test.setTimeout(300_000);
  // a service with a previous spec to go back to: made at :1, updated to :2 (setup by the CLI); the slow
  // rollback config (one task at a time, 4 s apart) keeps "rolling back" on screen long enough to see;
  // the shell ignores SIGTERM, so a 1 s stop grace period keeps each replacement quick
  const script = 'while true; do echo "cockpit3 tick from $(hostname)"; sleep 2; done';
  must(['service', 'create', '-d', '--name', service, '--replicas', '3', '--stop-grace-period', '1s', '--update-parallelism', '0', '--update-monitor', '1s', '--rollback-parallelism', '1', '--rollback-delay', '4s', '--rollback-monitor', '1s', IMAGE_V1, 'sh', '-c', script]);
  must(['service', 'update', '-d', '--image', IMAGE_V2, service]);
  await expect.poll(updateState, { timeout: 120_000 }).toBe('completed');

  await page.goto(`${state.url}#services`);
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await onManager(page);
  await page.locator(`[data-testid="service-row"][data-service="${service}"]`).click();
  const detail = page.locator(`[data-testid="service-detail"][data-service="${service}"]`);
  await expect(detail.getByTestId('detail-replicas')).toHaveText('3/3 running', { timeout: 60_000 });
  await expect(detail.getByTestId('detail-update')).toHaveText('updated');
  await expect(detail.locator('.kv')).toContainText(IMAGE_V2);

  // Rollback: confirm, then "rolling back" while the swarm says rollback_started, then "rolled back"
  await detail.getByRole('button', { name: 'Rollback', exact: true }).click();
  await expect(detail.getByRole('alertdialog')).toContainText(`Roll ${service} back to its previous spec`);
  await detail.getByTestId('confirm-yes').click();
  await expect(detail.getByTestId('detail-update')).toHaveText('rolling back', { timeout: 30_000 });
  expect(updateState()).toBe('rollback_started');
  await expect(detail.getByTestId('update-progress')).toContainText('rolling back');
  await shot(page, '1-rolling-back');
  await expect(detail.getByTestId('detail-update')).toHaveText('rolled back', { timeout: 120_000 });
  expect(updateState()).toBe('rollback_completed');
  expect(must(['service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', service])).toBe(IMAGE_V1);
  await expect(detail.locator('.kv')).toContainText(IMAGE_V1);
  await expect(detail.getByTestId('detail-replicas')).toHaveText('3/3 running', { timeout: 60_000 });
  await shot(page, '2-rolled-back');

  // Scale 3 → 4: the count in the UI and in `docker service ls`
  await detail.getByLabel('Replicas').fill('4');
  await detail.getByTestId('scale-submit').click();
  await expect(detail.getByTestId('detail-replicas')).toHaveText('4/4 running', { timeout: 90_000 });
  await expect.poll(() => must(['service', 'ls', '--filter', `name=${service}`, '--format', '{{.Name}} {{.Replicas}}']), { timeout: 30_000 }).toBe(`${service} 4/4`);
  await shot(page, '3-scaled');

  // Force update: same spec, every task replaced (no running task ID survives), the UI lists the new ones
  const before = runningTasks();
  expect(before).toHaveLength(4);
  await detail.getByRole('button', { name: 'Force update', exact: true }).click();
  await detail.getByTestId('confirm-yes').click();
  await expect(detail.getByTestId('service-notice')).toContainText(`Replacing every task of ${service}`, { timeout: 30_000 });
  await expect
    .poll(
      () => {
        const now = runningTasks();
        return now.length === 4 && now.every((id) => !before.includes(id));
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  const after = runningTasks();
  const uiRunning = (): Promise<string[]> =>
    detail
      .locator('[data-testid="task-row"][data-state="running"] td:first-child')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? '').sort());
  await expect.poll(uiRunning, { timeout: 60_000 }).toEqual(after);
  await expect(detail.getByTestId('detail-replicas')).toHaveText('4/4 running');
  // the replaced tasks stay in the history, shut down
  await expect(detail.locator('[data-testid="task-row"][data-state="shutdown"]')).not.toHaveCount(0);
  await shot(page, '4-force-updated');

  // the Logs link opens this service's logs, following
  await detail.getByTestId('service-logs').click();
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();
  await expect(page.getByTestId('log-row').filter({ hasText: /cockpit3 tick from/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('log-status')).toHaveText(/following/);
  await expect(page.getByLabel('service', { exact: true })).toHaveValue(/.+/);
  expect(await page.getByLabel('service', { exact: true }).locator('option:checked').innerText()).toContain(service);
  await shot(page, '5-logs');

  must(['service', 'rm', service]);
});

test('cluster by clicking: pause then activate a node; add, edit and remove a label', async ({ page }) => {
  test.setTimeout(180_000);
  const [w1, w2] = swarm.workers;
  const availability = (n: string): string => must(['node', 'inspect', '--format', '{{.Spec.Availability}}', n]);
  const label = (n: string): string => must(['node', 'inspect', '--format', `{{index .Spec.Labels "${LABEL}"}}`, n]);
  await page.goto(`${state.url}#cluster`);
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  const row = page.locator(`[data-testid="node-row"][data-hostname="${w1}"]`);
  await expect(row).toHaveAttribute('data-availability', 'active', { timeout: 90_000 });

  // pause: keeps its tasks, takes no new ones
  const seg = row.getByRole('group', { name: `availability of ${w1}` });
  await seg.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toHaveAttribute('data-availability', 'pause', { timeout: 30_000 });
  await expect(row.getByTestId('node-availability')).toHaveText('paused');
  await expect(seg.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true');
  expect(availability(w1)).toBe('pause');
  await expect(page.getByTestId('raft-health')).toContainText('1 paused');
  await shot(page, '6-paused');
  await seg.getByRole('button', { name: 'Active' }).click();
  await expect(row).toHaveAttribute('data-availability', 'active', { timeout: 30_000 });
  expect(availability(w1)).toBe('active');

  // labels: add one (kept beside whatever labels the node has), save; then edit its value; then remove it
  const row2 = page.locator(`[data-testid="node-row"][data-hostname="${w2}"]`);
  const dialog = page.getByTestId('labels-dialog');
  const text = dialog.locator('textarea');
  const others = must(['node', 'inspect', '--format', '{{json .Spec.Labels}}', w2]);
  await row2.getByRole('button', { name: `labels of ${w2}` }).click();
  const had = await text.inputValue();
  await text.fill(`${had}${had ? '\n' : ''}${LABEL}=a`);
  await expect(dialog).toContainText('1 to set, 0 to remove');
  await shot(page, '7-label-add');
  await dialog.getByRole('button', { name: 'Save labels' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(row2.locator('.label-chip', { hasText: `${LABEL}=a` })).toBeVisible({ timeout: 30_000 });
  expect(label(w2)).toBe('a');

  await row2.getByRole('button', { name: `labels of ${w2}` }).click();
  await expect(text).toHaveValue(new RegExp(`${LABEL.replace('.', '\\.')}=a`));
  await text.fill((await text.inputValue()).replace(`${LABEL}=a`, `${LABEL}=b`));
  await expect(dialog).toContainText('1 to set, 0 to remove');
  await text.press('Control+Enter'); // the keyboard way to save
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(row2.locator('.label-chip', { hasText: `${LABEL}=b` })).toBeVisible({ timeout: 30_000 });
  expect(label(w2)).toBe('b');
  await shot(page, '8-label-edited');

  await row2.getByRole('button', { name: `labels of ${w2}` }).click();
  await text.fill((await text.inputValue()).split('\n').filter((l) => !l.startsWith(`${LABEL}=`)).join('\n'));
  await expect(dialog).toContainText('0 to set, 1 to remove');
  await dialog.getByRole('button', { name: 'Save labels' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(row2.locator('.label-chip', { hasText: LABEL })).toHaveCount(0, { timeout: 30_000 });
  expect(label(w2)).toBe('');
  expect(must(['node', 'inspect', '--format', '{{json .Spec.Labels}}', w2])).toBe(others);
});

test('a machine mid-create cannot be started, stopped or removed; joined to the swarm, the guided remove takes it out', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto(`${state.url}#machines`);
  await expect(page.getByTestId('machines-table')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('new-machine').click();
  const wizard = page.getByTestId('create-machine-dialog');
  await wizard.getByTestId('driver-container').click();
  await wizard.getByTestId('wizard-next').click();
  await wizard.getByTestId('machine-name').fill(extra);
  await wizard.getByTestId('wizard-next').click();
  await expect(wizard).toBeHidden();

  // while it is being made: its row says creating and every action on it is disabled
  const op = page.getByTestId('op-card').filter({ hasText: `New machine ${extra}` });
  const row = page.locator(`[data-testid="machine-row"][data-machine="${extra}"]`);
  await expect(row).toHaveAttribute('data-state', 'creating', { timeout: 60_000 });
  await expect(op).toHaveAttribute('data-status', 'running');
  for (const name of ['Start', 'Restart', 'SSH', 'New certs']) await expect(row.getByRole('button', { name, exact: true })).toBeDisabled();
  await expect(row.getByRole('button', { name: `remove ${extra}` })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Start', exact: true })).toHaveAttribute('title', /wait/);
  await shot(page, '9-mid-create');
  // the other machines' rows stay usable meanwhile
  await expect(page.locator(`[data-testid="machine-row"][data-machine="${swarm.workers[0]}"]`).getByRole('button', { name: 'Stop', exact: true })).toBeEnabled();

  await expect(op).toHaveAttribute('data-status', /done|failed/, { timeout: 300_000 });
  if ((await op.getAttribute('data-status')) === 'failed') throw new Error(`New machine failed: ${await op.getByTestId('op-error').textContent()}`);
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(row.getByRole('button', { name: 'Stop', exact: true })).toBeEnabled();
  await expect(row.getByRole('button', { name: `remove ${extra}` })).toBeEnabled();

  // join it as a worker (setup, with the CLI; the token is passed as an argument, never printed)
  const token = must(['swarm', 'join-token', '-q', 'worker']);
  const addr = must(['info', '--format', '{{.Swarm.NodeAddr}}']);
  const joined = dm(['swarm', 'join', '--token', token, `${addr}:2377`], extra);
  if (!joined.ok) throw new Error(`${extra} could not join the swarm (docker swarm join failed)`);

  // the guided remove: the dialog lists drain → leave → remove, then shows each step done
  await gotoView(page, 'Cluster');
  const node = page.locator(`[data-testid="node-row"][data-hostname="${extra}"]`);
  await expect(node).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
  await expect(node).toHaveAttribute('data-role', 'worker');
  await node.getByRole('button', { name: `remove ${extra}` }).click();
  const dialog = page.getByTestId('remove-node-dialog');
  const plan = dialog.locator('ol.plan li');
  await expect(plan).toHaveCount(3);
  await expect(plan.nth(0)).toContainText(`drain ${extra}`);
  await expect(plan.nth(1)).toContainText(`${extra}'s engine leaves the swarm`);
  await expect(plan.nth(2)).toContainText('remove it from the node list');
  await shot(page, '10-remove-node-plan');
  await dialog.getByRole('button', { name: `Remove ${extra}` }).click();
  await expect(dialog.getByRole('heading', { name: `${extra} was removed` })).toBeVisible({ timeout: 180_000 });
  await expect(dialog.locator('ol.plan.done li')).not.toHaveCount(0);
  await shot(page, '11-remove-node-done');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(node).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('node-row')).toHaveCount(3);
  // it went down before it was removed: no "lost contact" note is left behind for a node that is gone
  await expect(page.locator('.cluster-view')).not.toContainText(`node ${extra}`, { timeout: 30_000 });
  // the oracle: gone from the node list, and its engine is out of any swarm
  const hosts = must(['node', 'ls', '--format', '{{.Hostname}}']).split('\n').sort();
  expect(hosts).toEqual([...swarm.machines].sort());
  expect(must(['info', '--format', '{{.Swarm.LocalNodeState}}'], extra)).toBe('inactive');

  flotillaCli(['machine', 'rm', '-f', extra], 300_000);
});
