// Search and filters over the ring: the match list (for highlights and next/previous), the rows the list shows
// (stream and "only matching" filters, and a pause that holds newer lines back), and the Logs view's keys.
import { useEffect, useMemo, useState, type RefObject } from 'react';
import type { LogFeed } from './log-feed';
import type { RowSource } from './LogList';
import { SeqIndex } from './seq-index';
import { parseQuery } from './search';
import { stripAnsi } from './ansi';

export type Streams = 'all' | 'stdout' | 'stderr';

export interface LogSearch {
  query: string;
  setQuery(q: string): void;
  parsed: ReturnType<typeof parseQuery>;
  onlyMatches: boolean;
  setOnlyMatches(on: boolean): void;
  /** the rows the list shows */
  rows: RowSource;
  /** a line's row index in `rows`, -1 when filtered out */
  indexOfSeq(seq: number): number;
  matchCount: number;
  /** the current match's position among the matches, -1 when none */
  currentPos: number;
  currentSeq?: number;
  /** next (1) or previous (-1) match, wrapping around */
  jump(dir: 1 | -1): void;
}

export function useLogSearch(feed: LogFeed, streams: Streams, pausedAt: number | undefined, stopFollowing: () => void): LogSearch {
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [currentSeq, setCurrentSeq] = useState<number | undefined>(undefined);
  const ring = feed.ring;

  const parsed = useMemo(() => parseQuery(query), [query]);
  const matcher = parsed.matcher;
  const matches = useMemo(() => (matcher ? new SeqIndex((e) => matcher.test(stripAnsi(e.text))) : undefined), [matcher, feed]);
  const filter = useMemo(() => {
    if (streams === 'all' && !(onlyMatches && matcher)) return undefined;
    return new SeqIndex((e) => (streams === 'all' || e.stream === streams) && (!onlyMatches || !matcher || matcher.test(stripAnsi(e.text))));
  }, [streams, onlyMatches, matcher, feed]);
  matches?.update(ring);
  filter?.update(ring);

  const rows: RowSource = useMemo(() => {
    const upto = pausedAt;
    if (filter)
      return {
        get count() {
          return upto === undefined ? filter.length : filter.lowerBound(upto + 1);
        },
        entryAt: (i) => ring.at(ring.indexOfSeq(filter.seqAt(i))),
      };
    return {
      get count() {
        return upto === undefined ? ring.length : ring.indexOfSeq(upto) + 1;
      },
      entryAt: (i) => ring.at(i),
    };
  }, [filter, ring, pausedAt]);

  const indexOfSeq = (seq: number): number => (filter ? (filter.seqAt(filter.lowerBound(seq)) === seq ? filter.lowerBound(seq) : -1) : ring.indexOfSeq(seq));
  const matchCount = matches?.length ?? 0;
  const currentPos = matches && currentSeq !== undefined ? matches.lowerBound(currentSeq) : -1;

  const jump = (dir: 1 | -1): void => {
    if (!matches || matches.length === 0) return;
    let pos: number;
    if (currentSeq === undefined) pos = dir === 1 ? matches.lowerBound(ring.firstSeq) : matches.length - 1;
    else {
      const at = matches.lowerBound(currentSeq);
      const exact = at < matches.length && matches.seqAt(at) === currentSeq;
      pos = dir === 1 ? (exact ? at + 1 : at) : at - 1;
    }
    pos = (pos + matches.length) % matches.length;
    stopFollowing();
    setCurrentSeq(matches.seqAt(pos));
  };

  useEffect(() => setCurrentSeq(undefined), [query]);

  return { query, setQuery, parsed, onlyMatches, setOnlyMatches, rows, indexOfSeq, matchCount, currentPos, currentSeq, jump };
}

/** Ctrl+F or / focus the search, P pauses or resumes (not while typing in a field) */
export function useLogKeys(searchRef: RefObject<HTMLInputElement | null>, togglePause: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const inField = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (!inField && e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (!inField && !e.ctrlKey && !e.metaKey && !e.altKey && e.key === 'p') {
        togglePause();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchRef, togglePause]);
}
