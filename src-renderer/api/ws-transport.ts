// Browser mode: the contract over one WebSocket to `flotilla serve`, authenticated by the page's token.
import { MessageRouter, type Transport, type StreamSink } from './client';
import type { WireError } from '../../src-main/api/errors';

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
  let opened = false;
  /** set once the socket closed: later calls fail with it at once instead of waiting forever */
  let gone: WireError | undefined;
  const send = (m: object): void => {
    const s = JSON.stringify(m);
    if (ws.readyState === OPEN) ws.send(s);
    else if (!gone) queue.push(s);
  };
  ws.addEventListener('open', () => {
    opened = true;
    for (const s of queue.splice(0)) ws.send(s);
  });
  ws.addEventListener('message', (ev: { data: unknown }) => {
    try {
      router.route(JSON.parse(String(ev.data)));
    } catch {
      /* a frame that is not JSON is ignored */
    }
  });
  ws.addEventListener('close', () => {
    // a refused upgrade (wrong or missing token, foreign origin) looks like a close before open to the page
    gone = opened
      ? { code: 'UNREACHABLE', message: 'the connection to Flotilla closed; reload the page or restart `flotilla serve`' }
      : { code: 'UNREACHABLE', message: 'could not connect to Flotilla: open the URL that `flotilla serve` printed (it ends in ?token=...), or start it again' };
    queue.length = 0;
    router.failAll(gone);
  });
  return {
    kind: 'websocket',
    invoke(id, method, params) {
      const p = router.expectResult(id);
      if (gone) router.failAll(gone);
      send({ t: 'invoke', id, method, params });
      return p;
    },
    cancel(id) {
      send({ t: 'cancel', id });
    },
    subscribe(id, method, params, sink: StreamSink) {
      router.addStream(id, sink);
      if (gone) router.failAll(gone);
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
