// The engines store against a scripted api client: list + info + one events stream per engine,
// counts, refresh on swarm events, resubscribe after a stream error, cleanup on stop.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaApi, StreamHandlers } from '../api/client';
import { FlotillaError } from '../../src-main/api/errors';
import { createEnginesStore } from './engines';

interface Sub {
  id: string;
  handlers: StreamHandlers<{ engineId: string; type: string; action: string; time: number }>;
  disposed: boolean;
}

function fakeApi(opts: { list?: () => unknown; info?: (id: string) => unknown } = {}): { api: FlotillaApi; subs: Sub[]; infoCalls: string[] } {
  const subs: Sub[] = [];
  const infoCalls: string[] = [];
  const api = {
    transport: 'in-process',
    invoke: async (method: string, params: { id?: string }) => {
      if (method === 'engines.list')
        return (
          opts.list?.() ?? [
            { id: 'local', name: 'local', url: 'unix:///var/run/docker.sock', source: 'local', transport: 'unix' },
            { id: 'lab:fui-n1', name: 'fui-n1', url: 'ssh://root@10.88.4.11', source: 'lab', transport: 'ssh' },
          ]
        );
      if (method === 'engines.info') {
        infoCalls.push(params.id ?? '');
        return opts.info?.(params.id ?? '') ?? { id: params.id, name: params.id, url: '', reachable: true, dockerVersion: '28.5.1', swarm: { state: 'inactive', isManager: false } };
      }
      throw new Error(`unexpected ${method}`);
    },
    subscribe: (_method: string, params: { id: string }, handlers: Sub['handlers']) => {
      const sub: Sub = { id: params.id, handlers, disposed: false };
      subs.push(sub);
      return () => {
        sub.disposed = true;
      };
    },
    onBroadcast: () => () => undefined,
    close: () => undefined,
  } as unknown as FlotillaApi;
  return { api, subs, infoCalls };
}

afterEach(() => vi.useRealTimers());

describe('engines store', () => {
  it('lists engines, loads their info and subscribes once to each engine’s events', async () => {
    const { api, subs } = fakeApi();
    const store = createEnginesStore(api);
    await store.getState().load();
    await vi.waitFor(() => expect(store.getState().rows['lab:fui-n1'].info?.dockerVersion).toBe('28.5.1'));
    expect(store.getState().status).toBe('ready');
    expect(store.getState().order).toEqual(['local', 'lab:fui-n1']);
    expect(subs.map((s) => s.id)).toEqual(['local', 'lab:fui-n1']);

    subs[1].handlers.onEvent({ engineId: 'lab:fui-n1', type: 'container', action: 'start', time: 1 });
    subs[1].handlers.onEvent({ engineId: 'lab:fui-n1', type: 'network', action: 'connect', time: 2 });
    expect(store.getState().rows['lab:fui-n1'].events).toBe(2);
    expect(store.getState().rows['lab:fui-n1'].lastEvent).toEqual({ type: 'network', action: 'connect', time: 2 });
    expect(store.getState().rows.local.events).toBe(0);

    await store.getState().load(); // a reload keeps the counts and does not subscribe twice
    expect(subs.length).toBe(2);
    expect(store.getState().rows['lab:fui-n1'].events).toBe(2);
    store.getState().stop();
    expect(subs.every((s) => s.disposed)).toBe(true);
  });

  it('says what failed when the engines cannot be listed', async () => {
    const { api } = fakeApi({
      list: () => {
        throw new FlotillaError('UNREACHABLE', 'the connection to Flotilla closed');
      },
    });
    const store = createEnginesStore(api);
    await store.getState().load();
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toContain('connection to Flotilla closed');
  });

  it('refreshes info after swarm events and resubscribes after a stream error', async () => {
    vi.useFakeTimers();
    const { api, subs, infoCalls } = fakeApi();
    const store = createEnginesStore(api);
    await store.getState().load();
    await vi.advanceTimersByTimeAsync(0);
    const before = infoCalls.filter((i) => i === 'local').length;
    subs[0].handlers.onEvent({ engineId: 'local', type: 'node', action: 'update', time: 1 });
    subs[0].handlers.onEvent({ engineId: 'local', type: 'swarm', action: 'update', time: 2 });
    await vi.advanceTimersByTimeAsync(1100);
    expect(infoCalls.filter((i) => i === 'local').length).toBe(before + 1); // two events, one refresh

    subs[0].handlers.onError?.(new FlotillaError('UNREACHABLE', 'engine went away'));
    expect(store.getState().rows.local.streamError).toBe('engine went away');
    await vi.advanceTimersByTimeAsync(5100);
    expect(subs.filter((s) => s.id === 'local').length).toBe(2);
    store.getState().stop();
  });
});
