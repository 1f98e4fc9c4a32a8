// Drops never navigate the window: a file or link dropped anywhere is refused (the cursor says so), except
// where a drop zone takes files by reading them (the compose editor, onFileDrop). In Electron the main process
// also refuses the navigation (navigateOnDragDrop off, will-navigate); this keeps browser mode's tab too.

/** what a drag event carries, as far as these guards look */
interface DragLike extends Event {
  readonly dataTransfer: { readonly types: readonly string[]; dropEffect: string; readonly files?: ArrayLike<FileLike> } | null;
}
export interface FileLike {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
}

/** files, or a link (which a browser would open) */
function wouldNavigate(e: DragLike): boolean {
  const types = e.dataTransfer?.types ?? [];
  return types.includes('Files') || types.includes('text/uri-list');
}

/** installs the window-wide guard on target (the document); returns its removal */
export function guardDrops(target: EventTarget): () => void {
  const refuse = (ev: Event): void => {
    const e = ev as DragLike;
    if (!wouldNavigate(e)) return; // plain text dragged into a field keeps working
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
  };
  target.addEventListener('dragover', refuse);
  target.addEventListener('drop', refuse);
  return () => {
    target.removeEventListener('dragover', refuse);
    target.removeEventListener('drop', refuse);
  };
}

/** the compose editor's file drop: the first dropped file of at most maxBytes is read as text and handed to open */
export function onFileDrop(zone: EventTarget, open: (file: { name: string; content: string }) => void, fail: (message: string) => void, maxBytes = 4_000_000): () => void {
  const files = (e: DragLike): boolean => (e.dataTransfer?.types ?? []).includes('Files');
  const over = (ev: Event): void => {
    const e = ev as DragLike;
    if (!files(e)) return; // text drags are the editor's own
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  const drop = (ev: Event): void => {
    const e = ev as DragLike;
    if (!files(e)) return;
    e.preventDefault();
    e.stopPropagation();
    const f = e.dataTransfer?.files?.[0];
    if (!f) return;
    if (f.size > maxBytes) return fail(`${f.name} is ${f.size} bytes; Flotilla opens files up to ${maxBytes} bytes`);
    f.text().then(
      (content) => open({ name: f.name, content }),
      (err: unknown) => fail(`could not read ${f.name}: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  // capture: before the editor's own drop handling, which would insert the file's name
  zone.addEventListener('dragover', over, true);
  zone.addEventListener('drop', drop, true);
  return () => {
    zone.removeEventListener('dragover', over, true);
    zone.removeEventListener('drop', drop, true);
  };
}
