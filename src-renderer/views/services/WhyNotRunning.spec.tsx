// @vitest-environment jsdom
// The "Why not running" panel: draws what swarm.services.explain / swarm.tasks.explain answer, asks once per burst of
// task changes (refreshKey), drops an answer that a newer key made stale, and shows a failure in words.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ServiceExplanation, TaskExplanation } from '../../../src-main/api/domains/explain';

const invoke = vi.fn();
vi.mock('../../api', () => ({ api: { invoke: (...a: unknown[]) => invoke(...a) } }));
const { WhyNotRunning } = await import('./WhyNotRunning');

const task = (state: string, reasons: TaskExplanation['nodes'][number]['reasons']): TaskExplanation => ({
  taskId: 't1abcdefghijklmnop',
  serviceId: 's1',
  serviceName: 'web',
  name: 'web.1',
  slot: 1,
  state,
  desiredState: 'running',
  running: false,
  summary: `${state}: no node can take it`,
  engineError: 'no suitable node (scheduling constraints not satisfied on 1 node)',
  nodes: [{ nodeId: 'n1', hostname: 'node-1', schedulable: false, reasons }],
  history: [{ taskId: 't1abcdefghijklmnop', state, desiredState: 'running', at: new Date().toISOString(), error: 'no suitable node' }],
});
const service = (t: TaskExplanation[]): ServiceExplanation => ({ serviceId: 's1', serviceName: 'web', mode: 'replicated', desired: 1, running: 0, tasks: t, notes: [] });
const constraint = { kind: 'constraint' as const, constraint: 'node.labels.zone==x', text: 'constraint "node.labels.zone==x" fails: node.labels.zone is "" here' };

describe('<WhyNotRunning>', () => {
  let root: Root;
  let el: HTMLDivElement;
  beforeEach(() => {
    vi.useFakeTimers();
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    el = document.createElement('div');
    root = createRoot(el);
    invoke.mockReset();
  });
  afterEach(() => {
    act(() => root.unmount());
    vi.useRealTimers();
  });
  const settle = async (ms = 500): Promise<void> => {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(ms);
    });
  };

  it('draws each node and its reasons, the engine error and the history; asks once per burst of changes', async () => {
    invoke.mockResolvedValue(service([task('pending', [constraint])]));
    act(() => root.render(<WhyNotRunning engineId="e" serviceId="s1" refreshKey="a" />));
    expect(el.textContent).toContain('Asking the swarm');
    await settle();
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0].slice(0, 2)).toEqual(['swarm.services.explain', { engineId: 'e', service: 's1' }]);
    const row = el.querySelector('[data-testid="why-node"]')!;
    expect(row.getAttribute('data-kinds')).toBe('constraint');
    expect(row.textContent).toContain('constraint "node.labels.zone==x" fails');
    expect(el.querySelector('[data-testid="why-engine-error"]')!.textContent).toContain('no suitable node (scheduling constraints not satisfied on 1 node)');
    expect(el.querySelectorAll('[data-testid="why-history-row"]')).toHaveLength(1);

    // three changes within the settle time: one more question
    for (const k of ['b', 'c', 'd']) {
      act(() => root.render(<WhyNotRunning engineId="e" serviceId="s1" refreshKey={k} />));
      await settle(100);
    }
    await settle();
    expect(invoke).toHaveBeenCalledTimes(2);
  });

  it('one task: swarm.tasks.explain; a running task has nothing to explain; a failure is shown in words', async () => {
    invoke.mockResolvedValueOnce({ ...task('running', []), running: true, nodes: [], summary: 'running on node-1' });
    act(() => root.render(<WhyNotRunning engineId="e" taskId="t1" refreshKey="a" />));
    await settle();
    expect(invoke.mock.calls[0].slice(0, 2)).toEqual(['swarm.tasks.explain', { engineId: 'e', task: 't1' }]);
    expect(el.textContent).toContain('running on node-1: nothing to explain.');
    invoke.mockRejectedValueOnce(new Error('no such task: t1'));
    act(() => root.render(<WhyNotRunning engineId="e" taskId="t1" refreshKey="b" />));
    await settle();
    expect(el.textContent).toContain('Could not explain: no such task: t1');
  });

  it('an answer that arrives after a newer key is dropped', async () => {
    let answerOld: (v: ServiceExplanation) => void = () => undefined;
    invoke.mockImplementationOnce(() => new Promise((r) => (answerOld = r)));
    invoke.mockResolvedValueOnce(service([task('pending', [{ kind: 'drain', text: 'node is drained: it takes no tasks (set it active to use it again)' }])]));
    act(() => root.render(<WhyNotRunning engineId="e" serviceId="s1" refreshKey="a" />));
    await settle();
    act(() => root.render(<WhyNotRunning engineId="e" serviceId="s1" refreshKey="b" />));
    await settle();
    await act(async () => answerOld(service([task('pending', [constraint])])));
    expect(el.querySelector('[data-testid="why-node"]')!.getAttribute('data-kinds')).toBe('drain');
  });
});
