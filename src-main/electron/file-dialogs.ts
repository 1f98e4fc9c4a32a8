// Native open/save dialogs for compose files and the files secrets and configs read. The main process owns
// the dialogs and the disk; the preload exposes three typed calls as window.flotillaFiles (file-dialogs-bridge.ts;
// renderer side: src-renderer/views/stacks/compose-files.ts). Only paths the person picked in a dialog are read or written.
import { BrowserWindow, dialog, ipcMain } from 'electron';
import fs from 'node:fs/promises';
import { FILE_IPC, type FileDialogs } from './file-dialogs-bridge';

const MAX_BYTES = 4_000_000;

/** main process: answers the three calls from our own window only */
export function registerFileDialogs(isOurs: (url: string) => boolean): void {
  const owner = (e: { senderFrame: { url: string } | null; sender: Electron.WebContents }): BrowserWindow => {
    if (!e.senderFrame || !isOurs(e.senderFrame.url)) throw new Error('file dialogs are only for the Flotilla window');
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
  ipcMain.handle(FILE_IPC.openText, async (e, opts: Parameters<FileDialogs['openText']>[0]) => {
    const r = await readPicked(owner(e), String(opts.title), opts.filters);
    return r && { path: r.path, content: r.data.toString('utf8') };
  });
  ipcMain.handle(FILE_IPC.openBinary, async (e, opts: Parameters<FileDialogs['openBinary']>[0]) => {
    const r = await readPicked(owner(e), String(opts.title));
    return (
      r && {
        path: r.path,
        base64: r.data.toString('base64'),
        size: r.data.length,
      }
    );
  });
  ipcMain.handle(FILE_IPC.saveText, async (e, opts: Parameters<FileDialogs['saveText']>[0]) => {
    const r = await dialog.showSaveDialog(owner(e), {
      title: String(opts.title),
      defaultPath: String(opts.defaultPath),
      filters: [{ name: 'Compose files', extensions: ['yml', 'yaml'] }],
    });
    if (r.canceled || !r.filePath) return undefined;
    await fs.writeFile(r.filePath, String(opts.content));
    return r.filePath;
  });
}
