// The Electron window: secure defaults (contextIsolation, sandbox, no nodeIntegration, CSP), the renderer
// served from flotilla://app/ and trusted as that one origin (trust.ts, window-policy.ts), one instance, the
// contract over ipcMain.handle, and a window that remembers its size.
import { app, BrowserWindow, ipcMain, protocol, screen, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '../host';
import { registerContractIpc, type IpcMainLike } from './ipc';
import { registerFileDialogs } from './file-dialogs';
import { registerOpenExternal } from './open-external';
import { createAppProtocolHandler } from './app-protocol';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, isTrustedFrame, rendererLocation, type FrameLike } from './trust';
import { guardSession, guardWebContents } from './window-policy';
import { debouncedSaver, loadWindowState, placeWindow, saveWindowStateSync, stateToSave } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();

// decided once, before any window: the dev server only in an unpackaged app
const renderer = rendererLocation({ isPackaged: app.isPackaged, devUrl: process.env.ELECTRON_RENDERER_URL });
if (renderer.ignoredDevUrl) console.warn(renderer.ignoredDevUrl);
const trusted = (frame: FrameLike | null): boolean => isTrustedFrame(renderer.origin, frame);
const refused = (what: string): void => console.warn(`Flotilla refused ${what}: only its own page (${renderer.origin}) is trusted`);

app.enableSandbox();
// Windows shows a page's notifications (Activity) only for an app with an AppUserModelID: the installer's (build/electron-builder.yml appId)
if (process.platform === 'win32') app.setAppUserModelId('io.flotilla.app');
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// every web contents, whoever creates it, gets the navigation, window and webview policy
app.on('web-contents-created', (_e, contents) => guardWebContents(contents, renderer.origin, (url) => void shell.openExternal(url), refused));

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
      navigateOnDragDrop: false,
    },
  });
  registerContractIpc(ipcMain as unknown as IpcMainLike, host.dispatcher, trusted);
  registerFileDialogs(trusted);
  registerOpenExternal(trusted, (url) => shell.openExternal(url));
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
  await win.loadURL(renderer.entry);
}

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => app.quit());
void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, '../renderer')));
  guardSession(session.defaultSession, renderer.origin);
  return createWindow();
});
