// Operate: the Activity view and desktop notifications on the real lab. The lab's nodes are made a swarm (n1
// manager, n2 worker) if they are not one; a service whose command exits 1 fails its tasks, n2 is drained
// with the docker CLI in n1, then frozen (its container paused) until the managers see it down, and thawed. The feed shows both as they happen, filters by kind, node and service, links to
// the service (Services) and the node (Cluster), and the desktop notifications (browser mode's HTML5
// Notification, permission granted through Playwright, captured by wrapping window.Notification in an init
// script) arrive coalesced. A mute survives a reload. A second test checks that permission is asked only from
// the click on "Allow desktop notifications". Screenshots e2e/artifacts/operate-activity-*.png.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';

const state = e2eState();
const [n1, n2] = state.lab.nodes;
const service = `act-fail-${process.pid}`;
const BUSYBOX = 'flotilla-lab/busybox:latest';
let madeSwarm = false;

/** `docker ARGS` inside a lab node */
function dn(node: { name: string }, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['exec', node.name, 'docker', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}
function must(node: { name: string }, args: string[]): string {
  const r = dn(node, args);
  if (!r.ok) throw new Error(`docker ${args.slice(0, 2).join(' ')} in ${node.name} failed: ${r.out}`);
  return r.out;
}
const swarmState = (node: { name: string }): string => dn(node, ['info', '--format', '{{.Swarm.LocalNodeState}}/{{.Swarm.ControlAvailable}}']).out;

/** records every notification the page makes (the real one is still made); a script, since e2e has no DOM types */
const CAPTURE_NOTIFICATIONS = `
  window.__notes = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, opts) {
      super(title, opts);
      window.__notes.push({ title, body: opts && opts.body });
    }
  };
`;
/** Notification with permission "default": requestPermission records whether a click (user activation) called it */
const ASK_NOTIFICATIONS = `
  window.__asked = [];
  let permission = 'default';
  window.Notification = class {
    static get permission() { return permission; }
    static requestPermission() {
      window.__asked.push(navigator.userActivation.isActive);
      permission = 'granted';
      return Promise.resolve(permission);
    }
    close() {}
  };
`;
type Note = { title: string; body?: string };
const notes = (page: Page): Promise<Note[]> => page.evaluate(() => (globalThis as unknown as { __notes: Note[] }).__notes);
const asked = (page: Page): Promise<boolean[]> => page.evaluate(() => (globalThis as unknown as { __asked: boolean[] }).__asked);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `operate-activity-${name}.png`) });
}
async function gotoView(page: Page, label: 'Activity' | 'Services' | 'Cluster'): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await expect(page.getByRole('heading', { name: label, level: 1 })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  test.setTimeout(600_000);
  if (!n1 || !n2) return;
  if (swarmState(n1) !== 'active/true') {
    madeSwarm = true;
    for (const n of [n1, n2]) if (!swarmState(n).startsWith('inactive')) must(n, ['swarm', 'leave', '--force']);
    must(n1, ['swarm', 'init', '--advertise-addr', n1.ip, '--listen-addr', `${n1.ip}:2377`]);
  }
  if (!swarmState(n2).startsWith('active')) {
    const token = must(n1, ['swarm', 'join-token', '-q', 'worker']);
    must(n2, ['swarm', 'join', '--token', token, '--advertise-addr', n2.ip, `${n1.ip}:2377`]);
  }
  must(n1, ['node', 'update', '--availability', 'active', n2.name]);
});

test.afterAll(() => {
  if (!n1 || !n2) return;
  spawnSync('docker', ['unpause', n2.name]);
  if (dn(n1, ['service', 'inspect', service]).ok) dn(n1, ['service', 'rm', service]);
  dn(n1, ['node', 'update', '--availability', 'active', n2.name]);
  if (madeSwarm) {
    // leave the lab as found: it was no swarm before this spec
    dn(n2, ['swarm', 'leave', '--force']);
    dn(n1, ['swarm', 'leave', '--force']);
  }
});

test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await shot(page, 'failure').catch(() => undefined);
});

