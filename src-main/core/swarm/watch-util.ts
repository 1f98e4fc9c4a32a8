// Small helpers of the cluster watcher (events.ts) and its failover (failover.ts): abortable sleeps and waits, listeners.
import { log } from '../log';

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

/** An abortable sleep that wake() ends early; it resolves true when woken. The watcher's timer naps on it and re-plans
 * after each listing, so its next settling poll counts from the last listing, not from when it fell asleep. */
export class Nap {
  private end: ((woken: boolean) => void) | undefined;
  sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => done(false), ms);
      const onAbort = (): void => done(false);
      const done = (woken: boolean): void => {
        clearTimeout(t);
        signal.removeEventListener('abort', onAbort);
        if (this.end === done) this.end = undefined;
        resolve(woken);
      };
      this.end = done;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  wake(): void {
    this.end?.(true);
  }
}

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

/**
 * The signals given, plus a deadline `ms` from now: aborts when the first of them does. Not `AbortSignal.any([...,
 * AbortSignal.timeout(ms)])`: Node 20 holds a timeout signal only weakly (its timer has a WeakRef to it) and
 * AbortSignal.any holds its sources weakly too, so once a garbage collection ran, such a deadline never fired and a
 * request to a frozen engine waited for ever (a listing held every later refresh, a failover round never ended). Here
 * the timer holds the deadline's controller strongly until it fires. Unref'd: it never keeps a process alive.
 */
export function withDeadline(signals: AbortSignal[], ms: number): AbortSignal {
  const deadline = new AbortController();
  const t = setTimeout(() => deadline.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  t.unref();
  const any = AbortSignal.any([...signals, deadline.signal]);
  // done early (another signal aborted): let the timer go
  any.addEventListener('abort', () => clearTimeout(t), { once: true });
  return any;
}

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** true when the engine itself answered with an HTTP error (it is alive; the swarm behind it is what failed, e.g. no leader) */
export const engineAnswered = (e: unknown): boolean => typeof (e as { statusCode?: unknown } | undefined)?.statusCode === 'number';

/** a set of listeners; one that throws is logged and does not stop the others */
export class Subscribers<E> {
  private readonly fns = new Set<(e: E) => void>();
  constructor(private readonly what: string) {}
  /** returns the function that removes it */
  add(fn: (e: E) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  emit(e: E): void {
    for (const fn of this.fns) {
      try {
        fn(e);
      } catch (err) {
        log.warn(`${this.what} failed: ${(err as Error).message}`);
      }
    }
  }
  clear(): void {
    this.fns.clear();
  }
}

/** calls fn `ms` after a poke, and again until `ms` passed since the last poke; one timer at most; none once aborted */
export class Trailing {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pokedAt = 0;
  constructor(
    private readonly ms: number,
    private readonly fn: () => void,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => clearTimeout(this.timer), { once: true });
  }
  poke(): void {
    this.pokedAt = Date.now();
    if (!this.timer && !this.signal.aborted) this.arm(this.ms);
  }
  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.signal.aborted) return;
      this.fn();
      const since = Date.now() - this.pokedAt;
      if (since < this.ms) this.arm(this.ms - since); // poked after this timer was set: one more for that poke
    }, ms);
  }
}
