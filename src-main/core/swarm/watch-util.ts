// Pieces of the cluster watcher (events.ts) that hold no state of its own: its options, the abortable waits it
// uses, and the shapes of the manager it reads from and of a failover candidate. Split out to keep events.ts,
// the watcher's state machine, under the 450-line budget (issue 20).
import type { EngineConnection } from '../engine';

export interface WatcherOptions {
  /** full resync period as a safety net (ms, default 15 s) */
  resyncMs?: number;
  /** poll period while tasks are between states or a service updates (ms, default 400) */
  settleMs?: number;
  /** reconnect backoff bounds (ms) */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** a listing the manager has not answered by then is abandoned and retried (ms, default 10 s) */
  requestTimeoutMs?: number;
  /** how often the watched manager is pinged (ms, default 500) */
  probeMs?: number;
  /** a ping unanswered this long means the manager is lost (ms, default 2000): with probeMs, a frozen or
   * unreachable manager is noticed within about 2.5 s, and another one is read from within 5 s. (1.2 s was tried:
   * on a loaded 2-core machine pings that slow happen, and each one moved the model to another manager.) */
  probeTimeoutMs?: number;
  /** how long a candidate manager gets to connect and list the nodes during a failover (ms, default 3 s) */
  failoverTimeoutMs?: number;
  /** the longest wait between two rounds over every manager while none answers (ms, default 2 s) */
  failoverRetryMaxMs?: number;
}

export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** settles with p, or rejects when the signal aborts first (connectNode takes no signal) */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new Error(what));
    const onAbort = (): void => reject(new Error(what));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];


/** the manager the model reads from right now; its controller ends its event stream and requests when it is left */
export interface Watched {
  conn: EngineConnection;
  /** its hostname once the listing names it, else its URL */
  name: string;
  nodeId?: string;
  ac: AbortController;
}

export interface Candidate {
  name: string;
  nodeId?: string;
  connect(): Promise<EngineConnection>;
}
