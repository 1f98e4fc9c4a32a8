// The task board, given a cluster model: filters, legend, rolling-update progress and a column per node.
// Pure in its inputs (no api), so the bench and tests render it directly.
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactElement, type ReactNode, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { BoardModel, BoardNode, BoardService } from '../../stores/cluster';
import { ProgressBar } from '../../components/ProgressBar';
import { serviceColorClass } from '../../components/format';
import type { BoardFilters } from './types';
import { NO_FILTERS } from './types';
import { buildBoard, isUpdating } from './model';
import { NodeColumn, type CardService } from './NodeColumn';

const FLIP_LIMIT = 600; // beyond this many cards, measuring every card each change costs more than the animation is worth
// column widths before they are measured (.node-col in cluster-styles.css: at least this, wider for long image names) and the gap between them (.board-columns)
const COL_WIDTH = 236;
const COL_WIDTH_COLLAPSED = 180;
const COL_GAP = 10;

// asked once: matchMedia on every render of a live board parsed the query again on each change
let reducedQuery: MediaQueryList | null | undefined;
const reducedMotion = (): MediaQueryList | null => (reducedQuery ??= typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null);

/** FLIP: cards keyed by service slot glide from where they were to where they are now. */
function useFlip(container: RefObject<HTMLDivElement | null>, dep: unknown, enabled: boolean): void {
  const last = useRef(new Map<string, { left: number; top: number }>());
  const lastColumns = useRef(new Set<string>());
  useLayoutEffect(() => {
    const root = container.current;
    if (!root || !enabled) {
      last.current.clear();
      lastColumns.current.clear();
      return;
    }
    // positions in the scrolled content, so a horizontal scroll between two changes moves nothing
    const origin = root.getBoundingClientRect();
    const next = new Map<string, { left: number; top: number }>();
    const columns = new Set<string>();
    for (const col of root.querySelectorAll<HTMLElement>('[data-testid="node-column"]')) columns.add(col.dataset.node ?? '');
    for (const el of root.querySelectorAll<HTMLElement>('[data-flip]')) {
      const key = el.dataset.flip as string;
      const b = el.getBoundingClientRect();
      const r = { left: b.left - origin.left + root.scrollLeft, top: b.top };
      next.set(key, r);
      const prev = last.current.get(key);
      if (prev && (Math.abs(prev.left - r.left) > 2 || Math.abs(prev.top - r.top) > 2) && typeof el.animate === 'function') {
        el.animate([{ transform: `translate(${prev.left - r.left}px, ${prev.top - r.top}px)` }, { transform: 'none' }], { duration: 350, easing: 'ease-out' });
      } else if (!prev && last.current.size > 0 && typeof el.animate === 'function') {
        // new on the board, not a column scrolled into the window since the last change
        const col = el.closest<HTMLElement>('[data-testid="node-column"]')?.dataset.node ?? '';
        if (lastColumns.current.has(col)) el.animate([{ opacity: 0, transform: 'scale(0.92)' }, { opacity: 1, transform: 'none' }], { duration: 250, easing: 'ease-out' });
      }
    }
    last.current = next;
    lastColumns.current = columns;
  }, [dep, enabled, container]);
}

export interface BoardProps {
  model: BoardModel;
  initialFilters?: Partial<BoardFilters>;
  /** animations off for benches and reduced-motion users */
  animate?: boolean;
  /** node actions in the column headers (stable callback: columns are memoized on it) */
  onAvailability?: (node: BoardNode, availability: BoardNode['availability']) => Promise<void>;
  /** open a card's service (stable callback) */
  onOpenTask?: (serviceId: string) => void;
  /** hostname -> why the node's own engine is out of contact: its column is marked */
  lostNodes?: Record<string, string>;
  /** what can be done about a service's rollout, shown beside its update bar (resume, roll back, force) */
  rolloutActions?: (service: BoardService) => ReactNode;
}

