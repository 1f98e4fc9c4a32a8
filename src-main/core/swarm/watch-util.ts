// Small helpers of the cluster watcher (events.ts) and its failover (failover.ts): abortable sleeps and waits.

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

/** true when the engine itself answered with an HTTP error (it is alive; the swarm behind it is what failed, e.g. no leader) */
export const engineAnswered = (e: unknown): boolean => typeof (e as { statusCode?: unknown } | undefined)?.statusCode === 'number';
