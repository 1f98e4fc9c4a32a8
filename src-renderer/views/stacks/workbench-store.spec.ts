// The workbench store against a scripted api client: debounced validation with the person's variables
// and attached files, stale answers dropped, plan, deploy stream to progress, history.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaApi, StreamHandlers } from '../../api/client';
import type { StackEvent } from '../../../src-main/api/domains/stacks';
import { FlotillaError } from '../../../src-main/api/errors';
import { createWorkbenchStore } from './workbench-store';

interface Call {
  method: string;
  params: Record<string, unknown>;
  signal?: AbortSignal;
}

function fakeApi(answer: (c: Call) => unknown) {
  const calls: Call[] = [];
  const streams: Array<{ method: string; params: Record<string, unknown>; h: StreamHandlers<StackEvent>; disposed: boolean }> = [];
  const api = {
    transport: 'in-process',
    invoke: async (method: string, params: Record<string, unknown>, opts?: { signal?: AbortSignal }) => {
      const c = { method, params, signal: opts?.signal };
      calls.push(c);
      return answer(c);
    },
    subscribe: (method: string, params: Record<string, unknown>, h: StreamHandlers<StackEvent>) => {
      const s = { method, params, h, disposed: false };
      streams.push(s);
      return () => {
        s.disposed = true;
      };
    },
    onBroadcast: () => () => undefined,
    close: () => undefined,
  } as unknown as FlotillaApi;
  return { api, calls, streams };
}

const validateAnswer = (c: Call) =>
  c.method === 'stacks.validate'
    ? { diagnostics: String((c.params.files as Array<{ content: string }>)[0].content).includes('two') ? [{ severity: 'error', message: 'replicas must be a integer', file: 'docker-compose.yml', line: 3, column: 5, path: 'services.web.deploy.replicas' }] : [], variables: {}, version: '3.9' }
    : c.method === 'stacks.history'
      ? { entries: [] }
      : undefined;

afterEach(() => vi.useRealTimers());

