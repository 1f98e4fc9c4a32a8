// The real Electron window, through Playwright's _electron: the built main process opens the window from
// flotilla://app/, the sandboxed preload exposes only invoke/subscribe/cancel, the first screen lists the engines
// over IPC, and the window refuses to navigate to a file:// page. The policies themselves are unit-tested in Node
// (src-main/electron/*.spec.ts).
// No Electron binary can be downloaded on the build machines, so there this spec is skipped with that
// reason; every flow it would click is covered in browser mode by the other specs (same renderer, same
// contract; the IPC adapter and preload bridge have their own in-process tests in test/unit).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { artifactsDir, e2eState } from './support/state';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const bin = electronBinary(root);

test.describe('the Electron window', () => {
  test.skip(!bin, 'Electron-only: no Electron binary is installed here (it cannot be downloaded on the build machines); the same window is tested in browser mode by the other specs');

  test('opens the first screen over IPC, with only invoke/subscribe/cancel (and broadcasts) exposed', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-electron-e2e-'));
    const app = await electron.launch({
      executablePath: bin,
      // root cannot run Chromium's OS sandbox; the renderer's own sandbox (webPreferences) stays on
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
      env: { ...process.env, FLOTILLA_HOME: home, FLOTILLA_LAB_NAME: process.env.FLOTILLA_LAB_NAME ?? 'flab' },
    });
    try {
      const win = await app.firstWindow();
      expect(win.url()).toBe('flotilla://app/index.html');
      await expect(win.getByRole('heading', { name: 'Engines', level: 1 })).toBeVisible();
      const bridge = await win.evaluate(() => Object.keys((globalThis as unknown as { flotilla: Record<string, unknown> }).flotilla).sort());
      expect(bridge).toEqual(['cancel', 'invoke', 'onBroadcast', 'subscribe']);
      expect(await win.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
      for (const node of e2eState().lab.nodes) await expect(win.getByTestId('engine-card').filter({ hasText: node.name })).toHaveCount(1);
      await win.screenshot({ path: path.join(artifactsDir, 'electron-first-screen.png') });
      // a page that tries to leave (as a dropped file would) stays where it is, bridge and all
      await win.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
      });
      await win.waitForTimeout(500);
      expect(win.url()).toBe('flotilla://app/index.html');
      await expect(win.getByRole('heading', { name: 'Engines', level: 1 })).toBeVisible();
    } finally {
      await app.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
