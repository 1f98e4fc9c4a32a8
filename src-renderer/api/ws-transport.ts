// Browser mode: the contract over one WebSocket to `flotilla serve`, authenticated by the page's token.
import { MessageRouter, type Transport, type StreamSink } from './client';

/** The subset of the WebSocket API we use: the browser's, or the `ws` package's in tests. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', cb: () => void): void;
  addEventListener(type: 'message', cb: (ev: { data: unknown }) => void): void;
}

export function createWebSocketTransport(ws: WebSocketLike): Transport {
  const router = new MessageRouter();
  const queue: string[] = [];
  const OPEN = 1;
  const send = (m: object): void => {
    const s = JSON.stringify(m);
    if (ws.readyState === OPEN) ws.send(s);
    else queue.push(s);
  };
  ws.addEventListener('open', () => {
    for (const s of queue.splice(0)) ws.send(s);
  });
  ws.addEventListener('message', (ev: { data: unknown }) => {
    try {
      router.route(JSON.parse(String(ev.data)));
    } catch {
      /* a frame that is not JSON is ignored */
    }
  });
  ws.addEventListener('close', () => router.failAll({ code: 'UNREACHABLE', message: 'the connection to Flotilla closed; reload the page or restart `flotilla serve`' }));
  return {
    kind: 'websocket',
    invoke(id, method, params) {
      const p = router.expectResult(id);
      send({ t: 'invoke', id, method, params });
      return p;
    },
    cancel(id) {
      send({ t: 'cancel', id });
    },
    subscribe(id, method, params, sink: StreamSink) {
      router.addStream(id, sink);
      send({ t: 'subscribe', id, method, params });
    },
    dispose(id) {
      router.removeStream(id);
      send({ t: 'dispose', id });
    },
    onBroadcast: (cb) => router.onBroadcast(cb),
    close: () => ws.close(),
  };
}
