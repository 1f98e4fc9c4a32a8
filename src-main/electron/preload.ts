// Sandboxed preload: exposes only invoke, subscribe, cancel (and broadcasts) as window.flotilla,
// the compose file dialogs as window.flotillaFiles, and opening an http(s) link in the system browser as window.flotillaShell.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge';
import { createFileDialogs } from './file-dialogs-bridge';
import { createShellBridge } from './open-external-bridge';

contextBridge.exposeInMainWorld('flotilla', createPreloadBridge(ipcRenderer));
contextBridge.exposeInMainWorld('flotillaFiles', createFileDialogs(ipcRenderer));
contextBridge.exposeInMainWorld('flotillaShell', createShellBridge(ipcRenderer));
