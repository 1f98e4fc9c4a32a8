// Logs of services (through a manager), tasks and containers (through the node's engine):
// the multiplexed stream demultiplexed, stdout and stderr kept apart, split into lines.
import type { EngineConnection } from '../engine';
import type { LogLine } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { engineCall } from './errors';
import { inspectService } from './services';
import { locateTask } from './tasks';
import { BoundedLines } from '../lines';

export type StreamName = 'stdout' | 'stderr';

/**
 * Demultiplexes Docker's attach/logs framing: 8-byte header [stream, 0, 0, 0, size (uint32 BE)] then
 * `size` bytes. Frames may be split across chunks anywhere. A frame's bytes are passed on as they arrive, never
 * gathered (a header may announce up to 4 GiB). A stream that does not start with a valid header (a TTY
 * container) is passed through as stdout.
 */
export class Demuxer {
  private head: Buffer = Buffer.alloc(0);
  /** bytes of the current frame still to come, and whose they are */
  private left = 0;
  private kind: StreamName = 'stdout';
  private raw: boolean | undefined;
  constructor(private readonly onFrame: (stream: StreamName, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw === undefined && chunk.length > 0) {
      const b = chunk[0];
      this.raw = !(b === 0 || b === 1 || b === 2) || (chunk.length >= 4 && (chunk[1] !== 0 || chunk[2] !== 0 || chunk[3] !== 0));
    }
    if (this.raw) {
      this.onFrame('stdout', chunk);
      return;
    }
    let off = 0;
    while (off < chunk.length) {
      if (this.left === 0) {
        const take = chunk.subarray(off, off + 8 - this.head.length);
        this.head = this.head.length ? Buffer.concat([this.head, take]) : Buffer.from(take);
        off += take.length;
        if (this.head.length < 8) return;
        this.kind = this.head[0] === 2 ? 'stderr' : 'stdout'; // 0 (stdin echo) and 1 are stdout
        this.left = this.head.readUInt32BE(4);
        this.head = Buffer.alloc(0);
        continue;
      }
      const n = Math.min(this.left, chunk.length - off);
      this.left -= n;
      this.onFrame(this.kind, chunk.subarray(off, off + n));
      off += n;
    }
  }

  /** bytes held back: the part of a frame header seen so far (frame data is never held) */
  pending(): number {
    return this.head.length;
  }
}

/** The longest log line kept, in bytes; the rest of a longer one is dropped and counted in a cut marker. */
export const MAX_LOG_LINE_BYTES = 64 * 1024;

/** Splits each stream into lines separately (a partial line on stdout never mixes with stderr), each at most `max` bytes. */
export class LineSplitter {
  private readonly lines: Record<StreamName, BoundedLines>;
  constructor(onLine: (stream: StreamName, line: string) => void, max = MAX_LOG_LINE_BYTES) {
    const per = (stream: StreamName): BoundedLines => new BoundedLines(max, (l) => onLine(stream, l.replace(/\r$/, '')));
    this.lines = { stdout: per('stdout'), stderr: per('stderr') };
  }
  push(stream: StreamName, data: Buffer): void {
    this.lines[stream].push(data);
  }
  flush(): void {
    this.lines.stdout.flush();
    this.lines.stderr.flush();
  }
  /** bytes of unfinished lines held right now */
  held(): number {
    return this.lines.stdout.held() + this.lines.stderr.held();
  }
}

const TS = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)) /;

/** Parses one line: optional RFC3339 timestamp, then (service logs with details) `k=v,k=v ` attributes. */
export function parseLogLine(stream: StreamName, text: string, opts: { timestamps?: boolean; details?: boolean }): LogLine {
  let rest = text;
  const out: LogLine = { stream, line: '' };
  if (opts.timestamps) {
    const m = TS.exec(rest);
    if (m) {
      out.timestamp = m[1];
      rest = rest.slice(m[0].length);
    }
  }
  if (opts.details) {
    const sp = rest.indexOf(' ');
    const head = sp < 0 ? rest : rest.slice(0, sp);
    if (/^[\w.]+=/.test(head)) {
      for (const kv of head.split(',')) {
        const [k, v] = kv.split('=');
        const val = decodeURIComponent(v ?? '');
        if (k === 'com.docker.swarm.task.id') out.taskId = val;
        else if (k === 'com.docker.swarm.node.id') out.nodeId = val;
      }
      rest = sp < 0 ? '' : rest.slice(sp + 1);
    }
  }
  out.line = rest;
  return out;
}

export interface LogOptions {
  follow?: boolean;
  tail?: number | 'all';
  since?: string;
  until?: string;
  timestamps?: boolean;
  signal?: AbortSignal;
}

/** A --since/--until value as the engine's seconds since the epoch, keeping a timestamp's fraction as the docker CLI does. */
export function toEngineTime(v: string | undefined, flag: string): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const rel = /^(\d+)(s|m|h)$/.exec(v);
  if (rel) return Math.floor(Date.now() / 1000) - Number(rel[1]) * { s: 1, m: 60, h: 3600 }[rel[2] as 's' | 'm' | 'h'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new FlotillaError('BAD_INPUT', `invalid ${flag} "${v}": expected a timestamp (2024-01-02T15:04:05Z), seconds, or a relative time like 10m`);
  return preciseSeconds(v);
}

type LogSource = NodeJS.ReadableStream | Buffer | string;

