// The board against the lab's real swarm: a 6-replica service spreads over the nodes, a drained node is
// marked and emptied, a rolling update shows old and new tasks and a progress bar, then all new.
// The swarm, drain and update are made with the docker CLI inside the lab nodes (the oracle); clicking
// them comes with the Cluster and Services views. Screenshots after each step in e2e/artifacts.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';

const state = e2eState();
const nodes = state.lab.nodes;
const service = `e2e-board-${process.pid}`;
let manager = '';
let createdSwarm = false;
let drained = '';

function dx(node: string, args: string[]): string {
  return execFileSync('docker', ['exec', node, 'docker', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
function swarmState(node: string): { state: string; manager: boolean } {
  const [s, c] = dx(node, ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']).split(' ');
  return { state: s, manager: c === 'true' };
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `board-${name}.png`) });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  if (nodes.length < 3 || process.env.FLOTILLA_E2E_BOARD !== '1') return;
  // use the lab's swarm if it has one, else make one: first node manager, the others workers
  manager = nodes.find((n) => swarmState(n.name).manager)?.name ?? '';
  if (!manager) {
    manager = nodes[0].name;
    if (swarmState(manager).state !== 'inactive') dx(manager, ['swarm', 'leave', '--force']);
    dx(manager, ['swarm', 'init', '--advertise-addr', nodes[0].ip]);
    createdSwarm = true;
  }
  const token = dx(manager, ['swarm', 'join-token', '-q', 'worker']);
  const addr = dx(manager, ['info', '--format', '{{.Swarm.NodeAddr}}']);
  for (const n of nodes) {
    if (swarmState(n.name).state === 'inactive') dx(n.name, ['swarm', 'join', '--token', token, `${addr}:2377`]);
    dx(n.name, ['tag', 'flotilla-lab/busybox:latest', 'flotilla-lab/busybox:e2e-new']);
  }
  // every node takes tasks (an earlier run may have left one drained)
  for (const n of nodes) dx(manager, ['node', 'update', '--availability', 'active', n.name]);
  dx(manager, ['service', 'create', '-d', '--name', service, '--replicas', '6', '--update-parallelism', '1', '--update-delay', '12s', 'flotilla-lab/busybox:latest', 'sleep', '86400']);
});

test.afterAll(() => {
  if (!manager) return;
  try {
    dx(manager, ['service', 'rm', service]);
  } catch {
    /* already gone */
  }
  if (drained) dx(manager, ['node', 'update', '--availability', 'active', drained]);
  if (createdSwarm) {
    for (const n of [...nodes].reverse()) {
      try {
        dx(n.name, ['swarm', 'leave', '--force']);
      } catch {
        /* not a member */
      }
    }
  }
});

test('the board shows the swarm live: spread, drain and a rolling update', async ({ page }) => {
  // The swarm.model stream sends its snapshot but, as of this commit, no diffs on the lab (service create,
  // drain): the live steps below cannot pass until it does. Run with FLOTILLA_E2E_BOARD=1 to try; remove this line then.
  test.fixme(process.env.FLOTILLA_E2E_BOARD !== '1', 'waits on swarm.model diffs (snapshot only so far)');
  test.skip(nodes.length < 3 && process.env.FLOTILLA_REQUIRE_LAB !== '1', `needs a 3-node lab: ${state.lab.error ?? 'fewer nodes'}`);
  expect(nodes.length).toBeGreaterThanOrEqual(3);

  await page.goto(`${state.url}#board`);
  await expect(page.getByTestId('node-column')).toHaveCount(nodes.length, { timeout: 60_000 });
  await page.getByLabel('filter tasks').fill(service);
  const cards = page.locator(`[data-testid="task-card"]`);
  const running = page.locator(`[data-testid="task-card"][data-state="running"]`);

  // (1) six running cards, spread over more than one node
  await expect(running).toHaveCount(6, { timeout: 120_000 });
  const perNode = await page.getByTestId('node-column').evaluateAll((cols) => cols.map((c) => c.querySelectorAll('[data-testid="task-card"]').length));
  expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  await shot(page, '1-spread');

  // (2) drain a worker: it is marked drained and its cards move to the others
  drained = nodes.find((n) => n.name !== manager)?.name ?? nodes[2].name;
  const column = page.locator(`[data-testid="node-column"][data-node="${drained}"]`);
  dx(manager, ['node', 'update', '--availability', 'drain', drained]);
  await expect(column.getByTestId('availability')).toHaveText(/drained/i);
  await expect(column.getByTestId('task-card')).toHaveCount(0, { timeout: 120_000 });
  await expect(running).toHaveCount(6, { timeout: 120_000 });
  await shot(page, '2-drained');

  // (3) a rolling update: old and new tasks look different, with a progress bar
  dx(manager, ['service', 'update', '-d', '--image', 'flotilla-lab/busybox:e2e-new', service]);
  const progress = page.locator(`[data-testid="update-progress"][data-service="${service}"]`);
  await expect(progress).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.task-card.new-image')).not.toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.task-card.old-image')).not.toHaveCount(0);
  await expect(progress).toContainText(/\d of 6 updated/);
  await shot(page, '3-updating');

  // (4) all new, the progress bar gone
  await expect(running.filter({ hasText: 'busybox:e2e-new' })).toHaveCount(6, { timeout: 240_000 });
  await expect(progress).toHaveCount(0, { timeout: 60_000 });
  await expect(cards.filter({ hasText: 'busybox:latest' })).toHaveCount(0);
  await shot(page, '4-updated');
});
