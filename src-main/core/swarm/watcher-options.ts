// The cluster watcher's options (events.ts), its cadence, and the record of its moves from a lost manager (failover.ts).

export interface WatcherOptions {
  /** full resync period as a safety net while watchful (ms, default 30 s; see activeMs). Every change is followed by
   * its events (the manager's, and each node's task containers') and the listings they ask for; this only bounds how long
   * a missed event could go unseen. 15 s until the node events showed task states: the scale bench's idle window, which
   * opens 15 s after the last change, took 4 resyncs and 40 requests (1.01 per node per minute), and 3 and 38 (0.96) at
   * 30 s */
  resyncMs?: number;
  /** full resync period while idle (ms, default 60 s): the event streams are up and nothing changed for activeMs */
  resyncIdleMs?: number;
  /** the watcher stays watchful this long after the swarm last changed (an event, or a loss that ended; ms, default 60 s) */
  activeMs?: number;
  /** poll period while tasks are between states or a service updates (ms, default 50); never shorter than
   * SETTLE_DUTY times what the last listings took (settleDelay), so a big swarm is not listed back to back */
  settleMs?: number;
  /** an event that makes the tasks stale (a task's container, a service) is listed at once and once more this long
   * after (ms, default 100): Swarm's dispatcher stores the states its agents report in batches up to 100 ms apart, so
   * the first listing often still shows the old state (the `events` bench: running states waited 123 ms on average
   * with only the settling poll, then at 400 ms) */
  echoMs?: number;
  /** and once more this long after (ms, default 250; 0: not): a state the dispatcher stored after the first of them, on
   * a swarm whose settling poll is slow because its listings are (settleDelay) */
  echoAgainMs?: number;
  /** reconnect backoff bounds (ms) */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** a listing the manager has not answered by then is abandoned and retried (ms, default 10 s) */
  requestTimeoutMs?: number;
  /** how often the watched manager is pinged when nothing else proved it alive, while watchful (ms, default 1000) */
  probeMs?: number;
  /** the same while idle (ms, default 4000); what only a ping finds (dockerd's API stuck, its TLS still answering) is
   * marked within this + probeTimeoutMs */
  probeIdleMs?: number;
  /** how often the watched manager's transport is reached (EngineConnection.reach: no API request) when nothing else
   * proved it alive meanwhile (ms, default 500): with probeTimeoutMs, a lost link or frozen machine is marked within
   * 1.5 s, idle or not */
  reachMs?: number;
  /** a ping unanswered this long marks the model stale (source 'manager' lost; ms, default 1000): with probeMs, a
   * frozen or unreachable manager is marked within 2 s. The manager is not left yet: under load a ping that slow
   * happens, and moving on each one (tried: 1 s) kept the model moving between managers instead of refreshing. */
  probeTimeoutMs?: number;
  /** a ping unanswered this long leaves the manager for another (ms, default 2500); an answer before clears the mark */
  probeGiveUpMs?: number;
  /** how long a candidate manager gets to connect and answer a ping (then to list) during a move (ms, default 2 s) */
  failoverTimeoutMs?: number;
  /** after the first candidate answered a ping, how long to wait for one that can also list the swarm (ms, default 1 s) */
  failoverGraceMs?: number;
  /** the longest wait between two rounds over every manager while none answers (ms, default 2 s) */
  failoverRetryMaxMs?: number;
}

/** one move from a lost manager, with the watcher's own timestamps (ms since the epoch) */
export interface FailoverRecord {
  from: string;
  reason: string;
  /** when the loss was first noticed: the model marked stale (a ping unanswered for probeTimeoutMs, or the stream broke) */
  lostAt: number;
  /** when the manager was left (after probeGiveUpMs for a silent one; at once for a broken stream) */
  leftAt: number;
  /** rounds over the candidates until one answered (1: the first round did) */
  rounds: number;
  to?: string;
  /** when the new manager's event stream was open: the model streams from it */
  streamingAt?: number;
  /** when a listing through it first succeeded: the model is fresh again (later than streamingAt while there is no leader) */
  listedAt?: number;
}

export const WATCHER_DEFAULTS: Required<WatcherOptions> = {
  resyncMs: 30_000,
  resyncIdleMs: 60_000,
  activeMs: 60_000,
  settleMs: 50,
  echoMs: 100,
  echoAgainMs: 250,
  backoffMinMs: 250,
  backoffMaxMs: 5_000,
  requestTimeoutMs: 10_000,
  probeMs: 1_000,
  probeIdleMs: 4_000,
  reachMs: 500,
  probeTimeoutMs: 1_000,
  probeGiveUpMs: 2_500,
  failoverTimeoutMs: 2_000,
  failoverGraceMs: 1_000,
  failoverRetryMaxMs: 2_000,
};

