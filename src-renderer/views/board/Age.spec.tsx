// @vitest-environment jsdom
// Card ages: the label changes exactly when its text should (every second under a minute, then per minute/hour/day), and re-renders only then.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, Profiler } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { Age, nextAgeChange } from './Age';
import { age } from '../../components/format';

describe('nextAgeChange', () => {
  it('lands on the first moment the text differs, for ages across every unit', () => {
    const from = 1_000_000;
    for (const e of [0, 1, 499, 500, 501, 999, 1500, 30_000, 59_400, 59_500, 59_600, 60_000, 61_000, 119_499, 3_599_000, 3_600_000, 7_300_000, 86_399_600, 86_400_000, 200_000_000]) {
      const d = nextAgeChange(from, from + e);
      expect(d, `elapsed ${e}`).toBeGreaterThan(0);
      expect(age(from, from + e + d), `elapsed ${e} + ${d}`).not.toBe(age(from, from + e));
      expect(age(from, from + e + d - 1), `elapsed ${e} + ${d} - 1`).toBe(age(from, from + e));
    }
  });
  it('waits a second under a minute and about a minute after', () => {
    expect(nextAgeChange(0, 10_500)).toBe(1000);
    expect(nextAgeChange(0, 90_000)).toBe(29_500);
    expect(nextAgeChange(0, 2 * 3600_000)).toBe(3600_000 - 500);
  });
  it('a task stamped in the future (clock skew) reads 0s and still arms a timer', () => {
    expect(age(5000, 0)).toBe('0s');
    expect(nextAgeChange(5000, 0)).toBe(5500);
  });
});

describe('<Age>', () => {
  let root: Root;
  let el: HTMLDivElement;
  beforeEach(() => {
    vi.useFakeTimers({ now: 10_000_000 });
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    el = document.createElement('div');
    root = createRoot(el);
  });
  afterEach(() => {
    act(() => root.unmount());
    vi.useRealTimers();
  });

  it('counts seconds for a fresh card, then minutes, re-rendering only when the text changes', () => {
    let renders = 0;
    act(() => root.render(<Profiler id="a" onRender={() => renders++}><Age from={Date.now()} /></Profiler>));
    expect(el.textContent).toBe('0s');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      act(() => vi.advanceTimersByTime(1000));
      seen.push(el.textContent ?? '');
    }
    expect(seen).toEqual(['1s', '2s', '3s', '4s', '5s']);
    act(() => vi.advanceTimersByTime(55_000));
    expect(el.textContent).toBe('1m');
    const before = renders;
    act(() => vi.advanceTimersByTime(58_000)); // 1m58s: still "1m"
    expect(el.textContent).toBe('1m');
    expect(renders).toBe(before);
    act(() => vi.advanceTimersByTime(2000));
    expect(el.textContent).toBe('2m');
    expect(renders).toBe(before + 1);
  });

  it('an old card does not re-render every second', () => {
    let renders = 0;
    act(() => root.render(<Profiler id="a" onRender={() => renders++}><Age from={Date.now() - 3 * 3600_000} /></Profiler>));
    expect(el.textContent).toBe('3h');
    act(() => vi.advanceTimersByTime(30 * 60_000));
    expect(el.textContent).toBe('3h');
    expect(renders).toBe(1);
  });

  it('labels due within the same quarter second change in one render (one clock, not a timer each)', () => {
    let commits = 0;
    const now = Date.now();
    // three fresh cards a few ms apart: each label's text changes at its own moment, all inside one quarter second
    act(() =>
      root.render(
        <Profiler id="a" onRender={() => commits++}>
          <Age from={now} />
          <Age from={now - 40} />
          <Age from={now - 90} />
        </Profiler>,
      ),
    );
    expect(el.textContent).toBe('0s0s0s');
    const first = commits;
    // time moves in 10 ms steps, each its own task, as in a browser
    const run = (ms: number): void => {
      for (let t = 0; t < ms; t += 10) act(() => vi.advanceTimersByTime(10));
    };
    run(1000);
    expect(el.textContent).toBe('1s1s1s');
    expect(commits).toBe(first + 1);
    run(3000);
    expect(el.textContent).toBe('4s4s4s');
    expect(commits).toBe(first + 4);
  });
});
