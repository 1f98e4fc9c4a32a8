// An in-process stand-in for Electron's ipcMain / ipcRenderer pair, because no Electron binary runs on
// the build machines. Arguments are structured-cloned both ways, as Electron's IPC does. The sender's frame is
// the app's own page unless a test gives another (a foreign page, a sub-frame, or null: a frame that is gone).
import { EventEmitter } from 'node:events';
import type { IpcMainLike, IpcEventLike, SenderLike } from '../../src-main/electron/ipc';
import type { IpcRendererLike } from '../../src-main/electron/preload-bridge';
import { APP_ENTRY, type FrameLike } from '../../src-main/electron/trust';

export function createIpcPair(frame: FrameLike | null = { url: APP_ENTRY, parent: null }): { ipcMain: IpcMainLike; ipcRenderer: IpcRendererLike; destroy(): void } {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>>();
  const mainListeners = new EventEmitter();
  const rendererListeners = new EventEmitter();
  const lifecycle = new EventEmitter();
  const sender: SenderLike = {
    id: 1,
    send: (channel, ...args) => {
      const cloned = structuredClone(args);
      queueMicrotask(() => rendererListeners.emit(channel, { sender: 'main' }, ...cloned));
    },
    once: (event, cb) => void lifecycle.once(event, cb),
  };
  const event: IpcEventLike = { sender, senderFrame: frame };
  return {
    ipcMain: {
      handle: (channel, fn) => void handlers.set(channel, fn),
      on: (channel, fn) => void mainListeners.on(channel, (...args: unknown[]) => fn(event, ...args)),
    },
    ipcRenderer: {
      invoke: async (channel, ...args) => {
        const fn = handlers.get(channel);
        if (!fn) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await fn(event, ...structuredClone(args)));
      },
      send: (channel, ...args) => {
        const cloned = structuredClone(args);
        queueMicrotask(() => mainListeners.emit(channel, ...cloned));
      },
      on: (channel, fn) => void rendererListeners.on(channel, fn),
    },
    destroy: () => lifecycle.emit('destroyed'),
  };
}
