// Builds the object the preload exposes as window.flotilla, from an ipcRenderer-like object.
// Kept free of the electron import so the contract tests can run it in plain Node.
import { IPC, type PreloadBridge, type InvokeReply, type StreamMessage } from '../api/bridge';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, fn: (event: unknown, ...args: unknown[]) => void): void;
}

export function createPreloadBridge(ipc: IpcRendererLike): PreloadBridge {
  const streams = new Map<number, (m: StreamMessage) => void>();
  const broadcastListeners = new Set<(name: string, payload: unknown) => void>();
  // The IpcRendererEvent is never handed to the page: only the message.
  ipc.on(IPC.stream, (_e, id, msg) => {
    const cb = streams.get(id as number);
    const m = msg as StreamMessage;
    if (!cb) return;
    if (m.t !== 'event') streams.delete(id as number);
    cb(m);
  });
  ipc.on(IPC.broadcast, (_e, name, payload) => {
    for (const l of broadcastListeners) l(String(name), payload);
  });
  return {
    invoke: (id, method, params) => ipc.invoke(IPC.invoke, id, method, params) as Promise<InvokeReply>,
    cancel: (id) => ipc.send(IPC.cancel, id),
    subscribe: (id, method, params, onMessage) => {
      streams.set(id, onMessage);
      ipc.send(IPC.subscribe, id, method, params);
      return () => {
        if (streams.delete(id)) ipc.send(IPC.dispose, id);
      };
    },
    onBroadcast: (cb) => {
      broadcastListeners.add(cb);
      return () => broadcastListeners.delete(cb);
    },
  };
}