/** Reads a logs response (stream when following, buffer otherwise) until it ends or the signal aborts. */
async function pump(res: LogSource, opts: LogOptions, details: boolean, onLine: (l: LogLine) => void): Promise<void> {
  const splitter = new LineSplitter((stream, line) => onLine(parseLogLine(stream, line, { timestamps: opts.timestamps, details })));
  const demux = new Demuxer((s, d) => splitter.push(s, d));
  if (Buffer.isBuffer(res) || typeof res === 'string') {
    demux.push(Buffer.isBuffer(res) ? res : Buffer.from(res, 'binary'));
    splitter.flush();
    return;
  }
  const stream = res as NodeJS.ReadableStream & { destroy?: (e?: Error) => void };
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      stream.destroy?.();
      resolve();
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer) => demux.push(c));
    stream.on('end', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    stream.on('close', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    stream.on('error', (e: Error) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) resolve();
      else reject(e);
    });
  });
  splitter.flush();
}

/**
 * GET .../logs read as a stream with or without follow: dockerode gathers a response without follow whole in memory
 * (a 5 MB line would be held twice over); as a stream it is split into capped lines as it arrives. A stream has no
 * request deadline, the engine answers its headers at once.
 */
function logStream(conn: EngineConnection, path: string, query: Record<string, unknown>, codes: Record<number, string>): Promise<LogSource> {
  const { abortSignal, ...options } = query;
  const modem = conn.docker.modem as unknown as { dial: (o: Record<string, unknown>, cb: (err: unknown, data: unknown) => void) => void };
  return new Promise((resolve, reject) =>
    modem.dial({ path, method: 'GET', isStream: true, abortSignal, statusCodes: { 200: true, 500: 'server error', ...codes }, options }, (err, data) => (err ? reject(err) : resolve(data as LogSource))),
  );
}

function engineLogOpts(opts: LogOptions, details: boolean): Record<string, unknown> {
  return {
    follow: Boolean(opts.follow),
    stdout: true,
    stderr: true,
    timestamps: Boolean(opts.timestamps),
    ...(details ? { details: true } : {}),
    ...(opts.tail !== undefined ? { tail: String(opts.tail) } : {}),
    ...(opts.since ? { since: engineTimeParam(opts.since, '--since') } : {}),
    ...(opts.until ? { until: engineTimeParam(opts.until, '--until') } : {}),
    ...(opts.signal ? { abortSignal: opts.signal } : {}),
  };
}

/** Service logs, read through a manager (the engine gathers them from every node). */
export async function serviceLogs(manager: EngineConnection, ref: string, opts: LogOptions, onLine: (l: LogLine) => void): Promise<void> {
  const svc = await inspectService(manager, ref);
  // the engine ignores `until` for service logs (docker service logs has no --until): ask for timestamps and cut here
  const until = toEngineTime(opts.until, '--until');
  const asked: LogOptions = until === undefined ? opts : { ...opts, until: undefined, timestamps: true };
  const res = await engineCall(() => logStream(manager, `/services/${svc.ID}/logs?`, engineLogOpts(asked, true), { 404: 'no such service', 503: 'node is not part of a swarm' }), { kind: 'service', ref });
  await pump(res, asked, true, (l) => {
    if (until === undefined) return onLine(l);
    if (l.timestamp && preciseSeconds(l.timestamp) > until) return;
    if (opts.timestamps) return onLine(l);
    const { timestamp: _ts, ...rest } = l;
    onLine(rest);
  });
}

/**
 * A --since/--until value for the query string. A timestamp goes as `seconds.nanoseconds` text, as the docker CLI
 * sends it: as a number its nanoseconds are rounded (a double holds about 7 digits after the point here), and a
 * line written at exactly the time asked for would be left out.
 */
function engineTimeParam(v: string, flag: string): number | string | undefined {
  const n = toEngineTime(v, flag);
  const frac = /^\d{4}-.*\.(\d+)(Z|[+-]\d\d:?\d\d)?$/.exec(v);
  if (n === undefined || !frac) return n;
  return `${Math.floor(Date.parse(v) / 1000)}.${frac[1].slice(0, 9).padEnd(9, '0')}`;
}

/** Seconds since the epoch of an RFC 3339 timestamp, keeping the sub-millisecond digits Date.parse drops. */
function preciseSeconds(ts: string): number {
  const frac = /\.(\d+)(Z|[+-]\d\d:?\d\d)?$/.exec(ts);
  const whole = Math.floor(Date.parse(ts) / 1000);
  return frac ? whole + Number(`0.${frac[1]}`) : whole;
}

/** One container's logs on an engine (a node's own engine for a task's container). */
export async function containerLogs(conn: EngineConnection, containerId: string, opts: LogOptions, onLine: (l: LogLine) => void): Promise<void> {
  const res = await engineCall(() => logStream(conn, `/containers/${encodeURIComponent(containerId)}/logs?`, engineLogOpts(opts, false), { 404: 'no such container' }), { kind: 'container', ref: containerId });
  await pump(res, opts, false, onLine);
}

/** A task's container logs, read from the node that runs it. */
export async function taskLogs(cluster: Cluster, taskRef: string, opts: LogOptions, onLine: (l: LogLine) => void): Promise<void> {
  const t = await locateTask(cluster, taskRef);
  await containerLogs(t.conn, t.containerId, opts, (l) => onLine({ ...l, taskId: t.task.ID, nodeId: t.node.ID }));
}
