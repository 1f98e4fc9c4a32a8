// Typing into the active terminal tab (xterm) the way a person would, for the specs that run commands in it.
import { expect, type Locator, type Page } from '@playwright/test';

/** the active terminal's rows, as xterm draws them */
export function termRows(page: Page): Locator {
  return page.locator('.term-panel:not([hidden]) .xterm-rows > div');
}
export async function screenLines(page: Page): Promise<string[]> {
  return termRows(page).evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}
/**
 * Types `text` at the prompt until the shell echoes it. busybox ash (the workload image's shell, as in every
 * Alpine container) asks the terminal for the cursor position after each prompt, and keys that reach it in
 * the same read as xterm's answer are thrown away with the rest of that read: seen here as a prompt that never
 * showed the typed command, under load, where the answer and the first keys arrive together. A person does not
 * type that fast after a prompt; a test does, so an unechoed line is killed (Ctrl+U) and typed again.
 */
export async function typeEchoed(page: Page, text: string): Promise<void> {
  await expect(page.locator('.term-panel:not([hidden]) .xterm-helper-textarea'), 'the terminal has the keyboard').toBeFocused();
  const echoed = async (): Promise<boolean> => (await screenLines(page)).some((l) => l.endsWith(text));
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.keyboard.type(text);
    const t0 = Date.now();
    while (Date.now() - t0 < 5000) {
      if (await echoed()) return;
      await page.waitForTimeout(100);
    }
    process.stderr.write(`[terminal] the shell did not echo "${text}" (attempt ${attempt}); killing the line and typing it again\n`);
    await page.keyboard.press('Control+U');
  }
  throw new Error(`the shell never echoed "${text}" in 3 attempts: keys do not reach it`);
}
/** types a command line and runs it, Enter only once the shell has echoed it (nothing typed while a command runs) */
export async function typeLine(page: Page, cmd: string): Promise<void> {
  await typeEchoed(page, cmd);
  await page.keyboard.press('Enter');
}
