// Native open/save dialogs for compose files and the files secrets and configs read. The main process owns
// the dialogs and the disk; the preload exposes three typed calls as window.flotillaFiles (file-dialogs-bridge.ts;
// renderer side: src-renderer/views/stacks/compose-files.ts). Only paths the person picked in a dialog are read or written.
import { BrowserWindow, dialog, ipcMain } from 'electron';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { FILE_IPC } from './file-dialogs-bridge';
import type { FrameLike } from './trust';

const MAX_BYTES = 4_000_000;

// what the page may pass (it crosses IPC, so it is validated like the contract)
const Title = z.string().max(200);
const OpenTextOptions = z.object({ title: Title, filters: z.array(z.object({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[A-Za-z0-9*]{1,10}$/)).max(20) })).max(10) });
const OpenBinaryOptions = z.object({ title: Title });
const SaveTextOptions = z.object({ title: Title, defaultPath: z.string().max(4096), content: z.string().max(MAX_BYTES) });

/** main process: answers the three calls from our own window only */
export function registerFileDialogs(isTrustedFrame: (frame: FrameLike | null) => boolean): void {
  const owner = (e: { senderFrame: FrameLike | null; sender: Electron.WebContents }): BrowserWindow => {
    if (!isTrustedFrame(e.senderFrame)) throw new Error('file dialogs are only for the Flotilla window');
    const win = BrowserWindow.fromWebContents(e.sender);
    if (!win) throw new Error('no window for this request');
    return win;
  };
  const readPicked = async (win: BrowserWindow, title: string, filters?: Electron.FileFilter[]): Promise<{ path: string; data: Buffer } | undefined> => {
    const r = await dialog.showOpenDialog(win, {
      title,
      properties: ['openFile'],
      filters,
    });
    const p = r.filePaths[0];
    if (r.canceled || !p) return undefined;
    const stat = await fs.stat(p);
    if (stat.size > MAX_BYTES) throw new Error(`${p} is ${stat.size} bytes; Flotilla opens files up to ${MAX_BYTES} bytes`);
    return { path: p, data: await fs.readFile(p) };
  };
  ipcMain.handle(FILE_IPC.openText, async (e, input: unknown) => {
    const win = owner(e);
    const opts = OpenTextOptions.parse(input);
    const r = await readPicked(win, opts.title, opts.filters);
    return r && { path: r.path, content: r.data.toString('utf8') };
  });
  ipcMain.handle(FILE_IPC.openBinary, async (e, input: unknown) => {
    const win = owner(e);
    const opts = OpenBinaryOptions.parse(input);
    const r = await readPicked(win, opts.title);
    return (
      r && {
        path: r.path,
        base64: r.data.toString('base64'),
        size: r.data.length,
      }
    );
  });
  ipcMain.handle(FILE_IPC.saveText, async (e, input: unknown) => {
    const win = owner(e);
    const opts = SaveTextOptions.parse(input);
    const r = await dialog.showSaveDialog(win, {
      title: opts.title,
      defaultPath: opts.defaultPath,
      filters: [{ name: 'Compose files', extensions: ['yml', 'yaml'] }],
    });
    if (r.canceled || !r.filePath) return undefined;
    await fs.writeFile(r.filePath, opts.content);
    return r.filePath;
  });
}
