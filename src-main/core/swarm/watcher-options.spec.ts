// The watcher's cadence (watcher-options.ts cadence): pings every second and a 30 s resync while the swarm changes, a
// loss is being handled or tasks settle; every 4 s and 60 s once it has been idle for a minute (issue 21's idle cost).
import { describe, expect, it } from 'vitest';
import { CHECK_MS, FAST_SETTLE_MS, WATCHER_DEFAULTS, cadence, failoverBounds, settleDelay } from './watcher-options';

const now = 1_000_000;
const idle = { stale: false, settling: false, changedAt: now - 61_000, now };

describe('watcher cadence', () => {
  it('idle for over activeMs: the slow ping and resync', () => {
    expect(cadence(idle, WATCHER_DEFAULTS)).toEqual({ watchful: false, probeMs: 4_000, resyncMs: 60_000 });
  });

  it('watchful after a change within activeMs, while stale, or while tasks settle: a ping every second, so a silent loss is marked within 2 s', () => {
    const fast = { watchful: true, probeMs: 1_000, resyncMs: 30_000 };
    expect(cadence({ ...idle, changedAt: now - 59_000 }, WATCHER_DEFAULTS)).toEqual(fast);
    expect(cadence({ ...idle, stale: true }, WATCHER_DEFAULTS)).toEqual(fast);
    expect(cadence({ ...idle, settling: true }, WATCHER_DEFAULTS)).toEqual(fast);
    expect(WATCHER_DEFAULTS.probeMs + WATCHER_DEFAULTS.probeTimeoutMs).toBeLessThanOrEqual(2_000);
  });

  it('a manager whose transport is reached between pings is pinged slowly while the swarm changes too; fast only while stale', () => {
    const changing = { ...idle, changedAt: now - 5_000, reached: true };
    expect(cadence(changing, WATCHER_DEFAULTS)).toEqual({ watchful: true, probeMs: 4_000, resyncMs: 30_000 });
    expect(cadence({ ...changing, settling: true }, WATCHER_DEFAULTS).probeMs).toBe(4_000);
    expect(cadence({ ...changing, stale: true }, WATCHER_DEFAULTS).probeMs).toBe(1_000);
    expect(cadence({ ...changing, reached: false }, WATCHER_DEFAULTS).probeMs).toBe(1_000);
  });

  it('a lost link is marked within 2 s idle or not: the transport reached between pings, within the bound the drills assert', () => {
    expect(failoverBounds(WATCHER_DEFAULTS).noticeMs).toBe(WATCHER_DEFAULTS.reachMs + WATCHER_DEFAULTS.probeTimeoutMs);
    expect(failoverBounds(WATCHER_DEFAULTS).noticeMs).toBeLessThanOrEqual(2_000);
    expect(WATCHER_DEFAULTS.reachMs).toBeLessThan(WATCHER_DEFAULTS.probeIdleMs);
  });

  it('a never-changed swarm (a watcher just started) is idle: nothing changed yet', () => {
    expect(cadence({ ...idle, changedAt: 0 }, WATCHER_DEFAULTS).watchful).toBe(false);
  });

  it('the idle requests to the watched manager stay within 1 per node per minute at 20 nodes', () => {
    const o = WATCHER_DEFAULTS;
    // at most one ping per probeIdleMs, and the resync's three listings (nodes, services, tasks) per resyncIdleMs
    const perMinute = 60_000 / o.probeIdleMs + (3 * 60_000) / o.resyncIdleMs;
    expect(perMinute / 20).toBeLessThanOrEqual(1);
  });
});

describe('the settling poll (settleDelay)', () => {
  const o = WATCHER_DEFAULTS;
  it('polls each settleMs while tasks settle right after a change and listings are cheap', () => {
    expect(settleDelay(o, { settling: true, sinceChangeMs: 100, listingMs: 4 })).toBe(o.settleMs);
    expect(o.settleMs).toBeLessThanOrEqual(50);
  });
  it('on a big swarm never sooner than 10x the last listings took, and never slower than CHECK_MS (the period before)', () => {
    expect(settleDelay(o, { settling: true, sinceChangeMs: 100, listingMs: 20 })).toBe(200);
    expect(settleDelay(o, { settling: true, sinceChangeMs: 100, listingMs: 40 })).toBe(CHECK_MS);
    expect(settleDelay(o, { settling: true, sinceChangeMs: 100, listingMs: 900 })).toBe(CHECK_MS);
  });
  it('looks each CHECK_MS when nothing settles, or when a task stayed pending long after the last change', () => {
    expect(settleDelay(o, { settling: false, sinceChangeMs: 100, listingMs: 4 })).toBe(CHECK_MS);
    expect(settleDelay(o, { settling: true, sinceChangeMs: FAST_SETTLE_MS, listingMs: 4 })).toBe(CHECK_MS);
  });
  it('takes a longer settleMs as given', () => {
    expect(settleDelay({ settleMs: 1000 }, { settling: true, sinceChangeMs: 0, listingMs: 4 })).toBe(1000);
    expect(settleDelay({ settleMs: 1000 }, { settling: false, sinceChangeMs: 0, listingMs: 4 })).toBe(1000);
  });
});
