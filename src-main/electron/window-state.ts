// The window's last size, position and maximized state, kept in Flotilla's data folder.
// No electron import here: main.ts passes the displays in, so the placement logic is unit-tested as plain functions.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../host/runtime';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
}

export const DEFAULT_STATE: WindowState = { width: 1360, height: 860 };
const MIN = { width: 900, height: 600 };
// a window must keep this much of its title bar on a display to count as visible there
const GRAB = 100;

const fin = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** a saved value read back: anything malformed or tiny falls back to the default size */
export function parseWindowState(v: unknown): WindowState {
  if (!v || typeof v !== 'object') return { ...DEFAULT_STATE };
  const o = v as Record<string, unknown>;
  if (!fin(o.width) || !fin(o.height) || o.width < MIN.width || o.height < MIN.height) return { ...DEFAULT_STATE };
  const s: WindowState = { width: Math.round(o.width), height: Math.round(o.height) };
  if (fin(o.x) && fin(o.y)) Object.assign(s, { x: Math.round(o.x), y: Math.round(o.y) });
  if (o.maximized === true) s.maximized = true;
  return s;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where to open the window given the displays' work areas (primary first): the saved bounds when their title bar is still
 * on a display, shrunk to fit that display; otherwise the saved size (shrunk) centred on the primary display.
 * A window saved on a monitor that is gone therefore never opens off-screen.
 */
export function placeWindow(saved: WindowState, workAreas: Rect[]): WindowState {
  const size = { width: saved.width, height: saved.height };
  const maximized = saved.maximized ? { maximized: true } : {};
  if (workAreas.length === 0) return { ...size, ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}), ...maximized };
  const fit = (area: Rect): { width: number; height: number } => ({ width: Math.min(size.width, area.width), height: Math.min(size.height, area.height) });
  if (saved.x !== undefined && saved.y !== undefined) {
    const titleBar: Rect = { x: saved.x, y: saved.y, width: size.width, height: 40 };
    let best: Rect | undefined;
    let bestArea = 0;
    for (const a of workAreas) {
      const o = overlap(titleBar, a);
      if (o > bestArea) [best, bestArea] = [a, o];
    }
    const visibleWidth = best ? Math.min(saved.x + size.width, best.x + best.width) - Math.max(saved.x, best.x) : 0;
    if (best && visibleWidth >= Math.min(GRAB, size.width) && saved.y >= best.y && saved.y < best.y + best.height) {
      const { width, height } = fit(best);
      const x = Math.min(Math.max(saved.x, best.x), best.x + best.width - width);
      const y = Math.min(Math.max(saved.y, best.y), best.y + best.height - height);
      return { width, height, x, y, ...maximized };
    }
  }
  const primary = workAreas[0];
  const { width, height } = fit(primary);
  return { width, height, x: primary.x + Math.round((primary.width - width) / 2), y: primary.y + Math.round((primary.height - height) / 2), ...maximized };
}

/** what to save: the normal (restored) bounds, so un-maximizing after a restart returns to the size the user chose */
export function stateToSave(normalBounds: Rect, maximized: boolean): WindowState {
  return { width: normalBounds.width, height: normalBounds.height, x: normalBounds.x, y: normalBounds.y, ...(maximized ? { maximized: true } : {}) };
}

export function loadWindowState(home: string): WindowState {
  try {
    return parseWindowState(JSON.parse(fs.readFileSync(path.join(home, 'window.json'), 'utf8')));
  } catch {
    return { ...DEFAULT_STATE };
  }
}

/** synchronous and atomic (temp file + rename): safe from 'close', where the app may quit before an async write lands */
export function saveWindowStateSync(home: string, s: WindowState): void {
  writeFileAtomicSync(path.join(home, 'window.json'), JSON.stringify(s, null, 2) + '\n');
}

/** a debounced saver for resize/move, with flush() for close */
export function debouncedSaver(save: () => void, ms = 500): { schedule: () => void; flush: () => void } {
  let t: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule: () => {
      if (t) clearTimeout(t);
      t = setTimeout(() => {
        t = undefined;
        save();
      }, ms);
    },
    flush: () => {
      if (t) clearTimeout(t);
      t = undefined;
      save();
    },
  };
}