/** what the watcher's cadence depends on (events.ts) */
export interface CadenceState {
  /** the model is stale (a loss noticed, not yet listed again) */
  stale: boolean;
  /** the last time the swarm changed: an event from the manager or a node, or a loss that ended (ms since the epoch) */
  changedAt: number;
  /** tasks between states or a service updating */
  settling: boolean;
  /** the watched manager's transport is reached between pings (EngineConnection.reach) */
  reached?: boolean;
  now: number;
}

/**
 * How often the watched manager is pinged (when nothing else proved it alive) and resynced in full. Watchful (the model
 * stale, tasks settling, or the swarm changed within activeMs): resyncMs, and pings each probeMs where the transport
 * cannot be reached between them (a local socket), so a silent loss is marked within probeMs + probeTimeoutMs (2 s).
 * Idle: probeIdleMs and resyncIdleMs, which is what keeps an idle swarm's requests low.
 * A lost link is still marked within 2 s (1.5 s), idle or not: between the pings the transport is reached each reachMs with no
 * API request (EngineConnection.reach: a TLS handshake, resumed from a session ticket, which only dockerd's own Go
 * runtime completes, so a frozen machine fails it; an SSH channel to the engine's socket). A bare TCP connect would not
 * do: a frozen machine's kernel accepts it, and dockerd logs each one ("http: TLS handshake error ... EOF"). What only
 * a ping finds (dockerd's API stuck while its TLS still answers) is found within probeIdleMs + probeTimeoutMs (5 s).
 * TCP keepalives are answered by the kernel of a frozen machine, and dockerd's HTTP/1.1 API has no HTTP/2 PING.
 */
export function cadence(st: CadenceState, o: Required<WatcherOptions>): { watchful: boolean; probeMs: number; resyncMs: number } {
  const watchful = st.stale || st.settling || st.now - st.changedAt < o.activeMs;
  // a manager whose transport is reached every reachMs needs no fast ping to be found lost: the ping stays slow while
  // the swarm changes too (only a stale model pings each probeMs, to clear the mark as soon as it answers)
  const fastPing = st.stale || (watchful && !st.reached);
  return { watchful, probeMs: fastPing ? o.probeMs : o.probeIdleMs, resyncMs: watchful ? o.resyncMs : o.resyncIdleMs };
}

/** a settling poll waits at least this many times what the last listings took (up to CHECK_MS) */
export const SETTLE_DUTY = 10;
/** how often the watcher's timer looks (a resync due, tasks settling) otherwise (ms) */
export const CHECK_MS = 400;
/** polls are settleMs apart for this long after the swarm last changed; a task that stays pending (no node fits it)
 * is then looked at each CHECK_MS, not listed 20 times a second for the next two minutes */
export const FAST_SETTLE_MS = 5_000;

/**
 * How long the watcher's timer waits before it looks again (it also looks again after each listing, events.ts).
 * While tasks settle within FAST_SETTLE_MS of the last change: settleMs, but at least SETTLE_DUTY times what the last
 * listings took (a moving average), and never more than CHECK_MS, the period it polled at before listings were cheap.
 * Otherwise CHECK_MS. A task listing of 4 ms (3-node lab) polls a settling swarm each 50 ms; one of 40 ms or more
 * (hundreds of tasks) each 400 ms, as before.
 */
export function settleDelay(o: Pick<Required<WatcherOptions>, 'settleMs'>, st: { settling: boolean; sinceChangeMs: number; listingMs: number }): number {
  if (!st.settling || st.sinceChangeMs >= FAST_SETTLE_MS) return Math.max(o.settleMs, CHECK_MS);
  return Math.max(o.settleMs, Math.min(CHECK_MS, Math.round(st.listingMs * SETTLE_DUTY)));
}

/** the failover bounds by design (ms): a silent loss of a manager reached over a link (TLS, SSH) noticed (marked stale),
 * then from that to streaming from another manager found in the first round (the rest of the give-up wait, connect +
 * ping, the grace). (A local socket has no link to lose: pings alone, probeMs + probeTimeoutMs while watchful.) */
export function failoverBounds(o: Required<WatcherOptions>): { noticeMs: number; moveMs: number } {
  return { noticeMs: o.reachMs + o.probeTimeoutMs, moveMs: o.probeGiveUpMs - o.probeTimeoutMs + o.failoverTimeoutMs + o.failoverGraceMs };
}

/** the watcher's last 20 moves, oldest first */
export class MoveLog {
  private readonly moves: FailoverRecord[] = [];
  all(): readonly FailoverRecord[] {
    return this.moves;
  }
  record(move: FailoverRecord): FailoverRecord {
    this.moves.push(move);
    if (this.moves.length > 20) this.moves.shift();
    return move;
  }
  /** the time, once, on the last move when it went to `to` */
  stamp(to: string, key: 'streamingAt' | 'listedAt'): void {
    const move = this.moves.at(-1);
    if (move && move.to === to && !move[key]) move[key] = Date.now();
  }
}