test('a failing service, a drained node, a node down and back: the feed, coalesced notifications, filters, links and a remembered mute', async ({ page, context }) => {
  test.skip(!n1 || !n2, `needs a lab of 2 nodes: ${state.lab.error ?? 'fewer nodes'}`);
  test.setTimeout(600_000);
  await context.grantPermissions(['notifications'], { origin: new URL(state.url).origin });
  await page.addInitScript((id) => localStorage.setItem('flotilla.swarmEngine', id), `lab:${n1.name}`);
  await page.addInitScript({ content: CAPTURE_NOTIFICATIONS });
  await page.goto(`${state.url}#activity`);
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByTestId('notify-status')).toContainText('Desktop notifications are on');
  await expect(page.getByTestId('activity-empty')).toContainText('Nothing has happened yet', { timeout: 120_000 });

  must(n1, ['service', 'create', '--detach', '--name', service, '--replicas', '2', '--restart-delay', '3s', BUSYBOX, 'sh', '-c', 'echo boom; exit 1']);
  const failed = page.locator('[data-testid="activity-item"][data-kind="task-failed"]', { hasText: service });
  await expect(failed.first()).toBeVisible({ timeout: 120_000 });
  await expect(failed.first()).toContainText('non-zero exit (1)');
  // the first failures of both replicas come within the coalescing window: one notice names the service
  await expect.poll(async () => (await notes(page)).map((n) => n.title).join(' | '), { timeout: 60_000 }).toMatch(new RegExp(`(tasks failed in ${service}|${service}\\.\\d failed)`));

  must(n1, ['node', 'update', '--availability', 'drain', n2.name]);
  const drained = page.locator('[data-testid="activity-item"][data-kind="node-availability"]', { hasText: `${n2.name} was drained` });
  await expect(drained).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => (await notes(page)).map((n) => n.title), { timeout: 30_000 }).toContain(`${n2.name} was drained`);

  // n2 frozen (its system container paused): the managers mark it down, then ready again once it thaws
  // once seen failing for no stated reason right after a drain (the cgroup freeze did not settle): tried thrice
  let paused = spawnSync('docker', ['pause', n2.name], { encoding: 'utf8' });
  for (let i = 0; i < 2 && paused.status !== 0; i++) {
    await page.waitForTimeout(2_000);
    paused = spawnSync('docker', ['pause', n2.name], { encoding: 'utf8' });
  }
  expect(paused.status, `docker pause ${n2.name}: ${paused.stderr}`).toBe(0);
  try {
    await expect(page.locator('[data-testid="activity-item"][data-kind="node-down"]', { hasText: `${n2.name} is down` })).toBeVisible({ timeout: 120_000 });
    await expect.poll(async () => (await notes(page)).map((n) => n.title), { timeout: 30_000 }).toContain(`${n2.name} is down`);
  } finally {
    spawnSync('docker', ['unpause', n2.name]);
  }
  await expect(page.locator('[data-testid="activity-item"][data-kind="node-up"]', { hasText: `${n2.name} is back` })).toBeVisible({ timeout: 240_000 });
  await expect.poll(async () => (await notes(page)).map((n) => n.title), { timeout: 30_000 }).toContain(`${n2.name} is back`);
  await shot(page, '1-feed');

  // filters: kind, then node, then service
  await page.getByTestId('filter-kind').selectOption({ label: 'Node paused or drained' });
  await expect(page.getByTestId('activity-item')).toHaveCount(1);
  await expect(page.getByTestId('activity-item')).toContainText(`${n2.name} was drained`);
  await shot(page, '2-filter-kind');
  await page.getByTestId('filter-kind').selectOption('');
  await page.getByTestId('filter-service').selectOption({ label: service });
  const items = page.getByTestId('activity-item');
  expect(await items.count()).toBeGreaterThan(0);
  for (const kind of await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))) expect(['task-failed', 'deploy-finished']).toContain(kind);
  await shot(page, '3-filter-service');

  // links: the service in Services, the node in Cluster
  await failed.first().getByTestId('activity-link-service').click();
  await expect(page.getByRole('heading', { name: 'Services', level: 1 })).toBeVisible();
  await expect(page.getByTestId('service-detail')).toHaveAttribute('data-service', service);
  await shot(page, '4-link-service');
  await gotoView(page, 'Activity');
  await drained.getByTestId('activity-link-node').click();
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
  await expect(page.locator(`[data-testid="node-row"][data-hostname="${n2.name}"]`)).toHaveAttribute('data-availability', 'drain');

  // mute "Task failed": remembered across a reload
  await gotoView(page, 'Activity');
  await page.getByTestId('mute-task-failed').uncheck();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByTestId('mute-task-failed')).not.toBeChecked();
  await expect(page.getByTestId('mute-node-down')).toBeChecked();
  // after the reload the feed starts again from the live model: the crash loop goes on, muted, in the feed only
  await expect(failed.first()).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(3_000); // the coalescing window
  expect((await notes(page)).filter((n) => n.title.includes(service))).toEqual([]);
  await shot(page, '5-muted');
  await page.getByTestId('mute-task-failed').check();
});

test('browser mode asks for notification permission only from the click, then shows them on', async ({ page }) => {
  await page.addInitScript({ content: ASK_NOTIFICATIONS });
  await page.goto(`${state.url}#activity`);
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByTestId('notify-status')).toContainText('need your permission');
  await page.waitForTimeout(1_000);
  expect(await asked(page)).toEqual([]);
  await shot(page, '6-permission-ask');
  await page.getByRole('button', { name: 'Allow desktop notifications' }).click();
  await expect(page.getByTestId('notify-status')).toContainText('Desktop notifications are on');
  expect(await asked(page)).toEqual([true]);
});
