// The Logs view's second toolbar: search (with next/previous and "only matching lines"), the stream's status
// and line count, and Pause, Follow, Clear, Download.
import type { KeyboardEvent as ReactKeyboardEvent, ReactElement, RefObject } from 'react';
import type { LogRing } from './ring-buffer';
import type { LogSearch } from './use-log-search';
import type { Status } from './use-log-stream';

export interface DisplayToolbarProps {
  search: LogSearch;
  searchRef: RefObject<HTMLInputElement | null>;
  ring: LogRing;
  status: Status;
  hasTarget: boolean;
  follow: boolean;
  pausedAt?: number;
  onTogglePause(): void;
  onFollow(): void;
  onClear(): void;
  onDownload(): void;
}

function statusText(status: Status, ring: LogRing, pausedAt: number | undefined): string {
  if (status === 'live') return pausedAt !== undefined ? `paused: ${Math.max(0, ring.firstSeq + ring.length - 1 - pausedAt)} new lines held` : 'following';
  return status === 'ended' ? 'ended' : status === 'connecting' ? 'connecting' : '';
}

export function DisplayToolbar({ search, searchRef, ring, status, hasTarget, follow, pausedAt, onTogglePause, onFollow, onClear, onDownload }: DisplayToolbarProps): ReactElement {
  const { parsed, matchCount, currentPos, currentSeq } = search;
  const matcher = parsed.matcher;
  const text = statusText(status, ring, pausedAt);
  const onSearchKey = (e: ReactKeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      search.jump(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      search.setQuery('');
    }
  };
  return (
    <div className="log-toolbar" role="toolbar" aria-label="log display">
      <input
        ref={searchRef}
        className="input log-search"
        type="search"
        placeholder="Search (Ctrl+F; /regex/)"
        aria-label="search logs"
        value={search.query}
        onChange={(e) => search.setQuery(e.target.value)}
        onKeyDown={onSearchKey}
        aria-invalid={parsed.error ? true : undefined}
      />
      <span className={`log-matches${parsed.error ? ' tone-err' : ''}`} aria-live="polite" data-testid="log-matches">
        {parsed.error ?? (matcher ? `${currentPos >= 0 && currentSeq !== undefined ? currentPos + 1 : 0} / ${matchCount.toLocaleString()}` : '')}
      </span>
      <button className="btn small" onClick={() => search.jump(-1)} disabled={!matchCount} aria-label="previous match" title="previous match (Shift+Enter)">
        ↑
      </button>
      <button className="btn small" onClick={() => search.jump(1)} disabled={!matchCount} aria-label="next match" title="next match (Enter)">
        ↓
      </button>
      <label className="check">
        <input type="checkbox" checked={search.onlyMatches} onChange={(e) => search.setOnlyMatches(e.target.checked)} disabled={!matcher} /> only matching lines
      </label>
      <span className="log-spacer" />
      <span className={`log-status st-${status}${pausedAt !== undefined ? ' paused' : ''}`} data-testid="log-status">
        {text && <span className="dot" aria-hidden="true" />} {text}
      </span>
      <span className="log-count" data-testid="log-count">
        {ring.length.toLocaleString()} lines{ring.dropped ? ` (${ring.dropped.toLocaleString()} oldest dropped)` : ''}
      </span>
      <button className="btn small" onClick={onTogglePause} disabled={!hasTarget} aria-pressed={pausedAt !== undefined} title="pause or resume the display (P)">
        {pausedAt !== undefined ? 'Resume' : 'Pause'}
      </button>
      <button className="btn small" onClick={onFollow} disabled={!hasTarget || (follow && pausedAt === undefined)} title="jump to the newest line and keep following">
        Follow
      </button>
      <button className="btn small" onClick={onClear} disabled={!ring.length} title="clear the lines shown (the stream keeps going)">
        Clear
      </button>
      <button className="btn small" onClick={onDownload} disabled={!search.rows.count} title="save the lines shown (with the filters and timestamps as displayed) as a text file">
        Download
      </button>
    </div>
  );
}
