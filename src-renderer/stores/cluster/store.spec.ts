// The cluster store against a scripted api client: snapshot then diffs, a re-subscription when the host
// ends the stream, and the watchdog that resyncs a model stuck mid-transition (keeping it on screen).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaApi, StreamHandlers } from '../../api/client';
import type { ModelEvent, Task } from '../../../src-main/api/domains/swarm';
import { createClusterStore } from './store';

interface Sub {
  handlers: StreamHandlers<ModelEvent>;
  disposed: boolean;
}

function fakeApi(): { api: FlotillaApi; subs: Sub[] } {
  const subs: Sub[] = [];
  const api = {
    transport: 'in-process',
    invoke: () => Promise.reject(new Error('no requests here')),
    subscribe: (_m: string, _p: unknown, handlers: Sub['handlers']) => {
      const sub: Sub = { handlers, disposed: false };
      subs.push(sub);
      return () => {
        sub.disposed = true;
      };
    },
    onBroadcast: () => () => undefined,
    close: () => undefined,
  } as unknown as FlotillaApi;
  return { api, subs };
}

const task = (id: string, state: string): Task => ({
  id,
  serviceId: 's1',
  slot: 1,
  nodeId: 'n1',
  image: 'busybox:1',
  state,
  desiredState: 'running',
  timestamps: { created: '2026-01-01T00:00:00Z', updated: '2026-01-01T00:00:00Z', status: '2026-01-01T00:00:00Z' },
});
const snapshot = (state: string): ModelEvent => ({ type: 'snapshot', model: { nodes: {}, services: {}, tasks: { t1: task('t1', state) } }, at: 0 });

afterEach(() => vi.useRealTimers());

describe('cluster store', () => {
  it('applies the snapshot, then diffs', () => {
    const { api, subs } = fakeApi();
    const s = createClusterStore(api);
    s.getState().watch('mgr');
    expect(s.getState().status).toBe('loading');
    subs[0].handlers.onEvent(snapshot('starting'));
    expect(s.getState().status).toBe('live');
    subs[0].handlers.onEvent({ type: 'diff', changes: [{ op: 'upsert', kind: 'task', value: task('t1', 'running') }], at: 1 });
    expect(s.getState().model.tasks.map((t) => t.state)).toEqual(['running']);
    s.getState().watch('mgr'); // same swarm: no second subscription
    expect(subs).toHaveLength(1);
    s.getState().stop();
    expect(subs[0].disposed).toBe(true);
  });

  it('subscribes again when the host ends the stream', () => {
    vi.useFakeTimers();
    const { api, subs } = fakeApi();
    const s = createClusterStore(api);
    s.getState().watch('mgr');
    subs[0].handlers.onEvent(snapshot('running'));
    subs[0].handlers.onEnd?.();
    vi.advanceTimersByTime(1500);
    expect(subs).toHaveLength(2);
    s.getState().stop();
  });

  it('resyncs a model stuck mid-transition, keeping it on screen until the fresh snapshot', () => {
    vi.useFakeTimers();
    const { api, subs } = fakeApi();
    const s = createClusterStore(api, { stuckMs: 3000 });
    s.getState().watch('mgr');
    subs[0].handlers.onEvent(snapshot('starting'));
    vi.advanceTimersByTime(2000);
    expect(subs).toHaveLength(1); // not stuck yet
    vi.advanceTimersByTime(3000);
    expect(subs).toHaveLength(2);
    expect(subs[0].disposed).toBe(true);
    expect(s.getState().status).toBe('live');
    expect(s.getState().model.tasks.map((t) => t.state)).toEqual(['starting']);
    subs[1].handlers.onEvent(snapshot('running'));
    expect(s.getState().model.tasks.map((t) => t.state)).toEqual(['running']);
    // settled: no more resyncs however quiet it gets
    vi.advanceTimersByTime(60_000);
    expect(subs).toHaveLength(2);
    s.getState().stop();
  });

  it('keeps lost sources with the time each dropped, the manager read from, and clears them when they return', () => {
    const { api, subs } = fakeApi();
    const s = createClusterStore(api);
    s.getState().watch('mgr');
    subs[0].handlers.onEvent(snapshot('running'));
    subs[0].handlers.onEvent({ type: 'source', source: 'manager', connected: true, via: 'm1', at: 1 });
    expect(s.getState().via).toBe('m1');
    subs[0].handlers.onEvent({ type: 'source', source: 'manager', connected: false, error: 'm1 stopped answering', at: 5 });
    // a later message about the same loss keeps the first date: the model is stale since then
    subs[0].handlers.onEvent({ type: 'source', source: 'manager', connected: false, error: 'no manager of the swarm answers', at: 9 });
    expect(s.getState().lost).toEqual({ manager: 'no manager of the swarm answers' });
    expect(s.getState().lostAt).toEqual({ manager: 5 });
    subs[0].handlers.onEvent({ type: 'source', source: 'manager', connected: true, via: 'm2', at: 12 });
    expect(s.getState().lost).toEqual({});
    expect(s.getState().lostAt).toEqual({});
    expect(s.getState().via).toBe('m2');
    s.getState().stop();
  });
});
