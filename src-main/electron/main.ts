// The Electron window: secure defaults (contextIsolation, sandbox, no nodeIntegration, CSP from the page),
// one instance, the contract over ipcMain.handle, and a window that remembers its size.
import { app, BrowserWindow, ipcMain, screen, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '../host';
import { registerContractIpc, type IpcMainLike } from './ipc';
import { registerFileDialogs } from './file-dialogs';
import { debouncedSaver, loadWindowState, placeWindow, saveWindowStateSync, stateToSave } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();

async function createWindow(): Promise<void> {
  const host = createHost({ transport: 'electron' });
  const primary = screen.getPrimaryDisplay();
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const state = placeWindow(loadWindowState(host.services.home), areas);
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    x: state.x,
    y: state.y,
    minWidth: 900,
    minHeight: 600,
    title: 'Flotilla',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const isOurs = (url: string): boolean => (rendererUrl ? url.startsWith(rendererUrl) : url.startsWith('file://'));
  registerContractIpc(ipcMain as unknown as IpcMainLike, host.dispatcher, isOurs);
  registerFileDialogs(isOurs);
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isOurs(url)) e.preventDefault();
  });
  if (state.maximized) win.maximize();
  const saver = debouncedSaver(() => {
    try {
      saveWindowStateSync(host.services.home, stateToSave(win.getNormalBounds(), win.isMaximized()));
    } catch (e) {
      console.warn(`Could not save the window size to ${host.services.home}/window.json: ${(e as Error).message}`);
    }
  });
  win.on('resize', saver.schedule);
  win.on('move', saver.schedule);
  win.on('maximize', saver.schedule);
  win.on('unmaximize', saver.schedule);
  // synchronous: the app quits on window-all-closed right after this, before an async write would land
  win.on('close', saver.flush);
  win.once('ready-to-show', () => win.show());
  app.on('before-quit', () => void host.close());
  if (rendererUrl) await win.loadURL(rendererUrl);
  else await win.loadFile(path.join(here, '../renderer/index.html'));
}

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => app.quit());
void app.whenReady().then(createWindow);
