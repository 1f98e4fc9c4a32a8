// The cluster watcher's options (events.ts) and the record of a move from a lost manager (failover.ts).

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
  /** how often the watched manager is pinged when nothing else proved it alive (ms, default 1000) */
  probeMs?: number;
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
  resyncMs: 15_000,
  settleMs: 400,
  backoffMinMs: 250,
  backoffMaxMs: 5_000,
  requestTimeoutMs: 10_000,
  probeMs: 1_000,
  probeTimeoutMs: 1_000,
  probeGiveUpMs: 2_500,
  failoverTimeoutMs: 2_000,
  failoverGraceMs: 1_000,
  failoverRetryMaxMs: 2_000,
};
