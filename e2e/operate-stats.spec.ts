// Issue 18, live resources, in browser mode on the lab swarm: a busybox task spinning (held to a quarter of a CPU, to spare the shared machine) on node 2 and two sleeping
// tasks; the Board shows CPU and memory bars in each node header (node 2's CPU bar up), the toggle puts bars on the
// task cards and takes them off again, and the Cluster view shows the same bars per node row. Screenshots of each in
// e2e/artifacts/operate-stats-*.png. The docker CLI inside the lab nodes sets the swarm up and removes the services.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';

const state = e2eState();
const sfx = process.pid.toString(36);
const burn = `stats-burn-${sfx}`;
const idle = `stats-idle-${sfx}`;
const IMAGE = 'flotilla-lab/busybox:latest';

/** the docker CLI inside a lab node */
function dn(node: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['exec', node, 'docker', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
const swarmState = (node: string): string => dn(node, ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']).out;

/** lab nodes this spec put into the swarm: they leave it again afterwards, so the lab is left as found */
const joined: string[] = [];

/** node 1 a manager, the others its workers (the lab may be in any state another spec left it in) */
function ensureSwarm(nodes: { name: string; ip: string }[]): void {
  const [m, ...workers] = nodes;
  if (swarmState(m.name) !== 'active true') {
    dn(m.name, ['swarm', 'leave', '--force']);
    const r = dn(m.name, ['swarm', 'init', '--advertise-addr', m.ip]);
    if (!r.ok) throw new Error(`swarm init on ${m.name}: ${r.out}`);
    joined.push(m.name);
  }
  const members = dn(m.name, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}}']).out.split('\n');
  const token = dn(m.name, ['swarm', 'join-token', '-q', 'worker']).out;
  for (const w of workers) {
    if (swarmState(w.name).startsWith('active') && members.includes(`${w.name} Ready`)) continue;
    dn(w.name, ['swarm', 'leave', '--force']);
    const r = dn(w.name, ['swarm', 'join', '--token', token, '--advertise-addr', w.ip, `${m.ip}:2377`]);
    if (!r.ok) throw new Error(`${w.name} could not join: ${r.out.replaceAll(token, '<token>')}`);
    joined.unshift(w.name);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `operate-stats-${name}.png`) });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  test.setTimeout(600_000);
  if (state.lab.nodes.length < 2) return;
  ensureSwarm(state.lab.nodes);
  const [m, busy] = state.lab.nodes;
  for (const [name, args] of [
    [burn, ['--constraint', `node.hostname==${busy.name}`, '--limit-cpu', '0.25', IMAGE, 'sh', '-c', 'while :; do :; done']],
    [idle, ['--replicas', '2', IMAGE, 'sh', '-c', 'dd if=/dev/zero of=/dev/shm/ballast bs=1M count=16 2>/dev/null; sleep 3600']],
  ] as const) {
    const r = dn(m.name, ['service', 'create', '-d', '--name', name, '--stop-grace-period', '1s', ...args]);
    if (!r.ok) throw new Error(`service create ${name}: ${r.out}`);
  }
});

test.afterAll(() => {
  const m = state.lab.nodes[0];
  if (m) dn(m.name, ['service', 'rm', burn, idle]);
  // workers first, then the manager
  for (const node of joined) dn(node, ['swarm', 'leave', '--force']);
});

test('live resources: bars in Board node headers, on task cards by a toggle, and in the Cluster view', async ({ page }) => {
  test.skip(state.lab.nodes.length < 2 && process.env.FLOTILLA_REQUIRE_LAB !== '1', `needs a lab of 2 nodes: ${state.lab.error ?? 'fewer nodes'}`);
  test.setTimeout(300_000);
  const [m, busy] = state.lab.nodes;
  await page.addInitScript((id) => {
    localStorage.setItem('flotilla.swarmEngine', id);
    localStorage.setItem('flotilla.board.taskStats', '0');
  }, `lab:${m.name}`);
  await page.goto(`${state.url}#board`);
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(page.locator('.view-header .sub')).toContainText(`swarm via ${m.name}`, { timeout: 90_000 });

  // every node header has live bars; the busy node's CPU bar is up (its task spins up to a quarter of one of the node's
  // 2 CPUs: 12.5% of the bar, less when other work crowds the machine, never nothing)
  const busyCol = page.locator(`[data-testid="node-column"][data-node="${busy.name}"]`);
  await expect(busyCol.locator('[data-testid="task-card"][data-state="running"]').first()).toBeVisible({ timeout: 120_000 });
  for (const n of state.lab.nodes) await expect(page.locator(`[data-testid="node-column"][data-node="${n.name}"] [data-testid="node-bars"]`)).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  await expect
    .poll(async () => Number(await busyCol.locator('[data-testid="node-bars"] [data-testid="meter-cpu"]').getAttribute('data-value')), { timeout: 60_000, message: `CPU bar of ${busy.name}` })
    .toBeGreaterThan(0.5);
  await expect(busyCol.locator('[data-testid="node-bars"] [data-testid="meter-mem"] .meter-text')).toContainText('/');
  // no bars on cards until the toggle is on
  await expect(page.getByTestId('task-bars')).toHaveCount(0);
  await shot(page, '1-board-node-bars');

  // the toggle puts CPU and memory on every running card; the spinning task's CPU shows
  await page.getByTestId('stats-toggle').check();
  const burnCard = busyCol.locator('[data-testid="task-card"][data-state="running"]', { hasText: burn });
  await expect(burnCard.getByTestId('task-bars')).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => Number(await burnCard.locator('[data-testid="meter-cpu"]').getAttribute('data-value')), { timeout: 60_000 }).toBeGreaterThan(1);
  const idleCard = page.locator('[data-testid="task-card"][data-state="running"]', { hasText: idle }).first();
  await expect(idleCard.locator('[data-testid="meter-mem"] .meter-text')).toContainText('MiB', { timeout: 30_000 });
  await shot(page, '2-board-task-bars');
  await page.getByTestId('stats-toggle').uncheck();
  await expect(page.getByTestId('task-bars')).toHaveCount(0);

  // the Cluster view: a Usage column with the same bars per node
  await page.getByRole('button', { name: /^Cluster/ }).click();
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  const table = page.getByTestId('nodes-table');
  await expect(table.getByRole('columnheader', { name: 'Usage' })).toBeVisible({ timeout: 60_000 });
  const busyRow = table.locator('tr', { hasText: busy.name });
  await expect(busyRow.getByTestId('node-bars')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  await expect.poll(async () => Number(await busyRow.locator('[data-testid="meter-cpu"]').getAttribute('data-value')), { timeout: 60_000 }).toBeGreaterThan(0.5);
  await shot(page, '3-cluster-usage');
});
