// Cockpit (1) and (5): make a 3-node swarm by clicking (Machines → New swarm, container driver, 1 manager
// + 2 workers) and watch its per-machine progress, see three Ready nodes in Cluster; then promote a worker
// by clicking, see it as a reachable manager, and demote it back. The swarm is left as made (1 manager,
// 2 workers): later specs reuse it. The docker CLI inside the manager machine is the oracle.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { E2E_SWARM } from './support/machine-swarm';
import { containerName } from '../src-main/core/machines/drivers/container';

const manager = `${E2E_SWARM}-m1`;
const workers = [`${E2E_SWARM}-w1`, `${E2E_SWARM}-w2`];
const all = [manager, ...workers];

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: path.join(artifactsDir, `cockpit-1-${name}.png`), fullPage: true });

/** `docker node ls` on the manager machine: hostname -> {status, role} */
function nodesOnManager(): Record<string, { status: string; role: string }> {
  const out = execFileSync('docker', ['exec', containerName(manager), 'docker', 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'], { encoding: 'utf8' });
  const res: Record<string, { status: string; role: string }> = {};
  for (const line of out.trim().split('\n')) {
    const [host, status, mgr] = line.trim().split(/\s+/);
    res[host] = { status, role: mgr ? 'manager' : 'worker' };
  }
  return res;
}

test.describe.configure({ mode: 'serial' });

test('(1) New swarm by clicking: live per-machine progress, then three Ready nodes in Cluster', async ({ page }) => {
  test.setTimeout(900_000);
  const state = e2eState();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(state.url);
  // no swarm yet: Cluster says so and where to make one (and its engine list is loaded now, so seeing the
  // swarm later proves the host's engines.changed broadcast reached the page)
  await page.getByRole('button', { name: /^Cluster/ }).click();
  // no manager known yet (no lab, or a lab that was never made a swarm, as npm test's own e2e lab): the empty
  // state says where to make one; run against a lab the integration tests left as a swarm, that swarm is shown
  // until the new one is chosen
  const empty = page.getByTestId('cluster-empty');
  const labRow = page.getByTestId('node-row').first();
  await expect(empty.or(labRow)).toBeVisible({ timeout: 60_000 });
  if (await empty.isVisible()) {
    await shot(page, '0-cluster-empty');
    await empty.getByRole('button', { name: /Go to Machines/ }).click();
  } else {
    await shot(page, '0-cluster-lab');
    await page.getByRole('button', { name: /^Machines/ }).click();
  }
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible();
  // global-setup gives a fresh machine store: the empty state says what to do
  await expect(page.getByTestId('machines-empty')).toBeVisible();
  await shot(page, '1-machines-empty');

  await page.getByTestId('new-swarm').click();
  const dialog = page.getByTestId('new-swarm-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('swarm-name').fill(E2E_SWARM);
  await dialog.getByTestId('swarm-managers').fill('1');
  await dialog.getByTestId('swarm-workers').fill('2');
  await dialog.getByTestId('driver-container').click();
  await expect(dialog.getByTestId('driver-container').getByRole('radio')).toBeChecked();
  await expect(dialog.getByText(`3 machines: ${all.join(', ')}`)).toBeVisible();
  await shot(page, '2-new-swarm-dialog');
  await dialog.getByTestId('create-swarm').click();
  await expect(dialog).toBeHidden();

  // live progress: one row per machine, with the step it is on (from the host's events, not a timer)
  const op = page.getByTestId('op-card').first();
  await expect(op).toBeVisible();
  await expect(op.getByTestId('op-machine')).toHaveCount(3);
  for (const m of all) await expect(op.locator(`[data-testid="op-machine"][data-machine="${m}"]`)).toBeVisible();
  await expect(op.locator('[data-testid="op-machine"][data-phase="working"]').first()).toBeVisible({ timeout: 120_000 });
  await expect(op).toHaveAttribute('data-status', 'running');
  await shot(page, '3-progress');
  // the raw log is behind a toggle
  await expect(op.getByTestId('op-raw-log')).toHaveCount(0);
  await op.getByTestId('op-log-toggle').click();
  await expect(op.getByTestId('op-raw-log')).toBeVisible();
  await expect(op.getByTestId('op-raw-log')).toContainText(`[${E2E_SWARM}-`, { timeout: 120_000 });
  await shot(page, '4-progress-raw-log');
  await op.getByTestId('op-log-toggle').click();
  await expect(op.getByTestId('op-raw-log')).toHaveCount(0);

  await expect(op).toHaveAttribute('data-status', /done|failed/, { timeout: 600_000 });
  if ((await op.getAttribute('data-status')) === 'failed') {
    await shot(page, '4-failed');
    throw new Error(`New swarm failed: ${await op.getByTestId('op-error').textContent()}`);
  }
  await expect(op.getByTestId('op-summary')).toHaveText(`swarm ${E2E_SWARM} is ready`);
  await expect(op.locator('[data-testid="op-machine"][data-phase="done"]')).toHaveCount(3);

  // the machines list: three running machines with their Docker version and swarm role
  const table = page.getByTestId('machines-table');
  for (const m of all) {
    const row = table.locator(`[data-testid="machine-row"][data-machine="${m}"]`);
    await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
    await expect(row.getByTestId('machine-docker')).toHaveText(/^v?\d+\.\d+/);
    await expect(row).toContainText(m === manager ? 'manager' : 'worker');
  }
  await shot(page, '5-swarm-ready');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, '5-swarm-ready-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Cluster: the new swarm shows up without a reload (engines.changed), with three Ready nodes
  await page.getByRole('button', { name: 'See its nodes in Cluster' }).click();
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  const nodes = page.getByTestId('node-row');
  await expect(nodes).toHaveCount(3, { timeout: 120_000 });
  for (const m of all) {
    const row = page.locator(`[data-testid="node-row"][data-hostname="${m}"]`);
    await expect(row).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    await expect(row).toHaveAttribute('data-role', m === manager ? 'manager' : 'worker');
    await expect(row).toHaveAttribute('data-availability', 'active');
  }
  await expect(page.locator(`[data-testid="node-row"][data-hostname="${manager}"]`).getByTestId('leader-badge')).toBeVisible();
  await expect(page.getByTestId('raft-managers')).toHaveText('1');
  await expect(page.getByTestId('raft-tolerates')).toHaveText('0');
  // the oracle agrees: three Ready nodes, one manager
  const seen = nodesOnManager();
  expect(Object.keys(seen).sort()).toEqual([...all].sort());
  for (const m of all) expect(seen[m].status).toBe('Ready');
  expect(seen[manager].role).toBe('manager');
  await shot(page, '6-cluster-three-ready');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, '6-cluster-three-ready-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('(5) promote a worker by clicking: it shows as a reachable manager; demote it back', async ({ page }) => {
  test.setTimeout(300_000);
  const state = e2eState();
  await page.emulateMedia({ colorScheme: 'light' });
  // the cluster views show the swarm chosen last (a new page has no choice yet; the lab may have a swarm too)
  await page.addInitScript((id) => localStorage.setItem('flotilla.swarmEngine', id), `machine:${manager}`);
  await page.goto(state.url);
  await page.getByRole('button', { name: /^Cluster/ }).click();
  const worker = workers[0];
  const row = page.locator(`[data-testid="node-row"][data-hostname="${worker}"]`);
  await expect(row).toHaveAttribute('data-role', 'worker', { timeout: 120_000 });

  // promote: the raft arithmetic comes first (1 -> 2 managers: an even count, no more tolerance)
  await row.getByRole('button', { name: `promote ${worker}` }).click();
  const dialog = page.getByTestId('role-dialog');
  await expect(dialog.getByTestId('quorum-report')).toBeVisible();
  await expect(dialog.getByTestId('quorum-report')).toContainText('2 managers: majority = floor(2/2)+1 = 2');
  await expect(dialog.getByTestId('quorum-report')).toContainText('even count');
  await shot(page, '7-promote-quorum');
  await dialog.getByTestId('confirm-role').click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-role', 'manager', { timeout: 60_000 });
  await expect(row.getByTestId('node-reachability')).toHaveText('reachable', { timeout: 60_000 });
  await expect(page.getByTestId('raft-managers')).toHaveText('2');
  await expect(page.getByTestId('raft-reachable')).toHaveText('2');
  expect(nodesOnManager()[worker].role).toBe('manager');
  await shot(page, '8-promoted');

  // demote it back (keyboard: Enter confirms), so the swarm is left as found
  await row.getByRole('button', { name: `demote ${worker}` }).click();
  await expect(dialog.getByTestId('quorum-report')).toContainText('1 manager: majority = floor(1/2)+1 = 1');
  await expect(dialog.getByTestId('confirm-role')).toBeEnabled();
  await dialog.getByTestId('confirm-role').focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-role', 'worker', { timeout: 60_000 });
  await expect(page.getByTestId('raft-managers')).toHaveText('1');
  await expect.poll(() => nodesOnManager()[worker].role, { timeout: 30_000 }).toBe('worker');
  const seen = nodesOnManager();
  expect(Object.values(seen).filter((n) => n.role === 'manager')).toHaveLength(1);
  expect(Object.values(seen).filter((n) => n.status === 'Ready')).toHaveLength(3);
  await shot(page, '9-demoted');

  // drain a worker by clicking: marked drained; then activate it again (left as found)
  const w2 = page.locator(`[data-testid="node-row"][data-hostname="${workers[1]}"]`);
  await w2.getByRole('group', { name: `availability of ${workers[1]}` }).getByRole('button', { name: 'Drain' }).click();
  await expect(w2).toHaveAttribute('data-availability', 'drain', { timeout: 30_000 });
  await expect(w2.getByTestId('node-availability')).toHaveText('drained');
  await shot(page, '9b-drained');
  await w2.getByRole('group', { name: `availability of ${workers[1]}` }).getByRole('button', { name: 'Active' }).click();
  await expect(w2).toHaveAttribute('data-availability', 'active', { timeout: 30_000 });

  // Escape closes a dialog without doing anything
  await row.getByRole('button', { name: `labels of ${worker}` }).click();
  await expect(page.getByTestId('labels-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('labels-dialog')).toBeHidden();

  // a node that is a machine opens an SSH terminal in the Terminals view
  await page.locator(`[data-testid="node-row"][data-hostname="${manager}"]`).getByRole('button', { name: 'SSH', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Terminals', level: 1 })).toBeVisible();
});

test('the create wizard makes one machine with live steps; stop, start, new certificates and remove it by clicking', async ({ page }) => {
  test.setTimeout(600_000);
  const solo = `${E2E_SWARM}-solo`;
  const state = e2eState();
  await page.emulateMedia({ colorScheme: 'light' });
  // the cluster views show the swarm chosen last (a new page has no choice yet; the lab may have a swarm too)
  await page.addInitScript((id) => localStorage.setItem('flotilla.swarmEngine', id), `machine:${manager}`);
  await page.goto(state.url);
  await page.getByRole('button', { name: /^Machines/ }).click();
  await expect(page.getByTestId('machines-table')).toBeVisible();

  // page 1: the driver with its detected prerequisites; Enter goes on
  await page.getByTestId('new-machine').click();
  const dialog = page.getByTestId('create-machine-dialog');
  await dialog.getByTestId('driver-container').click();
  await expect(dialog.getByTestId('driver-container')).toContainText('local Docker engine');
  await shot(page, '10-wizard-driver');
  await dialog.getByTestId('wizard-next').press('Enter');
  // page 2: name, size, count and roles
  await dialog.getByTestId('machine-name').fill(solo);
  await expect(dialog.getByText(`will create ${solo}`)).toBeVisible();
  await shot(page, '11-wizard-machine');
  await dialog.getByTestId('wizard-next').click();
  await expect(dialog).toBeHidden();

  const op = page.getByTestId('op-card').filter({ hasText: `New machine ${solo}` });
  await expect(op.locator(`[data-testid="op-machine"][data-machine="${solo}"]`)).toBeVisible();
  await expect(op).toHaveAttribute('data-status', /done|failed/, { timeout: 300_000 });
  if ((await op.getAttribute('data-status')) === 'failed') throw new Error(`New machine failed: ${await op.getByTestId('op-error').textContent()}`);

  const row = page.locator(`[data-testid="machine-row"][data-machine="${solo}"]`);
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  // details: inspect shows the size and the certificates
  await row.getByRole('button', { name: solo, exact: true }).click();
  await expect(page.getByTestId('machine-details')).toContainText('1 CPU · 1024 MB · 20 GB disk');
  // resize by its fields (machines.set): a container machine changes at once (the engine's update), and has no disk size
  const resize = page.getByTestId('machine-resize');
  await expect(resize.getByTestId('resize-disk')).toBeDisabled();
  await resize.getByTestId('resize-memory').fill('1536');
  await resize.getByTestId('resize-apply').click();
  await expect(resize.getByRole('status')).toContainText('memory 1024 MB -> 1536 MB (applied live)', { timeout: 60_000 });
  await expect(page.getByTestId('machine-details')).toContainText('1 CPU · 1536 MB · 20 GB disk');
  expect(execFileSync('docker', ['inspect', '--format', '{{.HostConfig.Memory}}', containerName(solo)], { encoding: 'utf8' }).trim()).toBe(String(1536 * 2 ** 20));
  await shot(page, '12-machine-details');
  await row.getByRole('button', { name: solo, exact: true }).click();

  await row.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(row).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });
  await row.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 120_000 });

  // new certificates: a stream with its own steps, then the machine answers over TLS again
  await row.getByRole('button', { name: 'New certs' }).click();
  const certs = page.getByTestId('op-card').filter({ hasText: `New certificates for ${solo}` });
  await expect(certs).toHaveAttribute('data-status', /done|failed/, { timeout: 300_000 });
  if ((await certs.getAttribute('data-status')) === 'failed') throw new Error(`New certs failed: ${await certs.getByTestId('op-error').textContent()}`);
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(row.getByTestId('machine-docker')).toHaveText(/^v?\d+\.\d+/);

  await row.getByRole('button', { name: `remove ${solo}` }).click();
  const confirm = page.getByTestId('remove-machine-dialog');
  await expect(confirm).toContainText('cannot be undone');
  await shot(page, '13-remove-confirm');
  await confirm.getByRole('button', { name: `Remove ${solo}` }).click();
  await expect(row).toHaveCount(0, { timeout: 120_000 });
  const left = execFileSync('docker', ['ps', '-a', '--filter', `name=^${containerName(solo)}$`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();
  expect(left).toBe('');
  // the swarm is untouched
  for (const m of all) await expect(page.locator(`[data-testid="machine-row"][data-machine="${m}"]`)).toHaveAttribute('data-state', 'running');
});
