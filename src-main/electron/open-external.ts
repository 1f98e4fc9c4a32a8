// Opens a published port's link (Services view, Board) in the system browser. The page asks over IPC; the main
// process answers only our own window's main frame and only an http or https URL without credentials (the same
// rule as a window.open from the page, trust.ts windowOpenDecision), so the page cannot make it start file:,
// smb: or a custom scheme handler.
import { ipcMain } from 'electron';
import { z } from 'zod';
import { OPEN_EXTERNAL_IPC } from './open-external-bridge';
import { windowOpenDecision, type FrameLike } from './trust';

const Url = z.string().min(1).max(2048);

/** the URL to hand to shell.openExternal, or the reason it is refused */
export function externalUrl(input: unknown): { url: string } | { error: string } {
  const p = Url.safeParse(input);
  if (!p.success) return { error: 'openExternal takes one URL of at most 2048 characters' };
  const d = windowOpenDecision(p.data);
  return d.openExternally ? { url: d.openExternally } : { error: `refused to open ${p.data.slice(0, 200)}: only http and https links without credentials open in the browser` };
}

export function registerOpenExternal(isTrustedFrame: (frame: FrameLike | null) => boolean, open: (url: string) => Promise<void>): void {
  ipcMain.handle(OPEN_EXTERNAL_IPC, async (e, input: unknown) => {
    if (!isTrustedFrame(e.senderFrame)) throw new Error('openExternal is only for the Flotilla window');
    const r = externalUrl(input);
    if ('error' in r) throw new Error(r.error);
    await open(r.url);
  });
}
