// The workbench's finer controls, by clicking, on the shared container-machine swarm (NAME-m1 manager):
// Logs: tail N, since a typed time, timestamps on/off, the stdout/stderr selector and Download, each
// checked against `docker service logs` with the same options in the manager; Pause holds new lines and
// Resume shows them all, in order. Terminals: an exec shell's `stty size` matches the xterm's rows and
// columns and follows a resize of the window; text selected in the terminal is copied (Ctrl+Shift+C) and
// pasted back (Ctrl+Shift+V) and runs. Two one-replica services, made with the CLI and removed after.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { e2eState, artifactsDir } from './support/state';
import { ensureMachineSwarm, flotillaCli, type MachineSwarm, preferSwarm } from './support/machine-swarm';
import { ensureWorkloadImages, IMAGE_V1 } from './support/images';
import { containerName } from '../src-main/core/machines/drivers/container';
import { screenLines, termRows, typeEchoed, typeLine } from './support/terminal';

const state = e2eState();
// 150 lines on each stream at once, 4 s of silence, 5 more on each: a fixed log to compare with the CLI's
const linesSvc = `wb3-lines-${process.pid}`;
const EARLY = 150;
const LATE = 5;
const linesScript = `i=0; while [ $i -lt ${EARLY} ]; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; done; sleep 4; j=0; while [ $j -lt ${LATE} ]; do j=$((j+1)); echo "late out $j"; echo "late err $j" >&2; done; exec sleep 86400`;
// a line on each stream every second, for pause and resume
const tickSvc = `wb3-ticker-${process.pid}`;
const tickScript = 'i=0; while true; do i=$((i+1)); echo "tick out $i"; echo "tick err $i" >&2; sleep 1; done';
let swarm: MachineSwarm | undefined;

test.use({ timezoneId: 'UTC', acceptDownloads: true });
test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `workbench-3-${name}.png`) });
}

interface Line {
  stream: 'stdout' | 'stderr';
  ts?: string;
  text: string;
}

/** RFC 3339 with the fraction padded to 9 digits, so the CLI's and the app's times compare as text */
function nanoTime(ts: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : ts;
}

/** `docker service logs ARGS SERVICE` in the manager: the oracle, each stream on its own (the CLI writes the task's stderr to its stderr) */
function cliLogs(service: string, args: string[]): Line[] {
  const sw = swarm as MachineSwarm;
  const r = spawnSync('docker', ['exec', containerName(sw.manager), 'docker', 'service', 'logs', ...args, service], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`docker service logs ${args.join(' ')} ${service} failed: ${r.stderr}`);
  const withTs = args.includes('--timestamps');
  const parse = (stream: Line['stream'], out: string): Line[] =>
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        // "[TIMESTAMP ]NAME.SLOT.TASK@NODE    | TEXT"
        const m = withTs ? /^(\S+) \S+\s*\| (.*)$/.exec(l) : /^\S+\s*\| (.*)$/.exec(l);
        if (!m) throw new Error(`unexpected docker service logs line: ${l}`);
        return withTs ? { stream, ts: nanoTime(m[1]), text: m[2] } : { stream, text: m[1] };
      });
  return [...parse('stdout', r.stdout), ...parse('stderr', r.stderr)];
}

/** the Download button's file, parsed: "[TIMESTAMP ]PREFIX [stderr] TEXT" per line */
async function download(page: Page, withTs: boolean): Promise<{ lines: Line[]; raw: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  expect(dl.suggestedFilename()).toMatch(/\.log$/);
  const raw = fs.readFileSync(await dl.path(), 'utf8');
  const lines = raw
    .split('\n')
    .filter((l) => l !== '')
    .map((l): Line => {
      const m = withTs ? /^(\S+) \S+ (\[stderr\] )?(.*)$/.exec(l) : /^\S+ (\[stderr\] )?(.*)$/.exec(l);
      if (!m) throw new Error(`unexpected line in the downloaded file: ${l}`);
      return withTs ? { stream: m[2] ? 'stderr' : 'stdout', ts: nanoTime(m[1]), text: m[3] } : { stream: m[1] ? 'stderr' : 'stdout', text: m[2] };
    });
  return { lines, raw };
}

