// Shared by the engine-*.test.ts files: the lab, the docker CLI oracle, and the stream checks every
// transport (local socket, TLS, SSH) must pass. Streams must close cleanly: openChannels() returns to its
// starting count after each cancel.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Duplex } from 'node:stream';
import { expect } from 'vitest';
import type { EngineConnection } from '../../src-main/core/engine';
import { MAX_EVENT_LINE_BYTES, streamEngineEvents } from '../../src-main/core/engine/events';
import { BUSYBOX_IMAGE } from '../../src-main/core/lab/image';
import { cutMarker } from '../../src-main/core/lines';
import { containerLogs, Demuxer, LineSplitter, MAX_LOG_LINE_BYTES } from '../../src-main/core/swarm/logs';

const pexec = promisify(execFile);

const TEST_LABEL = 'io.flotilla.test';

/** The docker CLI on this machine (the oracle); returns stdout. */
export async function dockerCli(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await pexec('docker', args, { timeout: timeoutMs, maxBuffer: 16 << 20 });
  return stdout;
}

/** A shell command inside a lab node (as root). */
export async function inNode(node: string, script: string, timeoutMs = 120_000): Promise<string> {
  return dockerCli(['exec', node, 'sh', '-c', script], timeoutMs);
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The starting count: nothing of this test is in flight (finished requests may take a moment to close). */
export async function settled(conn: EngineConnection): Promise<number> {
  await waitFor(`idle connection (open channels ${conn.openChannels()})`, () => conn.openChannels() === 0, 10_000);
  return conn.openChannels();
}

async function waitBaseline(conn: EngineConnection, baseline: number, what: string): Promise<void> {
  await waitFor(`${what}: open channels back to ${baseline} (now ${conn.openChannels()})`, () => conn.openChannels() === baseline, 10_000);
}

/** Version and info answer, and the version matches what the oracle says. */
export async function checkVersion(conn: EngineConnection, oracleVersion: string): Promise<void> {
  const [v, info] = (await Promise.all([conn.docker.version(), conn.docker.info()])) as [{ Version: string; ApiVersion: string }, { ServerVersion: string; ID: string }];
  expect(v.Version).toBe(oracleVersion.trim());
  expect(info.ServerVersion).toBe(oracleVersion.trim());
  expect(v.ApiVersion).toMatch(/^\d+\.\d+$/);
}

/** An events stream sees an event we cause, then closes cleanly when cancelled. */
export async function checkEventsCancel(conn: EngineConnection): Promise<void> {
  const baseline = await settled(conn);
  const ac = new AbortController();
  const stream = (await conn.docker.getEvents({ abortSignal: ac.signal, filters: { type: ['volume'] } })) as NodeJS.ReadableStream;
  expect(conn.openChannels()).toBeGreaterThanOrEqual(baseline + 1);
  const name = uniq('flotilla-engine-test');
  const seen = new Promise<string>((resolve) => {
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.includes(name)) resolve(buf);
    });
  });
  stream.on('error', () => undefined); // the abort surfaces as an error on the stream
  await conn.docker.createVolume({ Name: name, Labels: { [TEST_LABEL]: 'engine' } });
  try {
    const text = await seen;
    expect(text).toContain('"Action":"create"');
  } finally {
    await conn.docker.getVolume(name).remove();
  }
  ac.abort();
  await waitBaseline(conn, baseline, 'events cancelled');
}

async function startTicker(conn: EngineConnection, cmd: string[]): Promise<{ id: string; remove: () => Promise<void> }> {
  const name = uniq('flotilla-engine-test');
  const c = await conn.docker.createContainer({ name, Image: BUSYBOX_IMAGE, Cmd: cmd, Labels: { [TEST_LABEL]: 'engine' }, HostConfig: { NetworkMode: 'none' } });
  await c.start();
  return { id: c.id, remove: async () => void (await c.remove({ force: true })) };
}

/** Logs with follow stream lines as they come, and the stream closes cleanly when cancelled. */
export async function checkLogsFollowCancel(conn: EngineConnection): Promise<void> {
  const ticker = await startTicker(conn, ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done']);
  try {
    const baseline = await settled(conn);
    const ac = new AbortController();
    const stream = (await conn.docker.getContainer(ticker.id).logs({ follow: true, stdout: true, stderr: true, abortSignal: ac.signal })) as NodeJS.ReadableStream;
    stream.on('error', () => undefined);
    expect(conn.openChannels()).toBeGreaterThanOrEqual(baseline + 1);
    await new Promise<void>((resolve) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        if (/tick-[3-9]/.test(buf)) resolve(); // several lines arrived while following
      });
    });
    ac.abort();
    await waitBaseline(conn, baseline, 'logs follow cancelled');
  } finally {
    await ticker.remove();
  }
}

/**
 * A container printing 5 MB with no newline and exiting: read raw, the demux and the line splitter never hold more
 * than the cap while all 5 MB go through; read with containerLogs (with and without follow), the line is the cap
 * plus the cut marker.
 */
