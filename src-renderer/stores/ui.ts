// Window-level UI state: the current view and the theme, both remembered in localStorage.
import { create } from 'zustand';

export const VIEWS = [
  { id: 'engines', label: 'Engines' },
  { id: 'machines', label: 'Machines' },
  { id: 'cluster', label: 'Cluster' },
  { id: 'board', label: 'Board' },
  { id: 'services', label: 'Services' },
  { id: 'stacks', label: 'Stacks' },
  { id: 'logs', label: 'Logs' },
  { id: 'terminals', label: 'Terminals' },
  { id: 'activity', label: 'Activity' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];
export type Theme = 'system' | 'light' | 'dark';

const VIEW_KEY = 'flotilla.view';
const THEME_KEY = 'flotilla.theme';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: nothing is remembered, nothing breaks
  }
}
function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage disabled */
  }
}

function isView(v: string | null): v is ViewId {
  return VIEWS.some((x) => x.id === v);
}
function isTheme(v: string | null): v is Theme {
  return v === 'system' || v === 'light' || v === 'dark';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

interface UiState {
  view: ViewId;
  theme: Theme;
  setView(v: ViewId): void;
  setTheme(t: Theme): void;
  cycleTheme(): void;
}

export const useUi = create<UiState>((set, get) => {
  const storedView = read(VIEW_KEY);
  const storedTheme = read(THEME_KEY);
  // a #view in the URL wins (links, tests), then the remembered view
  const hashView = typeof location !== 'undefined' ? location.hash.replace(/^#\/?/, '') : '';
  return {
    view: isView(hashView) ? hashView : isView(storedView) ? storedView : 'engines',
    theme: isTheme(storedTheme) ? storedTheme : 'system',
    setView(v) {
      write(VIEW_KEY, v);
      set({ view: v });
    },
    setTheme(t) {
      write(THEME_KEY, t);
      applyTheme(t);
      set({ theme: t });
    },
    cycleTheme() {
      const order: Theme[] = ['system', 'light', 'dark'];
      get().setTheme(order[(order.indexOf(get().theme) + 1) % order.length]);
    },
  };
});