describe('workbench store', () => {
  it('validates once after typing stops, with the variables and attachments set, and keeps the latest answer', async () => {
    vi.useFakeTimers();
    const { api, calls } = fakeApi(validateAnswer);
    const store = createWorkbenchStore(api, 300);
    store.getState().open({ fileName: 'docker-compose.yml', content: 'a', stack: 's' });
    await vi.runAllTimersAsync();
    expect(calls.filter((c) => c.method === 'stacks.validate')).toHaveLength(1);

    store.getState().setValue('TAG', '1');
    store.getState().attach('./pw.txt', { name: 'pw.txt', size: 2, base64: 'aGk=' });
    for (const text of ['replicas: t', 'replicas: tw', 'replicas: two']) {
      store.getState().edit(text);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls.filter((c) => c.method === 'stacks.validate')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    const validates = calls.filter((c) => c.method === 'stacks.validate');
    expect(validates).toHaveLength(2);
    expect(validates[1].params).toMatchObject({ files: [{ file: 'docker-compose.yml', content: 'replicas: two' }], variables: { TAG: '1' }, attachments: { './pw.txt': 'aGk=' } });
    expect(store.getState().validation.diagnostics[0].line).toBe(3);
    expect(store.getState().validation.content).toBe('replicas: two');
  });

  it('drops the answer of a validation that a newer one replaced', async () => {
    let release: (v: unknown) => void = () => undefined;
    const slow = new Promise((r) => (release = r));
    const { api, calls } = fakeApi((c) => (c.method === 'stacks.validate' && calls.filter((x) => x.method === 'stacks.validate').length === 1 ? slow : validateAnswer(c)));
    const store = createWorkbenchStore(api, 0);
    store.getState().open({ fileName: 'docker-compose.yml', content: 'replicas: two', stack: 's' });
    store.getState().edit('replicas: 2');
    await store.getState().validateNow();
    expect(calls.filter((c) => c.method === 'stacks.validate')[0].signal?.aborted).toBe(true);
    release({ diagnostics: [{ severity: 'error', message: 'stale', file: 'docker-compose.yml', line: 1, column: 1, path: '' }], variables: {} });
    await Promise.resolve();
    expect(store.getState().validation.diagnostics).toEqual([]);
  });

  it('plans against the chosen engine and shows host errors', async () => {
    const { api } = fakeApi((c) => {
      if (c.method === 'stacks.plan') throw new FlotillaError('BAD_INPUT', 'docker-compose.yml:3:5: replicas must be a integer');
      return validateAnswer(c);
    });
    const store = createWorkbenchStore(api, 0);
    store.getState().setEngine('m1');
    store.getState().open({ fileName: 'docker-compose.yml', content: 'x', stack: 'shop' });
    await store.getState().runPlan();
    expect(store.getState().panel).toBe('plan');
    expect(store.getState().plan).toMatchObject({ status: 'error', error: 'docker-compose.yml:3:5: replicas must be a integer' });
  });

  it('deploys through the stream until done, then reads the history again', async () => {
    const { api, streams, calls } = fakeApi(validateAnswer);
    const store = createWorkbenchStore(api, 0);
    store.getState().setEngine('m1');
    store.getState().open({ fileName: 'docker-compose.yml', content: 'x', stack: 'shop' });
    store.getState().setOptions({ resolveImage: 'never' });
    store.getState().deploy();
    expect(streams[0]).toMatchObject({ method: 'stacks.deploy', params: { engineId: 'm1', stack: 'shop', resolveImage: 'never', wait: true } });
    expect(store.getState().panel).toBe('deploy');
    streams[0].h.onEvent({ type: 'progress', service: 'shop_web', running: 2, desired: 2, state: 'converged', errors: [] });
    streams[0].h.onEvent({ type: 'done', history: 1, services: [{ name: 'shop_web', id: 'a', action: 'create' }] });
    streams[0].h.onEnd?.();
    expect(store.getState().run).toMatchObject({ status: 'converged', history: 1 });
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'stacks.history' && c.params.stack === 'shop')).toBe(true));
  });

  it('a stream error ends the run with the host’s message; stop watching disposes the stream', () => {
    const { api, streams } = fakeApi(validateAnswer);
    const store = createWorkbenchStore(api, 0);
    store.getState().setEngine('m1');
    store.getState().rollback('shop', 2);
    expect(streams[0]).toMatchObject({ method: 'stacks.rollback', params: { engineId: 'm1', stack: 'shop', to: 2 } });
    streams[0].h.onError?.(new FlotillaError('NOT_FOUND', 'deployment 2 used /x, which no longer exists'));
    expect(store.getState().run).toMatchObject({ kind: 'rollback', status: 'error', error: 'deployment 2 used /x, which no longer exists' });
    store.getState().rollback('shop', 1);
    store.getState().stopRun();
    expect(streams[1].disposed).toBe(true);
    expect(store.getState().run?.status).toBe('error');
  });

  it('remembers the values of its own deployments in memory only: a rollback sends them, opening one re-fills the variables', async () => {
    const entry = (n: number) => ({ n, time: '2026-01-01T00:00:00Z', stack: 'shop', engine: 'c', files: ['1-s.yml'], sources: ['s.yml'], workingDir: '/', variables: ['DB_PASSWORD'], variableHashes: { DB_PASSWORD: `hmac-sha256:${n}` }, options: {}, objectFiles: {}, services: ['web'] });
    const { api, streams } = fakeApi((c) => (c.method === 'stacks.history' ? { entries: [entry(1), entry(2)], files: [{ file: 's.yml', content: 'x' }] } : validateAnswer(c)));
    const store = createWorkbenchStore(api, 0);
    store.getState().setEngine('m1');
    store.getState().open({ fileName: 's.yml', content: 'x', stack: 'shop' });
    for (const [i, value] of ['first', 'second'].entries()) {
      store.getState().setValue('DB_PASSWORD', value);
      store.getState().deploy();
      streams[i].h.onEvent({ type: 'done', history: i + 1, services: [] });
      streams[i].h.onEnd?.();
    }
    store.getState().rollback('shop', 1);
    expect(streams[2]).toMatchObject({ method: 'stacks.rollback', params: { engineId: 'm1', stack: 'shop', to: 1, variables: { DB_PASSWORD: 'first' } } });
    // opening a deployment re-fills the values it was made with (OTHER, set since, is not one of them)
    store.getState().setValue('OTHER', 'x');
    await store.getState().openDeployment('shop', 2);
    expect(store.getState().values).toEqual({ DB_PASSWORD: 'second' });
    await store.getState().openDeployment('shop', 1);
    expect(store.getState().values).toEqual({ DB_PASSWORD: 'first' });
  });
});
