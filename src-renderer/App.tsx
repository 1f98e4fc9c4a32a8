// The app shell: a sidebar of views (keyboard: Ctrl/Alt+1..9, arrows inside the list), the current
// view remembered across restarts, and the theme toggle.
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactElement } from 'react';
import { VIEWS, applyTheme, useUi, type ViewId } from './stores/ui';
import { EnginesView } from './views/EnginesView';
import { BoardView } from './views/board/BoardView';
import { MachinesView } from './views/machines/MachinesView';
import { ClusterView } from './views/cluster/ClusterView';
import { ServicesView } from './views/services/ServicesView';
import { StacksView } from './views/stacks/StacksView';
import { LogsView } from './views/logs/LogsView';
import { TerminalsView } from './views/terminals/TerminalsView';
import { ActivityView, ActivityWatch } from './views/activity/ActivityView';

const VIEW_COMPONENTS: Record<ViewId, () => ReactElement> = {
  engines: EnginesView,
  machines: MachinesView,
  cluster: ClusterView,
  board: BoardView,
  services: ServicesView,
  stacks: StacksView,
  logs: LogsView,
  terminals: TerminalsView,
  activity: ActivityView,
};

function CurrentView({ view }: { view: ViewId }): ReactElement {
  const View = VIEW_COMPONENTS[view];
  return <View />;
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
