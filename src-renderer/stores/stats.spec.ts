// The stats store against a scripted api client: one 'swarm.stats' subscription however many views hold it, disposed
// (after the grace) when the last lets go, kept across a quick Board -> Cluster switch; samples indexed by node and task.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaApi, StreamHandlers } from '../api/client';
import type { StatsSample } from '../../src-main/api/domains/stats';
import { createStatsStore } from './stats';

interface Sub {
  params: unknown;
  handlers: StreamHandlers<StatsSample>;
  disposed: boolean;
}

function fakeApi(): { api: FlotillaApi; subs: Sub[] } {
  const subs: Sub[] = [];
  const api = {
    transport: 'in-process',
    invoke: () => Promise.reject(new Error('no requests here')),
    subscribe: (_m: string, params: unknown, handlers: Sub['handlers']) => {
      const sub: Sub = { params, handlers, disposed: false };
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

const sample: StatsSample = {
  at: 1,
  nodes: [
    {
      id: 'n1',
      hostname: 'a',
      cpus: 2,
      memoryTotalBytes: 100,
      cpuPercent: 50,
      memoryUsedBytes: 10,
      netRxBytes: 0,
      netTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
      tasks: [{ id: 't1', serviceId: 's', service: 'web', slot: 1, nodeId: 'n1', containerId: 'c', name: 'web.1.t1', cpuPercent: 50, memoryBytes: 10, memoryLimitBytes: 100, memoryPercent: 10, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1, sampled: true }],
    },
  ],
};

afterEach(() => vi.useRealTimers());

describe('stats store', () => {
  it('one subscription for every holder; disposed only after the last lets go and the grace passes', () => {
    vi.useFakeTimers();
    const { api, subs } = fakeApi();
    const s = createStatsStore(api, { graceMs: 1000 });
    expect(subs).toHaveLength(0);
    const a = s.getState().acquire('mgr');
    const b = s.getState().acquire('mgr');
    expect(subs).toHaveLength(1);
    expect(subs[0].params).toEqual({ engineId: 'mgr' });
    subs[0].handlers.onEvent(sample);
    expect(s.getState().byNode.n1.cpuPercent).toBe(50);
    expect(s.getState().byTask.t1.name).toBe('web.1.t1');
    a();
    a(); // releasing twice counts once
    vi.advanceTimersByTime(5000);
    expect(subs[0].disposed).toBe(false);
    b();
    vi.advanceTimersByTime(999);
    expect(subs[0].disposed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(subs[0].disposed).toBe(true);
  });

  it('a view switch inside the grace keeps the stream; another swarm starts a new one', () => {
    vi.useFakeTimers();
    const { api, subs } = fakeApi();
    const s = createStatsStore(api, { graceMs: 1000 });
    const board = s.getState().acquire('mgr');
    board();
    vi.advanceTimersByTime(500);
    const cluster = s.getState().acquire('mgr');
    vi.advanceTimersByTime(5000);
    expect(subs).toHaveLength(1);
    expect(subs[0].disposed).toBe(false);
    cluster();
    s.getState().acquire('other');
    expect(subs[0].disposed).toBe(true);
    expect(subs[1].params).toEqual({ engineId: 'other' });
    expect(s.getState().byNode).toEqual({});
  });

  it('an error is shown and the stream retried while held; an ended stream resubscribes', () => {
    vi.useFakeTimers();
    const { api, subs } = fakeApi();
    const s = createStatsStore(api, { retryMs: 2000 });
    s.getState().acquire('mgr');
    subs[0].handlers.onError?.(Object.assign(new Error('engine gone'), { code: 'UNREACHABLE' }) as never);
    expect(s.getState().error).toBe('engine gone');
    vi.advanceTimersByTime(2000);
    expect(subs).toHaveLength(2);
    subs[1].handlers.onEvent(sample);
    expect(s.getState().error).toBeUndefined();
    subs[1].handlers.onEnd?.();
    vi.advanceTimersByTime(1000);
    expect(subs).toHaveLength(3);
  });
});
