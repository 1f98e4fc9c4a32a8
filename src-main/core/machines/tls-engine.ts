// Talking to a machine's engine over TLS with the store's client certificate (always verified).
import fs from 'node:fs/promises';
import Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';

export interface TlsEndpoint {
  host: string;
  port: number;
  ca: string;
  cert: string;
  key: string;
}

export async function tlsDocker(ep: TlsEndpoint, timeoutMs = 10_000): Promise<Docker> {
  const [ca, cert, key] = await Promise.all([fs.readFile(ep.ca), fs.readFile(ep.cert), fs.readFile(ep.key)]);
  return new Docker({ host: ep.host, port: ep.port, protocol: 'https', ca, cert, key, timeout: timeoutMs });
}

/** GET /version over TLS; the error names the machine's address and suggests regenerate-certs. */
export async function tlsVersion(ep: TlsEndpoint, timeoutMs = 10_000): Promise<string> {
  try {
    const d = await tlsDocker(ep, timeoutMs);
    const v = await d.version();
    return v.Version;
  } catch (e) {
    throw new FlotillaError('UNREACHABLE', `TLS connection to tcp://${ep.host}:${ep.port} failed: ${(e as Error).message}`);
  }
}

export async function waitForTls(ep: TlsEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    if (signal?.aborted) throw new FlotillaError('CANCELLED', 'cancelled');
    try {
      return await tlsVersion(ep, 5_000);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new FlotillaError('TIMEOUT', `the engine at tcp://${ep.host}:${ep.port} did not answer over TLS within ${Math.round(timeoutMs / 1000)} s (${last instanceof Error ? last.message : ''}); see the machine's log, then \`flotilla machine provision\``);
}
