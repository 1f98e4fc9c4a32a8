// Sandboxed preload: exposes only invoke, subscribe, cancel (and broadcasts) as window.flotilla.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge';

contextBridge.exposeInMainWorld('flotilla', createPreloadBridge(ipcRenderer));