/** each stream's lines in order (the order between the two streams is the engine's copy, not the CLI's print order) */
function byStream(lines: Line[]): Record<Line['stream'], string[]> {
  const key = (l: Line): string => `${l.ts ?? ''} ${l.text}`;
  return { stdout: lines.filter((l) => l.stream === 'stdout').map(key), stderr: lines.filter((l) => l.stream === 'stderr').map(key) };
}

/** the rows in the DOM (the list is virtualized: those in sight plus a margin), as lines */
async function shownRows(page: Page): Promise<Line[]> {
  return page.getByTestId('log-row').evaluateAll((rows) =>
    rows.map((r) => ({
      stream: r.classList.contains('stderr') ? ('stderr' as const) : ('stdout' as const),
      ts: r.querySelector('.log-ts')?.getAttribute('title') ?? undefined,
      text: r.querySelector('.log-text')?.textContent ?? '',
    })),
  );
}

function lineCount(page: Page): Locator {
  return page.getByTestId('log-count');
}

test.beforeAll(async () => {
  test.setTimeout(900_000);
  swarm = ensureMachineSwarm();
  await ensureWorkloadImages(swarm.machines);
  for (const [name, script] of [
    [linesSvc, linesScript],
    [tickSvc, tickScript],
  ])
    flotillaCli(['--machine', swarm.manager, 'service', 'create', '--name', name, '--replicas', '1', '--', IMAGE_V1, 'sh', '-c', script]);
  // the fixed log is complete once its last line is in
  const deadline = Date.now() + 180_000;
  while (!cliLogs(linesSvc, []).some((l) => l.text === `late err ${LATE}`)) {
    if (Date.now() > deadline) throw new Error(`${linesSvc} wrote no "late err ${LATE}" within 3 minutes: docker service ps ${linesSvc} in ${swarm.manager} says why`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterAll(() => {
  if (!swarm) return;
  for (const name of [linesSvc, tickSvc]) {
    try {
      flotillaCli(['--machine', swarm.manager, 'service', 'rm', name]);
    } catch {
      /* already gone */
    }
  }
});

test.afterEach(async ({ page }, info) => {
  if (info.status === info.expectedStatus) return;
  await page.screenshot({ path: path.join(artifactsDir, 'workbench-3-failure.png') }).catch(() => undefined);
  const screen = await page
    .locator('.term-panel:not([hidden]) .xterm-rows > div')
    .allTextContents()
    .catch(() => []);
  if (screen.length) await info.attach('terminal screen', { body: screen.join('\n'), contentType: 'text/plain' });
});

test.beforeEach(async ({ page }) => {
  if (swarm) await preferSwarm(page, swarm.manager);
});

async function openView(page: Page, view: 'logs' | 'terminals'): Promise<void> {
  await page.addInitScript((v) => {
    if (!sessionStorage.getItem('wb3-init')) {
      localStorage.setItem('flotilla.view', v);
      localStorage.setItem('flotilla.theme', 'light');
      sessionStorage.setItem('wb3-init', '1');
    }
  }, view);
  await page.goto(state.url);
  await expect(page.getByRole('heading', { name: view === 'logs' ? 'Logs' : 'Terminals', level: 1 })).toBeVisible();
}

test('logs: tail, since, timestamps, stdout/stderr, download and pause agree with docker service logs', async ({ page }) => {
  test.setTimeout(300_000);
  await openView(page, 'logs');
  const total = 2 * (EARLY + LATE);

  // ---- all of it (tail 500 covers the 310 lines), timestamps on ----
  const servicePicker = page.getByLabel('service', { exact: true });
  await expect(servicePicker.locator('option', { hasText: linesSvc })).toHaveCount(1, { timeout: 120_000 });
  await servicePicker.selectOption({ label: linesSvc });
  await expect(lineCount(page)).toHaveText(`${total} lines`, { timeout: 60_000 });
  const all = cliLogs(linesSvc, ['--timestamps', '--tail', '500']);
  expect(all).toHaveLength(total);
  const lastRow = page.getByTestId('log-row').last();
  await expect(lastRow.locator('.log-text')).toHaveText(/^late (out|err) 5$/);
  // the time shown is the engine's, to the millisecond (UTC here), and its full value is on the row
  const lastText = (await lastRow.locator('.log-text').textContent()) ?? '';
  const cliLast = all.find((l) => l.text === lastText);
  expect(cliLast?.ts).toBeDefined();
  expect(nanoTime((await lastRow.locator('.log-ts').getAttribute('title')) ?? '')).toBe(cliLast?.ts);
  await expect(lastRow.locator('.log-ts')).toHaveText((cliLast?.ts ?? '').slice(11, 23));
  let file = await download(page, true);
  expect(byStream(file.lines)).toEqual(byStream(all));
  await shot(page, '1-logs-all-timestamps');

  // ---- timestamps off: gone from the rows and from the file, which matches the CLI without --timestamps ----
  await page.getByLabel('timestamps').uncheck();
  await expect(page.locator('.log-ts')).toHaveCount(0);
  // nothing before the task's prefix now
  await expect(lastRow).toHaveText(new RegExp(`^${linesSvc}\\.1@\\S+late (out|err) ${LATE}$`));
  file = await download(page, false);
  expect(file.raw).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
  expect(byStream(file.lines)).toEqual(byStream(cliLogs(linesSvc, ['--tail', '500'])));
  await shot(page, '2-logs-no-timestamps');
  await page.getByLabel('timestamps').check();
  await expect(page.locator('.log-ts').first()).toBeVisible();

  // ---- tail 100: only the last 100 lines, the same as docker service logs --tail 100 ----
  await page.getByLabel('tail').selectOption({ label: 'last 100' });
  await expect(lineCount(page)).toHaveText('100 lines', { timeout: 60_000 });
  const tail100 = cliLogs(linesSvc, ['--timestamps', '--tail', '100']);
  expect(tail100).toHaveLength(100);
  file = await download(page, true);
  expect(file.lines).toHaveLength(100);
  expect(byStream(file.lines)).toEqual(byStream(tail100));
  expect(file.lines.some((l) => l.text === 'out 1')).toBe(false);
  // the top of the list is the oldest of those 100
  await page.getByTestId('log-scroller').evaluate((el) => (el.scrollTop = 0));
  const oldest = [...tail100].sort((a, b) => ((a.ts ?? '') < (b.ts ?? '') ? -1 : 1))[0];
  await expect(page.getByTestId('log-row').first().locator('.log-text')).toHaveText(oldest.text);
  await shot(page, '3-logs-tail-100-top');
  await page.getByRole('button', { name: 'Follow' }).click();

  // ---- stdout / stderr: each alone, rows and file, against the CLI's own stdout and stderr ----
  const streams = page.getByLabel('streams');
  await streams.selectOption('stderr');
  await expect(page.locator('.log-row:not(.stderr)')).toHaveCount(0);
  await expect(page.locator('.log-row.stderr').last().locator('.log-text')).toHaveText(`late err ${LATE}`);
  for (const r of await shownRows(page)) expect(r.text).toMatch(/^(late )?err \d+$/);
  file = await download(page, true);
  expect(file.lines.every((l) => l.stream === 'stderr')).toBe(true);
  expect(byStream(file.lines)).toEqual({ stdout: [], stderr: byStream(tail100).stderr });
  await shot(page, '4-logs-stderr-only');
  await streams.selectOption('stdout');
  await expect(page.locator('.log-row.stderr')).toHaveCount(0);
  await expect(page.getByTestId('log-row').last().locator('.log-text')).toHaveText(`late out ${LATE}`);
  for (const r of await shownRows(page)) expect(r.text).toMatch(/^(late )?out \d+$/);
  file = await download(page, true);
  expect(byStream(file.lines)).toEqual({ stdout: byStream(tail100).stdout, stderr: [] });
  await streams.selectOption('all');

  // ---- since a typed time: a bad one is refused with the reason, a good one keeps only later lines ----
  const lastEarly = all.filter((l) => /^(out|err) /.test(l.text)).reduce((m, l) => ((l.ts ?? '') > m ? (l.ts ?? '') : m), '');
  const firstLate = all.filter((l) => l.text.startsWith('late ')).reduce((m, l) => ((l.ts ?? '') < m ? (l.ts ?? '') : m), '9');
  // halfway through the 4 s of silence, to the millisecond
  const sinceTime = new Date((Date.parse(lastEarly) + Date.parse(firstLate)) / 2).toISOString();
  await page.getByLabel('since', { exact: true }).selectOption({ label: 'since a time…' });
  const sinceField = page.getByLabel('since time');
  await sinceField.fill('soonish');
  await sinceField.press('Enter');
  await expect(page.locator('.log-since-error')).toHaveText(/^"soonish" is not a time: type 2026-12-03T17:50:00Z/);
  await expect(sinceField).toHaveAttribute('aria-invalid', 'true');
  await expect(lineCount(page)).toHaveText('100 lines');
  await sinceField.fill(sinceTime);
  await sinceField.press('Enter');
  await expect(page.locator('.log-since-error')).toHaveCount(0);
  await expect(lineCount(page)).toHaveText(`${2 * LATE} lines`, { timeout: 60_000 });
  const since = cliLogs(linesSvc, ['--timestamps', '--tail', '100', '--since', sinceTime]);
  expect(since).toHaveLength(2 * LATE);
  for (const r of await shownRows(page)) expect(r.text).toMatch(/^late (out|err) \d$/);
  file = await download(page, true);
  expect(byStream(file.lines)).toEqual(byStream(since));
  await shot(page, '5-logs-since-time');
  await page.getByLabel('since', { exact: true }).selectOption({ label: 'from the start' });
  await expect(page.getByLabel('since time')).toHaveCount(0);

  // ---- pause on a live service: new lines are held back, then all shown, in order, none lost ----
  await servicePicker.selectOption({ label: tickSvc });
  const ticks = async (stream: 'out' | 'err'): Promise<number[]> =>
    (await shownRows(page)).flatMap((r) => {
      const m = new RegExp(`^tick ${stream} (\\d+)$`).exec(r.text);
      return m ? [Number(m[1])] : [];
    });
  const maxTick = async (): Promise<number> => Math.max(0, ...(await ticks('out')));
  await expect.poll(maxTick, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('log-status')).toHaveText(/paused/);
  const atPause = await shownRows(page);
  const lastShown = await maxTick();
  // the engine goes on writing (the CLI sees newer ticks) while the list stays as it was
  await expect(page.getByTestId('log-status')).toHaveText(/paused: ([6-9]|\d\d+) new lines held/, { timeout: 30_000 });
  const cliNewest = Math.max(...cliLogs(tickSvc, ['--tail', '20']).map((l) => Number(/^tick out (\d+)$/.exec(l.text)?.[1] ?? 0)));
  expect(cliNewest).toBeGreaterThan(lastShown + 2);
  expect(await shownRows(page)).toEqual(atPause);
  await shot(page, '6-logs-paused-holding');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('log-status')).toHaveText(/following/);
  await expect.poll(maxTick, { timeout: 10_000 }).toBeGreaterThanOrEqual(lastShown + 3);
  // every tick on each stream, consecutive and in order, across the pause
  for (const s of ['out', 'err'] as const) {
    const seen = await ticks(s);
    expect(seen.length).toBeGreaterThan(4);
    expect(seen[0]).toBeLessThanOrEqual(lastShown);
    expect(seen).toEqual(seen.map((_, i) => seen[0] + i));
  }
  // and the times are the engine's: every shown line is in docker service logs --timestamps (every line, not a tail:
  // the ticker writes 2 lines a second, and under CI load the page still showed ticks older than a 200-line tail)
  const cliTicks = new Set(cliLogs(tickSvc, ['--timestamps']).map((l) => `${l.stream} ${l.ts} ${l.text}`));
  for (const r of await shownRows(page)) expect(cliTicks.has(`${r.stream} ${nanoTime(r.ts ?? '')} ${r.text}`), `${r.text} at ${r.ts}`).toBe(true);
  await shot(page, '7-logs-resumed');
});

async function run(page: Page, cmd: string, expectLine: RegExp): Promise<RegExpExecArray> {
  await typeLine(page, cmd);
  let hit: RegExpExecArray | null = null;
  await expect
    .poll(
      async () => {
        const lines = await screenLines(page);
        // the newest matching line (the screen may hold earlier answers)
        for (let i = lines.length - 1; i >= 0 && !hit; i--) hit = expectLine.exec(lines[i]);
        return hit !== null;
      },
      { timeout: 30_000, message: `"${cmd}" printed no line like ${expectLine}` },
    )
    .toBe(true);
  return hit as unknown as RegExpExecArray;
}

/** `clear`, and wait until only the prompt is left, so no earlier answer is read as the next one */
async function clearScreen(page: Page): Promise<void> {
  // (a fresh terminal shows only its prompt too: the echo of "clear" first proves it is the clear that emptied it)
  await typeLine(page, 'clear');
  await expect.poll(async () => (await screenLines(page)).filter((l) => l.trim() !== ''), { timeout: 10_000 }).toEqual([expect.stringMatching(/[#$]$/)]);
}

/** `stty size` inside, and a line of exactly that many columns, against the rows and columns xterm draws */
async function checkSize(page: Page): Promise<{ rows: number; cols: number }> {
  await clearScreen(page);
  const m = await run(page, 'stty size', /^(\d+) (\d+)$/);
  const size = { rows: Number(m[1]), cols: Number(m[2]) };
  expect(await termRows(page).count()).toBe(size.rows);
  // "x" times the width the shell was told: one full row of xterm, not wrapped onto a second one
  await run(page, 'printf "%$(stty size | cut -d" " -f2)s\\n" "" | tr " " x', /^x+$/);
  const full = (await screenLines(page)).filter((l) => /^x+$/.test(l));
  expect(full).toEqual([`${'x'.repeat(size.cols)}`]);
  return size;
}

test('terminals: stty size follows the xterm through a resize; copy and paste with Ctrl+Shift+C / Ctrl+Shift+V', async ({ page, context }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(state.url).origin });
  await openView(page, 'terminals');
  const execButton = page.locator(`[data-testid="exec-task"][data-service="${tickSvc}"]`).first();
  await expect(execButton).toBeVisible({ timeout: 60_000 });
  await execButton.click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(1);
  await expect.poll(async () => (await screenLines(page)).join('\n'), { timeout: 60_000 }).toMatch(/[#$]\s*$/m);

  // ---- size: what the shell is told is what xterm draws, before and after the window shrinks ----
  const before = await checkSize(page);
  await shot(page, '8-terminal-size-before');
  await page.setViewportSize({ width: 1000, height: 620 });
  await expect.poll(() => termRows(page).count(), { timeout: 10_000 }).toBeLessThan(before.rows);
  const after = await checkSize(page);
  expect(after.rows).toBeLessThan(before.rows);
  expect(after.cols).toBeLessThan(before.cols);
  await shot(page, '9-terminal-size-after');

  // ---- copy a word the shell printed, paste it back into a command line, run it ----
  await clearScreen(page);
  await run(page, 'echo wb3-$((40+2))-copied', /^wb3-42-copied$/);
  const row = termRows(page).filter({ hasText: /^wb3-42-copied\s*$/ });
  await expect(row).toHaveCount(1);
  const box = await row.boundingBox();
  if (!box) throw new Error('the printed line has no box on screen');
  // the page's clipboard (the e2e tsconfig has Node's navigator type, which has none)
  type Clip = { clipboard: { readText(): Promise<string>; writeText(t: string): Promise<void> } };
  await page.evaluate(() => (navigator as unknown as Clip).clipboard.writeText('nothing copied yet'));
  await page.mouse.dblclick(box.x + 30, box.y + box.height / 2);
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => (navigator as unknown as Clip).clipboard.readText()), { timeout: 5_000 }).toBe('wb3-42-copied');
  await typeEchoed(page, 'echo "pasted:');
  await page.keyboard.press('Control+Shift+V');
  await expect.poll(async () => (await screenLines(page)).some((l) => l.endsWith('echo "pasted:wb3-42-copied')), { timeout: 5_000 }).toBe(true);
  // exactly once: the browser's own Ctrl+Shift+V (paste as plain text) must not paste it again
  await run(page, '"', /^pasted:wb3-42-copied$/);
  await shot(page, '10-terminal-copy-paste');

  await page.getByRole('button', { name: /^close / }).first().click();
  await expect(page.getByTestId('terminal-tab')).toHaveCount(0);
});
