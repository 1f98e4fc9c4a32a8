import { describe, expect, it } from 'vitest';
import { cutMarker } from '../lines';
import { Demuxer, LineSplitter, MAX_LOG_LINE_BYTES, parseLogLine, toEngineTime, type StreamName } from './logs';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

function collect(chunks: Buffer[]): Array<[StreamName, string]> {
  const lines: Array<[StreamName, string]> = [];
  const split = new LineSplitter((s, l) => lines.push([s, l]));
  const d = new Demuxer((s, b) => split.push(s, b));
  for (const c of chunks) d.push(c);
  split.flush();
  return lines;
}

describe('log demux', () => {
  it('keeps stdout and stderr apart, even when frames and lines split across chunks anywhere', () => {
    const all = Buffer.concat([frame(1, 'hello wo'), frame(2, 'oops\n'), frame(1, 'rld\nsecond\n'), frame(2, 'again\n')]);
    const whole = collect([all]);
    expect(whole).toEqual([
      ['stderr', 'oops'],
      ['stdout', 'hello world'],
      ['stdout', 'second'],
      ['stderr', 'again'],
    ]);
    // every split point, and byte-by-byte, gives the same lines
    for (let i = 1; i < all.length; i++) expect(collect([all.subarray(0, i), all.subarray(i)])).toEqual(whole);
    expect(collect([...all].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('passes a TTY (unframed) stream through as stdout', () => {
    expect(collect([Buffer.from('plain text\r\nmore\n')])).toEqual([
      ['stdout', 'plain text'],
      ['stdout', 'more'],
    ]);
  });

  it('passes a frame\'s bytes on as they arrive and holds back only a partial header', () => {
    const got: string[] = [];
    const d = new Demuxer((_s, b) => got.push(b.toString()));
    const f = frame(1, 'abcdef');
    d.push(f.subarray(0, 5));
    expect(got).toEqual([]);
    expect(d.pending()).toBe(5);
    d.push(f.subarray(5, 10));
    expect(got).toEqual(['ab']);
    expect(d.pending()).toBe(0);
    d.push(f.subarray(10));
    expect(got).toEqual(['ab', 'cdef']);
  });

  it('a frame announcing 5 MB with no newline: the demux holds nothing of it, the line holds at most the cap, and the line ends with the cut marker', () => {
    const size = 5_000_000;
    const lines: Array<[StreamName, string]> = [];
    const split = new LineSplitter((s, l) => lines.push([s, l]));
    const d = new Demuxer((s, b) => split.push(s, b));
    const h = Buffer.alloc(8);
    h[0] = 2;
    h.writeUInt32BE(size, 4);
    d.push(Buffer.concat([frame(1, 'before\n'), h]));
    const piece = Buffer.alloc(64 * 1024, 'y');
    let maxHeld = 0;
    for (let sent = 0; sent < size; sent += piece.length) {
      d.push(piece.subarray(0, Math.min(piece.length, size - sent)));
      maxHeld = Math.max(maxHeld, d.pending() + split.held());
    }
    d.push(frame(2, 'tail\nnext\n'));
    expect(maxHeld).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(lines.map(([s, l]) => [s, l.length])).toEqual([
      ['stdout', 6],
      ['stderr', MAX_LOG_LINE_BYTES + cutMarker(size + 4 - MAX_LOG_LINE_BYTES).length],
      ['stderr', 4],
    ]);
    expect(lines[1][1].endsWith(`y… [cut: ${size + 4 - MAX_LOG_LINE_BYTES} bytes]`)).toBe(true);
    expect(lines[2]).toEqual(['stderr', 'next']);
  });

  it('parses timestamps and swarm details', () => {
    const l = parseLogLine('stdout', '2026-01-02T03:04:05.123456789Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello there', { timestamps: true, details: true });
    expect(l).toEqual({ stream: 'stdout', line: 'hello there', timestamp: '2026-01-02T03:04:05.123456789Z', taskId: 't1', nodeId: 'n1' });
    expect(parseLogLine('stderr', 'x=1 is not a detail without details', { details: false })).toEqual({ stream: 'stderr', line: 'x=1 is not a detail without details' });
  });
});

describe('toEngineTime', () => {
  it('keeps an RFC 3339 timestamp\'s fraction, as the docker CLI sends it (not rounded down to the second)', () => {
    expect(toEngineTime('2026-12-03T17:50:05.5Z', '--since')).toBe(Date.parse('2026-12-03T17:50:05Z') / 1000 + 0.5);
    expect(toEngineTime('2026-12-03T17:50:05.123456789Z', '--since')).toBeCloseTo(Date.parse('2026-12-03T17:50:05Z') / 1000 + 0.123456789, 6);
    expect(toEngineTime('2026-12-03T18:50:05.25+01:00', '--since')).toBe(Date.parse('2026-12-03T17:50:05Z') / 1000 + 0.25);
    expect(toEngineTime('2026-12-03T17:50:05Z', '--since')).toBe(Date.parse('2026-12-03T17:50:05Z') / 1000);
  });
  it('takes seconds as given and refuses what is not a time', () => {
    expect(toEngineTime('1764784205.75', '--since')).toBe(1764784205.75);
    expect(() => toEngineTime('yesterday', '--since')).toThrow(/invalid --since "yesterday"/);
  });
});
