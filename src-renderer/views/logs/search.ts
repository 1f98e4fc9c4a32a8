// Search in the logs: a query (plain text, case-insensitive unless it has capitals; or a /regex/) turned
// into a matcher, the lines that match, and the ranges to highlight inside a line's segments.
import type { AnsiSegment } from './ansi';

export interface Matcher {
  /** [start, end) of every match in a text */
  ranges(text: string): Array<[number, number]>;
  test(text: string): boolean;
}

export interface ParsedQuery {
  matcher?: Matcher;
  /** why the query cannot be used (a bad regular expression) */
  error?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "error" (any case), "Error" (exact case), "/time(out)?/i" (a regular expression). Empty = no search. */
export function parseQuery(q: string): ParsedQuery {
  if (!q) return {};
  let re: RegExp;
  const rx = /^\/(.+)\/([imsu]*)$/.exec(q);
  try {
    re = rx ? new RegExp(rx[1], rx[2].replace(/g/g, '') + 'g') : new RegExp(escapeRegExp(q), q === q.toLowerCase() ? 'gi' : 'g');
  } catch (e) {
    return { error: `not a valid regular expression: ${(e as Error).message}` };
  }
  return {
    matcher: {
      ranges(text) {
        const out: Array<[number, number]> = [];
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0].length === 0) {
            re.lastIndex++; // an empty match (/x*/) must not loop forever
            continue;
          }
          out.push([m.index, m.index + m[0].length]);
          if (out.length >= 1000) break;
        }
        return out;
      },
      test(text) {
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0].length > 0) return true;
          re.lastIndex++;
        }
        return false;
      },
    },
  };
}

export interface MarkedSegment extends AnsiSegment {
  mark?: boolean;
}

/** Cuts styled segments at match boundaries (offsets are in the plain text, i.e. the segments joined). */
export function markSegments(segments: AnsiSegment[], ranges: Array<[number, number]>): MarkedSegment[] {
  if (!ranges.length) return segments;
  const out: MarkedSegment[] = [];
  let pos = 0;
  let r = 0;
  for (const seg of segments) {
    const end = pos + seg.text.length;
    let at = pos;
    while (at < end) {
      while (r < ranges.length && ranges[r][1] <= at) r++;
      const range = ranges[r];
      if (!range || range[0] >= end) {
        out.push({ text: seg.text.slice(at - pos), style: seg.style });
        at = end;
      } else if (range[0] > at) {
        out.push({ text: seg.text.slice(at - pos, range[0] - pos), style: seg.style });
        at = range[0];
      } else {
        const stop = Math.min(range[1], end);
        out.push({ text: seg.text.slice(at - pos, stop - pos), style: seg.style, mark: true });
        at = stop;
      }
    }
    pos = end;
  }
  return out;
}
