// How long a Docker API request may wait for the engine's answer. docker-modem's own `timeout` is a socket idle
// timeout on every request, streams included (it would cut a quiet /events), so instead each request that is not a
// stream gets a deadline of its own and is aborted at it.
import { FlotillaError } from '../../api/errors';

/** a normal request (inspect, list, create, update, remove...) */
export const REQUEST_TIMEOUT_MS = 60_000;
/** requests the engine may legitimately take minutes over (swarm init/join/leave, prune, stop/restart, logs without follow) */
export const LONG_REQUEST_TIMEOUT_MS = 5 * 60_000;

/** the fields of docker-modem's dial options this looks at */
export interface DialOptions {
  path?: string;
  method?: string;
  isStream?: boolean;
  hijack?: boolean;
  openStdin?: boolean;
  abortSignal?: AbortSignal;
}

const LONG = [/^\/swarm\/(init|join|leave)$/, /\/prune$/, /^\/containers\/[^/]+\/(stop|restart)$/, /^\/(containers|services|tasks)\/[^/]+\/logs$/];
/** answers only when something happens, however long that takes */
const UNBOUNDED = [/^\/containers\/[^/]+\/wait$/];

/**
 * The deadline for one request, or undefined for none: streams (events, logs --follow, attach, exec, stats, image
 * pull/load/import/build/export/save, archive copies) are answered at once and then run as long as they run.
 */
export function requestTimeoutFor(o: DialOptions, normalMs = REQUEST_TIMEOUT_MS): number | undefined {
  if (!normalMs || o.isStream || o.hijack || o.openStdin) return undefined;
  const p = (o.path ?? '').split('?')[0].replace(/^\/v[\d.]+\//, '/');
  if (UNBOUNDED.some((r) => r.test(p))) return undefined;
  if (LONG.some((r) => r.test(p))) return Math.max(LONG_REQUEST_TIMEOUT_MS, normalMs * 5);
  return normalMs;
}

type Dial = (o: DialOptions, cb: (err: unknown, data: unknown) => void) => void;

/** Wraps docker-modem's dial so every request without a stream is aborted at its deadline with a TIMEOUT naming the engine. */
export function withRequestTimeouts(dial: Dial, url: string, normalMs = REQUEST_TIMEOUT_MS): Dial {
  return (o, cb) => {
    const ms = requestTimeoutFor(o, normalMs);
    if (ms === undefined) return dial(o, cb);
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, ms);
    // the caller's signal (often a long-lived one shared by many requests) is followed by hand and let go at the end:
    // AbortSignal.any would keep a dependant per request on it
    const outer = o.abortSignal;
    const follow = (): void => ac.abort(outer?.reason);
    if (outer?.aborted) follow();
    else outer?.addEventListener('abort', follow, { once: true });
    dial({ ...o, abortSignal: ac.signal }, (err, data) => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', follow);
      if (!timedOut) return cb(err, data);
      const what = `${o.method ?? 'GET'} ${(o.path ?? '').split('?')[0]}`;
      cb(new FlotillaError('TIMEOUT', `the Docker engine at ${url} did not answer ${what} within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}: check that dockerd there is running and not stuck (\`docker -H ${url} info\`), or restart it`), undefined);
    });
  };
}
