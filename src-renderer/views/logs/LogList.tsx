// The log lines, virtualized: only the rows in sight (plus a margin) are in the DOM, each a fixed height,
// so 100,000 lines scroll as smoothly as 100 and a new line costs one row. A list we write rather than
// xterm: rows stay real text (select, copy, find), each line carries its stream, task prefix and search
// marks, and nothing re-wraps a grid when the window resizes. Multi-line stack traces arrive as one line
// each and read as a block, stderr marked in the gutter.
import { memo, useLayoutEffect, useRef, useState, type CSSProperties, type ReactElement, type UIEvent } from 'react';
import type { LogEntry } from './ring-buffer';
import { parseAnsi, stripAnsi, type AnsiStyle } from './ansi';
import { markSegments, type Matcher } from './search';

export const ROW_HEIGHT = 19;
const OVERSCAN = 20;

export interface RowSource {
  readonly count: number;
  entryAt(i: number): LogEntry | undefined;
}

export interface Prefix {
  label: string;
  /** palette index (task-colours.ts): drawn with the .tc-N class */
  tone: number;
  /** a colour of its own instead of the tone (whole-stack logs: the service's colour on the Board) */
  color?: string;
}

export interface LogListProps {
  rows: RowSource;
  /** changes whenever rows change (the ring's version): rows itself may be the same object */
  version: number;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  showTimestamps: boolean;
  prefixOf?(e: LogEntry): Prefix | undefined;
  matcher?: Matcher;
  /** the current search hit: scrolled into view and drawn stronger */
  currentSeq?: number;
  /** row index to bring into view (set with the current hit) */
  scrollToIndex?: number;
}

/** palette colours and attributes as classes (cheap to apply), only 256/true colours inline */
function classOf(s: AnsiStyle): string | undefined {
  let c = '';
  const fg = s.inverse ? s.bg : s.fg;
  const bg = s.inverse ? s.fg : s.bg;
  if (typeof fg === 'number') c += ` fg-${fg}`;
  if (typeof bg === 'number') c += ` bg-${bg}`;
  if (s.inverse && fg === undefined) c += ' fg-inv';
  if (s.inverse && bg === undefined) c += ' bg-inv';
  if (s.bold) c += ' b';
  if (s.dim) c += ' dim';
  if (s.italic) c += ' i';
  if (s.underline) c += ' u';
  return c ? c.slice(1) : undefined;
}

function styleOf(s: AnsiStyle): CSSProperties | undefined {
  const fg = s.inverse ? s.bg : s.fg;
  const bg = s.inverse ? s.fg : s.bg;
  if (typeof fg !== 'string' && typeof bg !== 'string') return undefined;
  return { color: typeof fg === 'string' ? fg : undefined, background: typeof bg === 'string' ? bg : undefined };
}

function clock(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

interface RowProps {
  entry: LogEntry;
  showTimestamps: boolean;
  prefix?: Prefix;
  matcher?: Matcher;
  current: boolean;
}

const LogRow = memo(function LogRow({ entry, showTimestamps, prefix, matcher, current }: RowProps): ReactElement {
  const segs = parseAnsi(entry.text);
  const marked = matcher ? markSegments(segs, matcher.ranges(stripAnsi(entry.text))) : segs;
  return (
    <div
      className={`log-row ${entry.stream}${current ? ' current' : ''}`}
      data-seq={entry.seq}
      data-testid="log-row"
      title={entry.stream === 'stderr' ? 'stderr' : undefined}
    >
      {showTimestamps && (
        <span className="log-ts" title={entry.timestamp}>
          {entry.timestamp ? clock(entry.timestamp) : ''}
        </span>
      )}
      {prefix && (
        <span className={`log-prefix tc-${prefix.tone}`} style={prefix.color ? { color: prefix.color } : undefined}>
          {prefix.label}
        </span>
      )}
      <span className="log-text">
        {marked.map((s, i) =>
          'mark' in s && s.mark ? (
            <mark key={i} className={classOf(s.style)} style={styleOf(s.style)}>
              {s.text}
            </mark>
          ) : (
            <span key={i} className={classOf(s.style)} style={styleOf(s.style)}>
              {s.text}
            </span>
          ),
        )}
      </span>
    </div>
  );
});

/** within a row and a half of the end: what following keeps, and what a scroll there turns back on */
const atBottom = (el: HTMLElement): boolean => el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 1.5;

export function LogList(props: LogListProps): ReactElement {
  const { rows, follow, onFollowChange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const count = rows.count;

  // keep the bottom in sight while following. A scroll away from the bottom is told by its scroll event, a frame later:
  // a render before it (a line, a model change) must not put the list back at the bottom, so a position above where this
  // last put it, not at the bottom, is the person's, and ends following (an e2e run lost its scroll to the top so)
  const autoTop = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !follow) {
      autoTop.current = undefined;
      return;
    }
    if (!atBottom(el) && autoTop.current !== undefined && el.scrollTop < autoTop.current) {
      autoTop.current = undefined;
      onFollowChange(false);
      return;
    }
    el.scrollTop = el.scrollHeight;
    autoTop.current = el.scrollTop;
  });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setView({ top: el.scrollTop, height: el.clientHeight || 600 });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    const i = props.scrollToIndex;
    if (!el || i === undefined || i < 0) return;
    const y = i * ROW_HEIGHT;
    if (y < el.scrollTop || y + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
  }, [props.scrollToIndex, props.currentSeq]);

  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const el = e.currentTarget;
    setView({ top: el.scrollTop, height: el.clientHeight || 600 });
    const bottom = atBottom(el);
    if (bottom !== follow) onFollowChange(bottom);
  };

  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const items: ReactElement[] = [];
  // while following, draw the bottom rows even before the scroll position caught up
  const visible = Math.ceil(view.height / ROW_HEIGHT);
  const [start, end] = follow ? [Math.max(0, count - visible - OVERSCAN), count] : [first, last];
  // keys recycle by position in the window: when lines stream past, React rewrites a row's text rather
  // than tearing down one element and building another for every new line
  const pool = Math.max(1, end - start);
  for (let i = start; i < end; i++) {
    const e = rows.entryAt(i);
    if (!e) continue;
    items.push(
      <LogRow key={i % pool} entry={e} showTimestamps={props.showTimestamps} prefix={props.prefixOf?.(e)} matcher={props.matcher} current={e.seq === props.currentSeq} />,
    );
  }

  return (
    <div className="log-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label="log lines" data-testid="log-scroller">
      <div className="log-sizer" style={{ height: count * ROW_HEIGHT }}>
        {/* one transform moves the window of rows; the rows themselves carry no position */}
        <div className="log-window" style={{ transform: `translateY(${start * ROW_HEIGHT}px)` }}>
          {items}
        </div>
      </div>
    </div>
  );
}
