// The local Docker engine the container driver puts machines on.
import type Docker from 'dockerode';
import { FlotillaError } from '../../../api/errors';
import { connectEngine, resolveLocalTarget, targetToUrl, type EngineConnection } from '../../engine';

export async function localEngine(): Promise<EngineConnection> {
  const target = resolveLocalTarget();
  const noEngine = (why: string) =>
    new FlotillaError('UNSUPPORTED', `the container driver needs a Docker engine on this computer, but ${targetToUrl(target)} ${why}: start Docker (or set DOCKER_HOST), or pick another driver with --driver`);
  let conn: EngineConnection;
  try {
    conn = await connectEngine(target);
  } catch (e) {
    throw noEngine(`cannot be reached (${(e as Error).message})`);
  }
  try {
    await conn.docker.ping();
  } catch (e) {
    await conn.close();
    throw noEngine(`does not answer (${(e as Error).message})`);
  }
  return conn;
}

/** Runs a command inside a container and returns its exit code and output. */
export async function containerExec(docker: Docker, id: string, cmd: string[]): Promise<{ code: number; output: string }> {
  const ex = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await ex.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on('data', (b: Buffer) => chunks.push(b));
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  const info = await ex.inspect();
  // demultiplex docker's 8-byte frame headers
  const raw = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(i + 4);
    out += raw.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return { code: info.ExitCode ?? -1, output: out };
}
