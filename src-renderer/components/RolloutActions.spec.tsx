// @vitest-environment jsdom
// RolloutActions' resume: asks first, then says what the engine did with the resume, from what swarm.services.resume
// answers (a new run, a run after asking again, or nothing left to update), or the engine's reason it did not.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { RolloutActions, type RolloutNoticeValue } from './RolloutActions';

describe('<RolloutActions> resume', () => {
  let root: Root;
  let el: HTMLDivElement;
  beforeEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    el = document.createElement('div');
    document.body.appendChild(el);
    root = createRoot(el);
  });
  afterEach(() => {
    act(() => root.unmount());
    el.remove();
  });

  async function resumeWith(answer: () => Promise<unknown>): Promise<RolloutNoticeValue | undefined> {
    const perform = vi.fn(answer);
    const notices: Array<RolloutNoticeValue | undefined> = [];
    act(() => root.render(<RolloutActions service={{ id: 's1', name: 'web', updateStatus: { state: 'paused' } }} act={perform} onNotice={(n) => notices.push(n)} />));
    const click = (id: string): void => (el.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement).click();
    act(() => click('rollout-resume'));
    expect(el.textContent).toContain("web's previous spec then becomes the current one");
    expect(perform).not.toHaveBeenCalled();
    await act(async () => click('rollout-confirm'));
    expect(perform).toHaveBeenCalledWith('resume', 's1');
    return notices.at(-1);
  }

  it('says the engine runs the update again', async () => {
    const n = await resumeWith(async () => ({ state: 'paused', now: 'updating', asked: 1 }));
    expect(n).toEqual({ ok: true, service: 'web', text: 'Resumed: the engine is running the update of web again' });
  });

  it('says when the engine dropped the first ask and Flotilla asked again', async () => {
    const n = await resumeWith(async () => ({ state: 'paused', now: 'updating', asked: 3 }));
    expect(n?.text).toBe('Resumed: the engine is running the update of web again (it dropped the first ask while its paused run wound down, as it does for docker; Flotilla asked 3 times)');
  });

  it('says when nothing was left to update', async () => {
    const n = await resumeWith(async () => ({ state: 'paused', now: '', asked: 1 }));
    expect(n?.text).toBe('Resumed: the engine found every task of web already on the new spec, so it had nothing left to update');
  });

  it("shows the engine's reason when the resume fails", async () => {
    const n = await resumeWith(async () => Promise.reject(new Error('the engine has not restarted the update of web after 6 asks over 62 s')));
    expect(n).toEqual({ ok: false, service: 'web', text: 'the engine has not restarted the update of web after 6 asks over 62 s' });
  });
});
