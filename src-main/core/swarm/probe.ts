// The cluster watcher's probe (events.ts): proves the watched manager alive when nothing else did. It pings it (an API
// request) a ping period after it last proved alive (1 s while the watcher is watchful, 4 s while idle; cadence in
// watcher-options.ts), and between the pings reaches its transport every reachMs with no request
// (EngineConnection.reach: a resumed TLS handshake, an SSH channel to the engine's socket). A ping unanswered for
// probeTimeoutMs, or a reach that fails, marks the model stale and asks the other managers at once: one that lists
// before the silent one answers is moved to; a ping unanswered for probeGiveUpMs leaves the manager. An answer in
// between clears the mark.
import type { Picked, Watched } from './failover';
import { ping } from './failover';
import type { WatcherOptions } from './watcher-options';
import { errText, sleep, withDeadline } from './watch-util';

/** what the probe reads from the watcher and asks of it */
export interface ProbeHost {
  /** the watcher's own signal: the probe ends with it */
  signal: AbortSignal;
  opts: Required<WatcherOptions>;
  /** the manager to probe now; undefined while a move is under way */
  watched(): Watched | undefined;
  /** the ping period now (the cadence: watchful or idle) */
  pingPeriodMs(): number;
  /** marks the model stale for `w` with that reason; false when that is not for the probe to do (w was left, or a loss is already being handled) */
  markStale(w: Watched, why: string): boolean;
  /** `w` answered after the probe marked it stale: the mark is cleared when nothing else holds it */
  answered(w: Watched): void;
  /** another manager than `w` that answers and lists the swarm now, or undefined */
  otherLister(w: Watched, signal: AbortSignal): Promise<Picked | undefined>;
  /** leaves `w` for another manager (`picked` when one was found already) */
  failover(w: Watched, reason: string, picked?: Picked): Promise<void>;
}

export class Prober {
  constructor(private readonly host: ProbeHost) {}

  async run(): Promise<void> {
    const { signal, opts } = this.host;
    while (!signal.aborted) {
      // due a period after the last proof of life (a fixed tick made it up to twice that), re-checked each reachMs
      await sleep(Math.max(10, Math.min(this.nextCheckIn(), opts.reachMs)), signal);
      const w = this.host.watched();
      if (!w || signal.aborted) continue;
      const now = Date.now();
      if (now - w.aliveAt >= this.host.pingPeriodMs()) await this.pingWatched(w);
      else if (this.reachDue(w, now)) {
        const reached = await w.conn.reach!(withDeadline([signal, w.ac.signal], opts.probeTimeoutMs)).then(
          (ok) => (ok ? true : undefined),
          (e: unknown) => (signal.aborted || w.ac.signal.aborted ? true : errText(e)),
        );
        if (reached === true) w.reachedAt = Date.now();
        else if (reached === undefined) w.reachedAt = Number.POSITIVE_INFINITY; // cannot tell: pings alone, as before
        else if (w === this.host.watched()) await this.pingWatched(w, `${w.name} could not be reached (${reached})`);
      }
    }
  }

  /** ms until the next ping or reach is due */
  private nextCheckIn(): number {
    const w = this.host.watched();
    if (!w) return this.host.opts.probeMs;
    const now = Date.now();
    const pingIn = w.aliveAt + this.host.pingPeriodMs() - now;
    return reachable(w) ? Math.min(pingIn, Math.max(w.aliveAt, w.reachedAt ?? 0) + this.host.opts.reachMs - now) : pingIn;
  }

  private reachDue(w: Watched, now: number): boolean {
    return reachable(w) && now - Math.max(w.aliveAt, w.reachedAt ?? 0) >= this.host.opts.reachMs;
  }

  /** One ping of `w`. `lost`: the link already failed (a reach): the model is marked stale at once, not after probeTimeoutMs. */
  private async pingWatched(w: Watched, lost?: string): Promise<void> {
    const { signal, opts } = this.host;
    const giveUp = withDeadline([signal, w.ac.signal], opts.probeGiveUpMs);
    const hedge = new AbortController();
    let slow = false;
    const mark = setTimeout(
      () => {
        const why = lost ?? `${w.name} has not answered a ping for ${opts.probeTimeoutMs / 1000} s`;
        if (!this.host.markStale(w, `${why}; waiting for it, then trying the other managers`)) return;
        slow = true;
        w.slowSince = Date.now();
        // meanwhile the others are asked: one that lists before this one answers is moved to at once (not at give-up)
        void this.host.otherLister(w, AbortSignal.any([giveUp, hedge.signal])).then((p) => {
          if (p && !hedge.signal.aborted && w === this.host.watched() && !w.ac.signal.aborted) void this.host.failover(w, `${why}, ${p.watched.name} lists the swarm`, p);
        });
      },
      lost ? 0 : opts.probeTimeoutMs,
    );
    try {
      await ping(w.conn, giveUp);
      w.aliveAt = Date.now();
      w.slowSince = undefined;
      if (slow) this.host.answered(w);
    } catch (e) {
      if (signal.aborted || w.ac.signal.aborted) return;
      // neither the watcher nor this manager was let go: an aborted signal is the deadline
      const why = giveUp.aborted ? `no answer to a ping within ${opts.probeGiveUpMs / 1000} s` : errText(e);
      await this.host.failover(w, `${w.name} stopped answering (${why})`);
    } finally {
      clearTimeout(mark);
      hedge.abort();
    }
  }
}

/** the transport can be reached without a request (and was not found unable to tell) */
function reachable(w: Watched): boolean {
  return Boolean(w.conn.reach) && w.reachedAt !== Number.POSITIVE_INFINITY;
}
