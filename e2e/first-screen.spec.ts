// The first screen in browser mode: the lab engines are listed with their Docker versions.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';

test('the first screen lists the local engine and the lab hosts with their Docker versions', async ({ page }) => {
  const state = e2eState();
  test.skip(state.lab.nodes.length === 0 && process.env.FLOTILLA_REQUIRE_LAB !== '1', `no lab: ${state.lab.error ?? 'unknown'}`);

  await page.goto(state.url);
  await expect(page.getByRole('heading', { name: 'Engines', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: /Engines/ })).toHaveAttribute('aria-current', 'page');

  // the local engine and every lab host, each with a Docker version like 28.5.1
  const local = page.locator('[data-testid="engine-card"][data-engine-id="local"]');
  await expect(local).toBeVisible();
  for (const node of state.lab.nodes) {
    const card = page.getByTestId('engine-card').filter({ hasText: node.name });
    await expect(card, `engine card for lab host ${node.name}`).toHaveCount(1);
    await expect(card.getByTestId('docker-version')).toHaveText(/^\d+\.\d+(\.\d+)?/);
  }
  // (machines and added engines may be listed too)
  expect(await page.getByTestId('engine-card').count()).toBeGreaterThanOrEqual(state.lab.nodes.length + 1);

  // the event count is live: make an event on the local engine (the docker CLI is the oracle) and watch it count
  const count = local.getByTestId('event-count');
  const before = Number(await count.textContent());
  const net = `flotilla-e2e-events-${process.pid}`;
  execFileSync('docker', ['network', 'create', net], { stdio: 'ignore' });
  execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
  await expect.poll(async () => Number(await count.textContent())).toBeGreaterThanOrEqual(before + 2);

  await page.screenshot({ path: path.join(artifactsDir, 'first-screen.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(artifactsDir, 'first-screen-dark.png'), fullPage: true });
});

test('the last view and the theme are remembered across reloads', async ({ page }) => {
  const state = e2eState();
  await page.goto(state.url);
  await expect(page.getByRole('heading', { name: 'Engines', level: 1 })).toBeVisible(); // mounted: the shortcut is listened to
  await page.keyboard.press('Control+4');
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await page.getByTestId('theme-toggle').click(); // system -> light
  await page.getByTestId('theme-toggle').click(); // light -> dark
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('heading', { name: 'No swarm to show' }).or(page.getByTestId('board-columns'))).toBeVisible();
  await page.screenshot({ path: path.join(artifactsDir, 'board-dark.png') });
  // arrows move through the sidebar
  await page.getByRole('button', { name: /Board/ }).focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('heading', { name: 'Cluster', level: 1 })).toBeVisible();
});
