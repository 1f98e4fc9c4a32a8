// The window's saved placement: read back safely, kept on a display that still exists, maximized kept, saved atomically.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_STATE, debouncedSaver, loadWindowState, parseWindowState, placeWindow, saveWindowStateSync, stateToSave } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 }; // work area under a menu bar/dock
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1400 };

describe('parseWindowState', () => {
  it('keeps a valid state and its maximized flag', () => {
    expect(parseWindowState({ width: 1200, height: 800, x: 10, y: 20, maximized: true })).toEqual({ width: 1200, height: 800, x: 10, y: 20, maximized: true });
  });
  it('falls back to the default for garbage, tiny or non-numeric sizes', () => {
    for (const v of [null, 'x', {}, { width: 100, height: 800 }, { width: 'big', height: 800 }, { width: NaN, height: 800 }]) expect(parseWindowState(v)).toEqual(DEFAULT_STATE);
  });
  it('drops a half-given position', () => {
    expect(parseWindowState({ width: 1000, height: 700, x: 5 })).toEqual({ width: 1000, height: 700 });
  });
});

describe('placeWindow', () => {
  it('keeps bounds that are on a display', () => {
    expect(placeWindow({ width: 1000, height: 700, x: 100, y: 50 }, [laptop])).toEqual({ width: 1000, height: 700, x: 100, y: 50 });
    expect(placeWindow({ width: 1600, height: 1000, x: 2000, y: 0 }, [laptop, rightMonitor])).toEqual({ width: 1600, height: 1000, x: 2000, y: 0 });
  });
  it('recentres on the primary display a window saved on a monitor that is gone', () => {
    expect(placeWindow({ width: 1000, height: 700, x: 2000, y: 0 }, [laptop])).toEqual({ width: 1000, height: 700, x: 220, y: 88 });
  });
  it('shrinks a window larger than its display and pulls it inside the work area', () => {
    expect(placeWindow({ width: 2000, height: 1200, x: 1300, y: 0 }, [laptop, rightMonitor])).toEqual({ width: 2000, height: 1200, x: 1440, y: 0 });
    expect(placeWindow({ width: 1600, height: 1000, x: -50, y: 10 }, [laptop])).toEqual({ width: 1440, height: 875, x: 0, y: 0 });
  });
  it('recentres a window whose title bar is above the work area or barely visible', () => {
    expect(placeWindow({ width: 1000, height: 700, x: 100, y: -500 }, [laptop])).toMatchObject({ x: 220, y: 88 });
    expect(placeWindow({ width: 1000, height: 700, x: 1400, y: 100 }, [laptop])).toMatchObject({ x: 220, y: 88 });
  });
  it('centres a state with no position and keeps maximized', () => {
    expect(placeWindow({ width: 1360, height: 860, maximized: true }, [laptop])).toEqual({ width: 1360, height: 860, x: 40, y: 8, maximized: true });
  });
});

describe('saving', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  it('saves the normal bounds with the maximized flag, atomically, and reads them back', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-win-'));
    dirs.push(home);
    saveWindowStateSync(home, stateToSave({ x: 30, y: 40, width: 1100, height: 750 }, true));
    expect(fs.readdirSync(home)).toEqual(['window.json']);
    expect(loadWindowState(home)).toEqual({ width: 1100, height: 750, x: 30, y: 40, maximized: true });
    saveWindowStateSync(home, stateToSave({ x: 30, y: 40, width: 1100, height: 750 }, false));
    expect(loadWindowState(home)).toEqual({ width: 1100, height: 750, x: 30, y: 40 });
  });
  it('a missing or corrupt file gives the default', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-win-'));
    dirs.push(home);
    expect(loadWindowState(home)).toEqual(DEFAULT_STATE);
    fs.writeFileSync(path.join(home, 'window.json'), '{"width": 12');
    expect(loadWindowState(home)).toEqual(DEFAULT_STATE);
  });
  it('debounces resize/move saves and flushes on close', () => {
    vi.useFakeTimers();
    try {
      const save = vi.fn();
      const s = debouncedSaver(save, 500);
      for (let i = 0; i < 10; i++) s.schedule();
      vi.advanceTimersByTime(499);
      expect(save).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(save).toHaveBeenCalledTimes(1);
      s.schedule();
      s.flush();
      expect(save).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(1000);
      expect(save).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
