// The shape of what the Electron preload exposes on window.flotilla: invoke, subscribe, cancel
// (plus the broadcast listener). Nothing else of Electron reaches the renderer.
import type { WireError } from './errors';

export type InvokeReply = { result: unknown } | { error: WireError };
export type StreamMessage = { t: 'event'; event: unknown } | { t: 'error'; error: WireError } | { t: 'end' };

export interface PreloadBridge {
  invoke(id: number, method: string, params: unknown): Promise<InvokeReply>;
  cancel(id: number): void;
  /** returns a dispose function */
  subscribe(id: number, method: string, params: unknown, onMessage: (m: StreamMessage) => void): () => void;
  onBroadcast(cb: (name: string, payload: unknown) => void): () => void;
}

export const IPC = {
  invoke: 'flotilla:invoke',
  cancel: 'flotilla:cancel',
  subscribe: 'flotilla:subscribe',
  dispose: 'flotilla:dispose',
  stream: 'flotilla:stream',
  broadcast: 'flotilla:broadcast',
} as const;
