// An engine's /events as a stream of parsed JSON objects: one reader for the first screen's live counts and the
// cluster model's sources.
import type { EngineConnection } from './types';
import { BoundedLines } from '../lines';
import { log } from '../log';

/** The longest event line read (an event carries its object's labels; real ones are a few KiB); a longer one is skipped. */
export const MAX_EVENT_LINE_BYTES = 1024 * 1024;

/**
 * Streams /events (optionally filtered) until it ends, errors, or the signal aborts (then it resolves). onOpen runs
 * once the engine has answered. Lines that are not JSON are skipped, and so is a line whose handler throws, and a
 * line longer than MAX_EVENT_LINE_BYTES (no more of it is held; a warning names the engine).
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
    const lines = new BoundedLines(MAX_EVENT_LINE_BYTES, (text, cut) => {
      const line = text.trim();
      if (!line) return;
      if (cut) {
        log.warn(`${conn.url}: skipped an event of more than ${MAX_EVENT_LINE_BYTES} bytes (${cut} bytes cut)`);
        return;
      }
      try {
        onEvent(JSON.parse(line) as T);
      } catch {
        /* not JSON (or the handler failed on it): skip */
      }
    });
    const onAbort = (): void => {
      stream.destroy?.();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => lines.push(chunk));
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
