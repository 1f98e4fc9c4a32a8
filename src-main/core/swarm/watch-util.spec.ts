// The watcher's deadlines (watch-util.ts withDeadline) must fire even after a garbage collection: with
// AbortSignal.any([..., AbortSignal.timeout(ms)]) on Node 20 they silently never did, and a request to a frozen manager
// then waited for ever.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Nap, Trailing, untilAborted, withDeadline } from './watch-util';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const never = (): Promise<never> => new Promise<never>(() => undefined);

describe('withDeadline', () => {
  it('a wait on a request that never answers ends at the deadline, garbage collections or not', async () => {
    const owner = new AbortController();
    const waits = Array.from({ length: 5 }, () => untilAborted(never(), withDeadline([owner.signal], 300), 'no answer').catch((e: Error) => e.message));
    for (let i = 0; i < 5; i++) {
      gc();
      await pause(20);
    }
    const ended = await Promise.race([Promise.all(waits), pause(5_000).then(() => 'still waiting after 5 s')]);
    expect(ended).toEqual(Array(5).fill('no answer'));
  });

  it('aborts at once with any of the signals given, before the deadline', async () => {
    const owner = new AbortController();
    const s = withDeadline([owner.signal], 60_000);
    expect(s.aborted).toBe(false);
    owner.abort();
    expect(s.aborted).toBe(true);
  });

  it('the deadline says it was one', async () => {
    const s = withDeadline([], 10);
    await new Promise<void>((r) => s.addEventListener('abort', () => r(), { once: true }));
    expect((s.reason as DOMException).name).toBe('TimeoutError');
  });
});

describe('Trailing (the watcher\'s second listing after a task\'s container event)', () => {
  afterEach(() => vi.useRealTimers());

  /** a Trailing of 150 ms on fake timers, the times of its calls, and the time it was made */
  const trailing = (signal = new AbortController().signal): { t: Trailing; calls: number[]; t0: number } => {
    vi.useFakeTimers();
    const calls: number[] = [];
    return { t: new Trailing(150, () => calls.push(Date.now()), signal), calls, t0: Date.now() };
  };

  it('calls once `ms` after a poke, and pokes meanwhile join that call', () => {
    const { t, calls, t0 } = trailing();
    t.poke();
    vi.advanceTimersByTime(149);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([t0 + 150]);
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(1);
  });

  it('calls again until `ms` passed since the last poke, so every poke has a call at least `ms` after it', () => {
    const { t, calls, t0 } = trailing();
    t.poke();
    vi.advanceTimersByTime(100);
    t.poke(); // at t0 + 100
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([t0 + 150, t0 + 250]);
  });

  it('never calls once its signal aborted', () => {
    const ac = new AbortController();
    const { t, calls } = trailing(ac.signal);
    t.poke();
    ac.abort();
    t.poke();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([]);
  });
});

describe("Nap (the watcher's timer, which re-plans after each listing)", () => {
  afterEach(() => vi.useRealTimers());

  it('sleeps its time and says it was not woken', async () => {
    vi.useFakeTimers();
    const nap = new Nap();
    let woken: boolean | undefined;
    void nap.sleep(400, new AbortController().signal).then((w) => (woken = w));
    await vi.advanceTimersByTimeAsync(399);
    expect(woken).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(woken).toBe(false);
  });

  it('wake() ends the sleep at once and says so; a wake with no sleep does nothing', async () => {
    vi.useFakeTimers();
    const nap = new Nap();
    nap.wake();
    const p = nap.sleep(400, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(10);
    nap.wake();
    expect(await p).toBe(true);
    let second: boolean | undefined;
    void nap.sleep(50, new AbortController().signal).then((w) => (second = w));
    await vi.advanceTimersByTimeAsync(50);
    expect(second).toBe(false);
  });

  it('ends when its signal aborts', async () => {
    const ac = new AbortController();
    const p = new Nap().sleep(60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
  });
});
