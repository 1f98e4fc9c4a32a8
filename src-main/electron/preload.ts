// Sandboxed preload: exposes only invoke, subscribe, cancel (and broadcasts) as window.flotilla,
// and the compose file dialogs as window.flotillaFiles.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge';
import { createFileDialogs } from './file-dialogs-bridge';

contextBridge.exposeInMainWorld('flotilla', createPreloadBridge(ipcRenderer));
contextBridge.exposeInMainWorld('flotillaFiles', createFileDialogs(ipcRenderer));
