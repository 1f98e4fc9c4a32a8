// The local engine (DOCKER_HOST / docker context / default socket) over its unix socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, resolveLocalTarget, type EngineConnection } from '../../src-main/core/engine';
import { ensureHostBusybox } from '../../src-main/core/lab/image';
import { checkEventsCancel, checkExec, checkLogsFollowCancel, checkLongEventLine, checkLongLogLine, checkVersion, dockerCli } from './engine-shared';

let conn: EngineConnection;

beforeAll(async () => {
  await ensureHostBusybox();
  conn = await connectEngine(resolveLocalTarget());
});
afterAll(async () => {
  await conn?.close();
});

describe('local engine over its socket', () => {
  it('answers version and info like the docker CLI', async () => {
    expect(conn.url).toMatch(/^(unix|npipe|tcp|ssh):\/\//);
    await checkVersion(conn, await dockerCli(['version', '--format', '{{.Server.Version}}']));
  });

  it('streams events and closes the stream on cancel', async () => {
    await checkEventsCancel(conn);
  });

  it('follows logs and closes the stream on cancel', async () => {
    await checkLogsFollowCancel(conn);
  });

  it('caps a 5 MB log line with no newline at 64 KiB with the cut marker, holding no more, and skips an over-long event', async () => {
    await checkLongLogLine(conn);
    await checkLongEventLine(conn);
  });

  it('runs exec with output, and cancels an attached exec', async () => {
    await checkExec(conn);
  });

  it('fails clearly for a socket that does not exist, and closes to zero channels', async () => {
    const bad = await connectEngine({ kind: 'unix', socketPath: '/tmp/flotilla-no-such-engine.sock' });
    await expect(bad.docker.version()).rejects.toThrow(/the Docker socket \/tmp\/flotilla-no-such-engine.sock does not exist/);
    expect(bad.openChannels()).toBe(0);
    await bad.close();
    await expect(bad.docker.version()).rejects.toThrow(/closed/);
  });
});
