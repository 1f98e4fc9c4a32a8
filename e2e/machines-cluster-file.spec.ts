// Cluster as code in the window (browser mode): Machines → "Open cluster file…" uploads a cluster file with its
// compose file, shows a bad file's error at its line and column, shows the plan, applies it with the same
// per-machine progress card as "New swarm", and a second open plans nothing. "Export cluster file…" gives the file
// of the running swarm (labels and stack included) as downloads. The docker CLI inside the manager machine is the
// oracle; the swarm is removed at the end (`flotilla down -f FILE -y`), so later specs see the store as before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect, type Page } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { E2E_SWARM } from './support/machine-swarm';
import { containerName } from '../src-main/core/machines/drivers/container';

const SW = `${E2E_SWARM}cf`;
const M1 = `${SW}-m1`;
const W1 = `${SW}-w1`;
const CLUSTER = `name: ${SW}
machines:
  driver: container
  managers: 1
  workers: 1
nodes:
  ${W1}:
    labels: {zone: a}
stacks:
  web:
    file: ./web.yml
    variables: {TAG: "1"}
    resolveImage: never
    detach: true
`;
const COMPOSE = 'version: "3.9"\nservices:\n  app:\n    image: flotilla-test/never-pulled:${TAG}\n';

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: path.join(artifactsDir, `cluster-file-${name}.png`), fullPage: true });
const onManager = (args: string[]): string => execFileSync('docker', ['exec', containerName(M1), 'docker', ...args], { encoding: 'utf8' }).trim();

let dir: string;
test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cluster-file-'));
  fs.writeFileSync(path.join(dir, 'cluster.yml'), CLUSTER);
  fs.writeFileSync(path.join(dir, 'web.yml'), COMPOSE);
});
test.afterAll(() => {
  const home = e2eState().home;
  execFileSync(process.execPath, [path.resolve('bin/flotilla.mjs'), 'down', '-f', path.join(dir, 'cluster.yml'), '-y'], { env: { ...process.env, FLOTILLA_HOME: home }, stdio: 'inherit', timeout: 300_000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openWithFiles(page: Page): Promise<void> {
  await page.getByTestId('open-cluster-file').click();
  const dialog = page.getByTestId('cluster-file-dialog');
  await expect(dialog).toBeVisible();
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByTestId('cluster-open').click();
  await (await chooser).setFiles([path.join(dir, 'cluster.yml'), path.join(dir, 'web.yml')]);
  await expect(dialog.getByTestId('cluster-path')).toHaveText('cluster.yml');
  await expect(dialog.getByText('with web.yml')).toBeVisible();
}

test('Open cluster file: error at line and column, plan, apply with progress, nothing to change the second time; Export', async ({ page }) => {
  test.setTimeout(900_000);
  const state = e2eState();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(state.url);
  await page.getByRole('button', { name: /^Machines/ }).click();
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible();

  await openWithFiles(page);
  const dialog = page.getByTestId('cluster-file-dialog');
  // a bad edit: the host's error names the file, line and column
  const text = dialog.getByTestId('cluster-text');
  await text.fill(CLUSTER.replace('workers: 1', 'workers: two'));
  await dialog.getByTestId('cluster-show-plan').click();
  await expect(dialog.getByTestId('cluster-error')).toContainText('cluster.yml:5:3: machines.workers must be a number, not a string');
  await shot(page, '1-error');
  await text.fill(CLUSTER);
  await dialog.getByTestId('cluster-show-plan').click();
  await expect(dialog.getByTestId('cluster-change')).toHaveCount(6);
  await expect(dialog.getByTestId('cluster-plan')).toContainText(`initialise swarm ${SW} on ${M1}`);
  await expect(dialog.getByTestId('cluster-plan')).toContainText('label zone=a');
  await shot(page, '2-plan');

  await dialog.getByTestId('cluster-apply').click();
  await expect(dialog).toBeHidden();
  const card = page.getByTestId('op-card').filter({ hasText: `Cluster file ${SW}` });
  await expect(card).toBeVisible();
  await expect(card.locator(`[data-machine="${W1}"]`)).toBeVisible();
  await expect(card.getByTestId('op-status')).toHaveText('in progress', { timeout: 30_000 });
  await shot(page, '3-progress');
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 600_000 });
  await expect(card).toContainText('stack web');
  await shot(page, '4-done');
  expect(onManager(['node', 'inspect', W1, '--format', '{{json .Spec.Labels}}'])).toBe('{"zone":"a"}');
  expect(onManager(['service', 'ls', '--format', '{{.Name}}'])).toBe('web_app');

  // the same file again: nothing to change
  await openWithFiles(page);
  await dialog.getByTestId('cluster-show-plan').click();
  await expect(dialog.getByTestId('cluster-plan-none')).toHaveText(`Nothing to change: swarm ${SW} is as the file says.`);
  await shot(page, '5-nothing-to-change');
  await dialog.getByTestId('cluster-apply').click();
  await expect(dialog).toBeHidden();

  // export: the file of the running swarm, downloaded with its stack's compose file
  await page.getByTestId('export-cluster-file').click();
  const exp = page.getByTestId('cluster-export-dialog');
  await exp.getByTestId('cluster-export-swarm').selectOption(SW);
  await exp.getByTestId('cluster-export-run').click();
  const exported = exp.getByTestId('cluster-export-text');
  await expect(exported).toHaveValue(new RegExp(`name: ${SW}\\n`));
  const value = await exported.inputValue();
  for (const s of ['driver: container', 'managers: 1', 'workers: 1', 'zone: a', 'file: web.yml', 'TAG: ""']) expect(value).toContain(s);
  await shot(page, '6-export');
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await exp.getByTestId('cluster-export-run').click();
  await expect(exp.getByTestId('cluster-export-note')).toHaveText(`saved ${SW}.cluster.yml, web.yml`);
  await expect.poll(() => downloads.sort()).toEqual([`${SW}.cluster.yml`, 'web.yml'].sort());
});