export async function checkLongLogLine(conn: EngineConnection): Promise<void> {
  const size = 5_000_000;
  const name = uniq('flotilla-engine-test');
  const c = await conn.docker.createContainer({ name, Image: BUSYBOX_IMAGE, Cmd: ['sh', '-c', `echo before; head -c ${size} /dev/zero | tr '\\0' x`], Labels: { [TEST_LABEL]: 'engine' }, HostConfig: { NetworkMode: 'none' } });
  try {
    await c.start();
    await c.wait();
    const raw = (await c.logs({ follow: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const lines: string[] = [];
    const split = new LineSplitter((_s, l) => lines.push(l));
    const demux = new Demuxer((st, b) => split.push(st, b));
    let received = 0;
    let maxHeld = 0;
    await new Promise<void>((resolve, reject) => {
      raw.on('data', (d: Buffer) => {
        received += d.length;
        demux.push(d);
        maxHeld = Math.max(maxHeld, demux.pending() + split.held());
      });
      raw.on('end', resolve);
      raw.on('error', reject);
    });
    split.flush();
    expect(received).toBeGreaterThan(size); // all of it came through (plus frame headers)
    expect(maxHeld).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    const want = ['before', 'x'.repeat(MAX_LOG_LINE_BYTES) + cutMarker(size - MAX_LOG_LINE_BYTES)];
    expect(lines).toEqual(want);
    for (const follow of [false, true]) {
      const got: string[] = [];
      await containerLogs(conn, c.id, { follow }, (l) => got.push(l.line));
      expect(got).toEqual(want);
    }
  } finally {
    await c.remove({ force: true });
  }
}

/** An event longer than the cap (a container with a 1.5 MB label) is skipped; the events after it still arrive. */
export async function checkLongEventLine(conn: EngineConnection): Promise<void> {
  const big = uniq('flotilla-engine-test');
  const after = uniq('flotilla-engine-test');
  const ac = new AbortController();
  const seen: Array<{ Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } }> = [];
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  const reading = streamEngineEvents<(typeof seen)[number]>(conn, { type: ['container', 'volume'] }, ac.signal, (e) => seen.push(e), () => opened());
  await open;
  // dockerode's createContainer also puts every option in the query string (431 for a 1.5 MB label): the body only
  const modem = conn.docker.modem as unknown as { dial: (o: object, cb: (err: unknown, data: unknown) => void) => void };
  const made = await new Promise<{ Id: string }>((resolve, reject) =>
    modem.dial(
      { path: '/containers/create?', method: 'POST', statusCodes: { 201: true }, options: { _query: { name: big }, _body: { Image: BUSYBOX_IMAGE, Cmd: ['true'], Labels: { [TEST_LABEL]: 'engine', big: 'x'.repeat(1_500_000) } } } },
      (err, data) => (err ? reject(err as Error) : resolve(data as { Id: string })),
    ),
  ).catch((e: unknown) => {
    ac.abort();
    throw e;
  });
  const c = conn.docker.getContainer(made.Id);
  try {
    await conn.docker.createVolume({ Name: after, Labels: { [TEST_LABEL]: 'engine' } });
    await waitFor('the volume event after the long one', () => seen.some((e) => e.Type === 'volume' && e.Actor?.ID === after), 30_000);
    expect(MAX_EVENT_LINE_BYTES).toBeLessThan(1_500_000);
    expect(seen.some((e) => e.Actor?.Attributes?.name === big)).toBe(false);
  } finally {
    ac.abort();
    await reading;
    await c.remove({ force: true });
    await conn.docker.getVolume(after).remove();
  }
}

function collect(conn: EngineConnection, stream: Duplex): { out: () => string; ended: Promise<void> } {
  let out = '';
  const sink = { write: (d: Buffer) => void (out += d.toString('utf8')) };
  conn.docker.modem.demuxStream(stream, sink as unknown as NodeJS.WritableStream, sink as unknown as NodeJS.WritableStream);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
  });
  return { out: () => out, ended };
}

/** exec attach (hijacked stream): output of a finished command, and a never-ending one cancelled. */
export async function checkExec(conn: EngineConnection): Promise<void> {
  const box = await startTicker(conn, ['sleep', '600']);
  try {
    const baseline = await settled(conn);
    const token = uniq('hello');
    const exec = await conn.docker.getContainer(box.id).exec({ Cmd: ['sh', '-c', `echo ${token}; echo err-${token} >&2`], AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    const got = collect(conn, stream);
    await got.ended;
    expect(got.out()).toContain(token);
    expect(got.out()).toContain(`err-${token}`);
    expect(((await exec.inspect()) as { ExitCode: number }).ExitCode).toBe(0);
    await waitBaseline(conn, baseline, 'exec finished');

    const endless = await conn.docker.getContainer(box.id).exec({ Cmd: ['sh', '-c', 'while true; do echo x; sleep 0.2; done'], AttachStdout: true, AttachStderr: true });
    const s2 = (await endless.start({ hijack: true, stdin: false })) as Duplex;
    s2.on('error', () => undefined);
    const got2 = collect(conn, s2);
    expect(conn.openChannels()).toBeGreaterThanOrEqual(baseline + 1);
    await waitFor('exec output', () => got2.out().includes('x'));
    s2.destroy();
    await waitBaseline(conn, baseline, 'exec attach cancelled');
  } finally {
    await box.remove();
  }
}