export function Board({ model, initialFilters, animate = true, onAvailability, onOpenTask, lostNodes, rolloutActions }: BoardProps): ReactElement {
  const [filters, setFilters] = useState<BoardFilters>({ ...NO_FILTERS, ...initialFilters });
  const [groupByStack, setGroupByStack] = useState(false);
  const [compact, setCompact] = useState(false);
  const [showLabels, setShowLabels] = useState(true);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const text = useDeferredValue(filters.text);

  const lastView = useRef<ReturnType<typeof buildBoard>>(undefined);
  const view = useMemo(() => (lastView.current = buildBoard(model, { ...filters, text }, lastView.current)), [model, filters, text]);
  const services = useMemo(() => new Map(model.services.map((s) => [s.id, s])), [model.services]);
  // keyed by ids and names only, so a service's status change (progress, replicas) does not redraw every column
  const colorKey = model.services.map((s) => `${s.id}=${s.name}`).join('\n');
  const colors = useMemo(() => new Map(model.services.map((s) => [s.id, serviceColorClass(s.name)])), [colorKey]);
  // what a card shows of its service: a replica count moving (every task change) leaves every column as it was
  const cardKey = model.services.map((s) => `${s.id}=${s.name}=${isUpdating(s) ? 1 : 0}`).join('\n');
  const cardServices = useMemo(() => new Map<string, CardService>(model.services.map((s) => [s.id, { name: s.name, updating: isUpdating(s) }])), [cardKey]);

  const onToggle = useCallback(
    (key: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(key)) n.delete(key);
        else n.add(key);
        return n;
      }),
    [],
  );
  const allCollapsed = view.columns.length > 0 && view.columns.every((c) => collapsed.has(c.key));
  // the toolbar and legend are memoized on what they show; their callbacks read the latest view from here
  const latest = useRef(view);
  latest.current = view;
  const toggleAll = useCallback(
    () =>
      setCollapsed((c) => {
        const cols = latest.current.columns;
        return cols.length > 0 && cols.every((x) => c.has(x.key)) ? new Set() : new Set(cols.map((x) => x.key));
      }),
    [],
  );

  // '/' jumps to the filter, Escape clears it
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        filterRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const scroller = useRef<HTMLDivElement>(null);
  // Only the columns in or near the viewport are rendered (a 200-node board would otherwise hold ~40,000
  // elements, and every change would restyle, lay out and paint all of them): spacers keep the scroll width.
  // A column's width follows its content (a long image name widens it), so each rendered one is measured.
  const columns = view.columns;
  const virtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (collapsed.has(columns[i].key) ? COL_WIDTH_COLLAPSED : COL_WIDTH),
    getItemKey: (i) => columns[i].key,
    gap: COL_GAP,
    overscan: 2,
    // the first commit, before the scroller is measured: assume it spans the window
    initialRect: { width: typeof window === 'undefined' ? 1440 : window.innerWidth, height: typeof window === 'undefined' ? 900 : window.innerHeight },
  });
  const shownColumns = virtualizer.getVirtualItems();
  const firstShown = shownColumns[0];
  const lastShown = shownColumns[shownColumns.length - 1];
  const leadPx = firstShown ? firstShown.start - COL_GAP : 0;
  const trailPx = lastShown ? virtualizer.getTotalSize() - lastShown.end - COL_GAP : 0;
  const reduced = !!reducedMotion()?.matches;
  useFlip(scroller, view, animate && !reduced && view.totals.shown <= FLIP_LIMIT);

  const set = useCallback((p: Partial<BoardFilters>): void => setFilters((f) => ({ ...f, ...p })), []);

  // rebuilt only when what it shows changes (a live model changes many times a second; the selects are costly to diff)
  const servicesKey = model.services.map((s) => `${s.id}=${s.name}=${s.stack ?? ''}`).join('\n');
  const stacksKey = view.stacks.join('\n');
  const toolbar = useMemo(() => {
    const stackServices = model.services.filter((s) => !filters.stack || (s.stack ?? '') === filters.stack).sort((a, b) => a.name.localeCompare(b.name));
    return (
      <div className="board-toolbar" role="toolbar" aria-label="board filters">
        <input
          className="input"
          type="search"
          placeholder="Filter tasks (/): service, image, node, state…"
          ref={filterRef}
          value={filters.text}
          onChange={(e) => set({ text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') set({ text: '' });
          }}
          title="Filter (press / to jump here, Escape to clear)"
          aria-label="filter tasks"
        />
        <select className="select" value={filters.stack} onChange={(e) => set({ stack: e.target.value, service: '' })} aria-label="stack">
          <option value="">All stacks</option>
          {view.stacks.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select className="select" value={filters.service} onChange={(e) => set({ service: e.target.value })} aria-label="service">
          <option value="">All services</option>
          {stackServices.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={filters.runningOnly} onChange={(e) => set({ runningOnly: e.target.checked })} /> Running only
        </label>
        <label className="check">
          <input type="checkbox" checked={groupByStack} onChange={(e) => setGroupByStack(e.target.checked)} /> Group by stack
        </label>
        <label className="check">
          <input type="checkbox" checked={compact} onChange={(e) => setCompact(e.target.checked)} /> Compact
        </label>
        <label className="check">
          <input type="checkbox" checked={showLabels} onChange={(e) => setShowLabels(e.target.checked)} /> Labels
        </label>
        <button className="btn small" onClick={toggleAll}>
          {allCollapsed ? 'Expand all' : 'Collapse all'}
        </button>
      </div>
    );
  }, [filters, servicesKey, stacksKey, groupByStack, compact, showLabels, allCollapsed]);

  const legendKey = view.legend.map((l) => `${l.service.id}|${l.service.name}|${l.service.stack ?? ''}|${l.service.replicas.running}/${l.service.replicas.desired}|${l.shown}`).join('\n');
  const { nodes: totalNodes, tasks: totalTasks, shown: totalShown } = view.totals;
  const legend = useMemo(
    () => (
      <div className="legend" aria-label="services">
        {latest.current.legend.length === 0 && (
          <span className="legend-empty">No services yet: deploy one (Services or Stacks, or `docker service create` on a manager) and its tasks appear here live.</span>
        )}
        {latest.current.legend.map(({ service, color, shown }) => (
          <button
            key={service.id}
            className={`legend-item${filters.service === service.id ? ' active' : ''}${shown === 0 ? ' none' : ''}`}
            style={{ ['--svc' as string]: color }}
            onClick={() => set({ service: filters.service === service.id ? '' : service.id })}
            title={`${service.stack ? `${service.stack} / ` : ''}${service.name}: ${service.replicas.running}/${service.replicas.desired} running. Click to show only this service.`}
          >
            <span className="swatch" aria-hidden="true" />
            {service.name}
            <span className="legend-count">
              {service.replicas.running}/{service.replicas.desired}
            </span>
          </button>
        ))}
        <span className="board-totals" data-testid="board-totals">
          {totalNodes} nodes · {totalShown === totalTasks ? totalTasks : `${totalShown} of ${totalTasks}`} tasks
        </span>
      </div>
    ),
    [legendKey, filters.service, set, totalNodes, totalShown, totalTasks],
  );

  return (
    <div className="board">
      {toolbar}

      {view.progress.length > 0 && (
        <div className="update-list">
          {view.progress.map((p) => {
            const svc = services.get(p.serviceId);
            return (
              <div key={p.serviceId} className="update-row">
                <ProgressBar p={p} service={svc} />
                {svc && rolloutActions?.(svc)}
              </div>
            );
          })}
        </div>
      )}

      {legend}

      <div className="board-columns" ref={scroller} data-testid="board-columns" data-columns={columns.length}>
        {leadPx > 0 && <div className="col-spacer" style={{ width: leadPx }} aria-hidden="true" />}
        {shownColumns.map(({ index }) => ({ c: columns[index], index })).map(({ c, index }) => (
          <NodeColumn
            key={c.key}
            index={index}
            measureRef={virtualizer.measureElement}
            column={c}
            services={cardServices}
            colors={colors}
            collapsed={collapsed.has(c.key)}
            compact={compact}
            groupByStack={groupByStack}
            showLabels={showLabels}
            onToggle={onToggle}
            onAvailability={onAvailability}
            onOpenTask={onOpenTask}
            lost={c.node ? lostNodes?.[c.node.hostname] : undefined}
          />
        ))}
        {trailPx > 0 && <div className="col-spacer" style={{ width: trailPx }} aria-hidden="true" />}
      </div>
    </div>
  );
}
