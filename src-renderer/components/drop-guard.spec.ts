// @vitest-environment jsdom
// Drops: a file or link dropped on the window is refused (no navigation), plain text drags are left alone, and
// a file dropped on the compose editor is read and opened, bounded in size.
import { afterEach, describe, expect, it } from 'vitest';
import { guardDrops, onFileDrop, type FileLike } from './drop-guard';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  document.body.innerHTML = '';
});

function drag(type: 'dragover' | 'drop', types: string[], files: FileLike[] = []) {
  const e = new Event(type, { bubbles: true, cancelable: true });
  const dataTransfer = { types, dropEffect: 'move', files };
  Object.defineProperty(e, 'dataTransfer', { value: dataTransfer });
  return { e, dataTransfer };
}

const file = (name: string, content: string): FileLike => ({ name, size: content.length, text: async () => content });

describe('guardDrops: nothing dropped on the window navigates it', () => {
  it.each([['Files'], ['text/uri-list', 'text/plain']])('refuses a drag carrying %s anywhere in the page', (...types) => {
    cleanups.push(guardDrops(document));
    const el = document.body.appendChild(document.createElement('div'));
    for (const type of ['dragover', 'drop'] as const) {
      const { e, dataTransfer } = drag(type, types, [file('evil.html', '<script>')]);
      el.dispatchEvent(e);
      expect(e.defaultPrevented).toBe(true);
      expect(dataTransfer.dropEffect).toBe('none');
    }
  });
  it('leaves a plain text drag alone (dropping text into a field still works)', () => {
    cleanups.push(guardDrops(document));
    const input = document.body.appendChild(document.createElement('input'));
    const { e, dataTransfer } = drag('drop', ['text/plain']);
    input.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
    expect(dataTransfer.dropEffect).toBe('move');
  });
  it('stops guarding once removed', () => {
    guardDrops(document)();
    const { e } = drag('drop', ['Files']);
    document.body.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
  });
});

describe('onFileDrop: the compose editor reads a dropped file', () => {
  function editor() {
    cleanups.push(guardDrops(document));
    const zone = document.body.appendChild(document.createElement('div'));
    const inner = zone.appendChild(document.createElement('div')); // Monaco's own element
    const opened: Array<{ name: string; content: string }> = [];
    const failures: string[] = [];
    let innerSaw = 0;
    inner.addEventListener('drop', () => innerSaw++);
    cleanups.push(onFileDrop(zone, (f) => opened.push(f), (m) => failures.push(m), 100));
    return { inner, opened, failures, innerSaw: () => innerSaw };
  }
  it('accepts the drag as a copy, and opens the file read as text instead of navigating or inserting its name', async () => {
    const ed = editor();
    const over = drag('dragover', ['Files']);
    ed.inner.dispatchEvent(over.e);
    expect(over.e.defaultPrevented).toBe(true);
    expect(over.dataTransfer.dropEffect).toBe('copy');
    const { e } = drag('drop', ['Files'], [file('web.yml', 'services:\n  web:\n    image: nginx\n')]);
    ed.inner.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true);
    expect(ed.innerSaw()).toBe(0); // captured before the editor saw it
    await Promise.resolve();
    await Promise.resolve();
    expect(ed.opened).toEqual([{ name: 'web.yml', content: 'services:\n  web:\n    image: nginx\n' }]);
    expect(ed.failures).toEqual([]);
  });
  it('refuses a file over the size bound, saying its size and the bound', async () => {
    const ed = editor();
    ed.inner.dispatchEvent(drag('drop', ['Files'], [file('huge.yml', 'x'.repeat(101))]).e);
    await Promise.resolve();
    expect(ed.opened).toEqual([]);
    expect(ed.failures).toEqual(['huge.yml is 101 bytes; Flotilla opens files up to 100 bytes']);
  });
  it('says why a file could not be read', async () => {
    const ed = editor();
    const broken: FileLike = { name: 'gone.yml', size: 3, text: () => Promise.reject(new Error('the file was removed')) };
    ed.inner.dispatchEvent(drag('drop', ['Files'], [broken]).e);
    await new Promise((r) => setTimeout(r, 0));
    expect(ed.failures).toEqual(['could not read gone.yml: the file was removed']);
  });
  it("leaves a text drag to the editor's own handling", () => {
    const ed = editor();
    const { e } = drag('drop', ['text/plain']);
    ed.inner.dispatchEvent(e);
    expect(ed.innerSaw()).toBe(1);
    expect(e.defaultPrevented).toBe(false);
    expect(ed.opened).toEqual([]);
  });
});
