// The renderer's one way to the core: the preload bridge in Electron, the WebSocket in browser mode.
import type { PreloadBridge } from '../../src-main/api/bridge';
import { createClient, type FlotillaApi } from './client';
import { createBridgeTransport } from './bridge-transport';
import { createWebSocketTransport, type WebSocketLike } from './ws-transport';
import { takeToken, tokenProtocols } from './token';

declare global {
  interface Window {
    flotilla?: PreloadBridge;
  }
}

export function connectApi(): FlotillaApi {
  if (window.flotilla) return createClient(createBridgeTransport(window.flotilla));
  const token = takeToken({ href: location.href, storage: sessionStorage, replaceUrl: (u) => history.replaceState(history.state, '', u) });
  const protocols = token === undefined ? undefined : tokenProtocols(token);
  if (!protocols) return createClient(createWebSocketTransport(closedSocket()));
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createClient(createWebSocketTransport(new WebSocket(`${proto}//${location.host}/ws`, protocols)));
}

/** A page opened without its token never connects: every call fails with the transport's "never connected" error. */
function closedSocket(): WebSocketLike {
  const closeHandlers: Array<() => void> = [];
  queueMicrotask(() => closeHandlers.forEach((cb) => cb()));
  const addEventListener = (type: string, cb: (ev: { data: unknown }) => void): void => {
    if (type === 'close') closeHandlers.push(() => cb({ data: undefined }));
  };
  return { readyState: 3, send: () => undefined, close: () => undefined, addEventListener };
}

export const api: FlotillaApi = connectApi();
export type { FlotillaApi } from './client';
