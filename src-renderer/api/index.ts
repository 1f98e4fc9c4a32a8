// The renderer's one way to the core: the preload bridge in Electron, the WebSocket in browser mode.
import type { PreloadBridge } from '../../src-main/api/bridge';
import { createClient, type FlotillaApi } from './client';
import { createBridgeTransport } from './bridge-transport';
import { createWebSocketTransport } from './ws-transport';

declare global {
  interface Window {
    flotilla?: PreloadBridge;
  }
}

export function connectApi(): FlotillaApi {
  if (window.flotilla) return createClient(createBridgeTransport(window.flotilla));
  const token = new URLSearchParams(location.search).get('token');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  return createClient(createWebSocketTransport(ws));
}

export const api: FlotillaApi = connectApi();
export type { FlotillaApi } from './client';
