// The app shell: a sidebar of views (keyboard: Ctrl/Alt+1..9, arrows inside the list), the current
// view remembered across restarts, and the theme toggle.
import { Suspense, lazy, useEffect, useRef, type ComponentType, type KeyboardEvent as ReactKeyboardEvent, type ReactElement } from 'react';
import { VIEWS, applyTheme, useUi, type ViewId } from './stores/ui';
import { ActivityWatch } from './views/activity/ActivityWatch';

// Each view is its own chunk, fetched when it is first shown: the first load parses the shell and the view on
// screen, not every view (the terminals' xterm alone is ~400 kB). The remembered view's chunk is asked for as this
// module runs, in parallel with the model's WebSocket, not after the shell's first render.
const LOADERS: Record<ViewId, () => Promise<ComponentType>> = {
  engines: () => import('./views/EnginesView').then((m) => m.EnginesView),
  machines: () => import('./views/machines/MachinesView').then((m) => m.MachinesView),
  cluster: () => import('./views/cluster/ClusterView').then((m) => m.ClusterView),
  board: () => import('./views/board/BoardView').then((m) => m.BoardView),
  services: () => import('./views/services/ServicesView').then((m) => m.ServicesView),
  stacks: () => import('./views/stacks/StacksView').then((m) => m.StacksView),
  logs: () => import('./views/logs/LogsView').then((m) => m.LogsView),
  terminals: () => import('./views/terminals/TerminalsView').then((m) => m.TerminalsView),
  activity: () => import('./views/activity/ActivityView').then((m) => m.ActivityView),
};
const loading = new Map<ViewId, Promise<{ default: ComponentType }>>();
const load = (id: ViewId): Promise<{ default: ComponentType }> => {
  let p = loading.get(id);
  if (!p) {
    p = LOADERS[id]().then((c) => ({ default: c }));
    // a chunk that failed to load (the server restarting) is asked for again the next time its view is shown
    p.catch(() => loading.delete(id));
    loading.set(id, p);
  }
  return p;
};
const VIEW_COMPONENTS = new Map(VIEWS.map(({ id }) => [id, lazy(() => load(id))]));
void load(useUi.getState().view);

function CurrentView({ view }: { view: ViewId }): ReactElement {
  const View = VIEW_COMPONENTS.get(view) as ComponentType;
  return (
    <Suspense fallback={<div className="view-loading" aria-busy="true" />}>
      <View />
    </Suspense>
  );
}

const THEME_LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;

export function App(): ReactElement {
  const view = useUi((s) => s.view);
  const theme = useUi((s) => s.theme);
  const setView = useUi((s) => s.setView);
  const cycleTheme = useUi((s) => s.cycleTheme);
  const navRef = useRef<HTMLElement>(null);

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.altKey || e.metaKey) || e.shiftKey) return;
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) {
        e.preventDefault();
        setView(VIEWS[n - 1].id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  const onNavKey = (e: ReactKeyboardEvent<HTMLElement>): void => {
    const i = VIEWS.findIndex((v) => v.id === view);
    let next = -1;
    if (e.key === 'ArrowDown') next = (i + 1) % VIEWS.length;
    else if (e.key === 'ArrowUp') next = (i - 1 + VIEWS.length) % VIEWS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = VIEWS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setView(VIEWS[next].id);
    navRef.current?.querySelectorAll<HTMLButtonElement>('.nav-item')[next]?.focus();
  };

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Views" ref={navRef} onKeyDown={onNavKey}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" /> Flotilla
        </div>
        {VIEWS.map((v, i) => (
          <button
            key={v.id}
            className="nav-item"
            aria-current={v.id === view ? 'page' : undefined}
            tabIndex={v.id === view ? 0 : -1}
            onClick={() => setView(v.id)}
            title={`${v.label} (Ctrl+${i + 1})`}
          >
            <span>{v.label}</span>
            <span className="nav-key">{i + 1}</span>
          </button>
        ))}
        <div className="sidebar-foot">
          <button className="btn small" onClick={cycleTheme} aria-label="switch theme" data-testid="theme-toggle">
            {THEME_LABEL[theme]}
          </button>
          <span>Ctrl+1…{VIEWS.length} switch views</span>
        </div>
      </nav>
      <ActivityWatch />
      <main className="app-main" aria-live="polite">
        <CurrentView view={view} />
      </main>
    </div>
  );
}
