// The window's last size and position, kept in Flotilla's data folder.
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../core/fsutil';

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

export async function loadWindowState(home: string): Promise<WindowState> {
  const s = await readJson<WindowState>(path.join(home, 'window.json')).catch(() => undefined);
  if (s && Number.isFinite(s.width) && Number.isFinite(s.height) && s.width >= 600 && s.height >= 400) return s;
  return { width: 1360, height: 860 };
}

export async function saveWindowState(home: string, b: { width: number; height: number; x: number; y: number }): Promise<void> {
  await writeJsonAtomic(path.join(home, 'window.json'), { width: b.width, height: b.height, x: b.x, y: b.y });
}
