// An engine's /events as a stream of parsed JSON objects: one reader for the first screen's live counts and the
// cluster model's sources.
import type { EngineConnection } from './types';

/**
 * Streams /events (optionally filtered) until it ends, errors, or the signal aborts (then it resolves). onOpen runs
 * once the engine has answered. Lines that are not JSON are skipped, and so is a line whose handler throws.
 */
export async function streamEngineEvents<T>(
  conn: EngineConnection,
  filters: Record<string, string[]> | undefined,
  signal: AbortSignal,
  onEvent: (e: T) => void,
  onOpen?: () => void,
): Promise<void> {
  if (signal.aborted) return;
  // dockerode's typings know no abortSignal here; it passes it to docker-modem, which honours it
  const getEvents = conn.docker.getEvents.bind(conn.docker) as unknown as (o: Record<string, unknown>) => Promise<NodeJS.ReadableStream & { destroy?: () => void }>;
  const stream = await getEvents(filters ? { filters, abortSignal: signal } : { abortSignal: signal });
  onOpen?.();
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    const onAbort = (): void => {
      stream.destroy?.();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          onEvent(JSON.parse(line) as T);
        } catch {
          /* not JSON (or the handler failed on it): skip */
        }
      }
    });
    const finish = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (e: Error) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) resolve();
      else reject(e);
    });
  });
}
