// @vitest-environment jsdom
// Following the bottom of the log list: a scroll away from the bottom holds even when the list renders again before its
// scroll event arrives (jsdom has no layout: the scroller's sizes are given here, and scrollTop is clamped as a browser does).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { LogList, ROW_HEIGHT, type RowSource } from './LogList';
import type { LogEntry } from './ring-buffer';

const ROWS = 500;
const CLIENT = 600;
const tops = new WeakMap<Element, number>();

function rows(n: number): RowSource {
  return { count: n, entryAt: (i: number): LogEntry | undefined => (i < n ? { seq: i, stream: 'stdout', text: `line ${i}` } : undefined) };
}

describe('<LogList> following', () => {
  let root: Root;
  let host: HTMLDivElement;
  const saved: Array<[string, PropertyDescriptor | undefined]> = [];

  beforeEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const proto = HTMLElement.prototype;
    for (const k of ['scrollHeight', 'clientHeight', 'scrollTop']) saved.push([k, Object.getOwnPropertyDescriptor(proto, k) ?? Object.getOwnPropertyDescriptor(Element.prototype, k)]);
    const height = (el: Element): number => (el.getAttribute('data-testid') === 'log-scroller' ? ROWS * ROW_HEIGHT : 0);
    Object.defineProperty(proto, 'scrollHeight', { configurable: true, get: function (this: Element) { return height(this); } });
    Object.defineProperty(proto, 'clientHeight', { configurable: true, get: function (this: Element) { return height(this) ? CLIENT : 0; } });
    Object.defineProperty(proto, 'scrollTop', {
      configurable: true,
      get: function (this: Element) { return tops.get(this) ?? 0; },
      set: function (this: Element, v: number) { tops.set(this, Math.max(0, Math.min(v, height(this) - CLIENT))); },
    });
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    for (const [k, d] of saved.splice(0)) if (d) Object.defineProperty(HTMLElement.prototype, k, d);
      else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k];
  });

  it('keeps the bottom in sight while following, and lets a scroll to the top stand through a render before its scroll event', () => {
    const calls: boolean[] = [];
    const list = (follow: boolean, version: number) => <LogList rows={rows(ROWS)} version={version} follow={follow} onFollowChange={(f) => calls.push(f)} showTimestamps={false} />;
    act(() => root.render(list(true, 1)));
    const el = host.querySelector('[data-testid="log-scroller"]') as HTMLElement;
    expect(el.scrollTop).toBe(ROWS * ROW_HEIGHT - CLIENT);
    // the person scrolls to the top; the list renders again (a model change) before the scroll event is handled
    el.scrollTop = 0;
    act(() => root.render(list(true, 1)));
    expect(el.scrollTop).toBe(0);
    expect(calls).toEqual([false]);
    // following again (the Follow button): back to the bottom
    act(() => root.render(list(false, 1)));
    act(() => root.render(list(true, 2)));
    expect(el.scrollTop).toBe(ROWS * ROW_HEIGHT - CLIENT);
    // new lines while following keep it at the bottom, and do not stop following
    act(() => root.render(<LogList rows={rows(ROWS)} version={3} follow onFollowChange={(f) => calls.push(f)} showTimestamps={false} />));
    expect(el.scrollTop).toBe(ROWS * ROW_HEIGHT - CLIENT);
    expect(calls).toEqual([false]);
  });
});
