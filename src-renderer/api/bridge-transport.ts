// Electron: the contract through the preload's bridge (window.flotilla), never raw ipcRenderer.
import type { PreloadBridge } from '../../src-main/api/bridge';
import { fromWireError } from '../../src-main/api/errors';
import type { Transport } from './client';

export function createBridgeTransport(bridge: PreloadBridge): Transport {
  const disposers = new Map<number, () => void>();
  return {
    kind: 'electron',
    async invoke(id, method, params) {
      const r = await bridge.invoke(id, method, params);
      if ('error' in r) throw fromWireError(r.error);
      return r.result;
    },
    cancel(id) {
      bridge.cancel(id);
    },
    subscribe(id, method, params, sink) {
      const dispose = bridge.subscribe(id, method, params, (m) => {
        if (m.t === 'event') sink.event(m.event);
        else if (m.t === 'error') {
          disposers.delete(id);
          sink.error(m.error);
        } else if (m.t === 'end') {
          disposers.delete(id);
          sink.end();
        }
      });
      disposers.set(id, dispose);
    },
    dispose(id) {
      disposers.get(id)?.();
      disposers.delete(id);
    },
    onBroadcast(cb) {
      return bridge.onBroadcast(cb);
    },
  };
}
