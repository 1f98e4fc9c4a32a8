// An http.Agent whose sockets come from an async dial function (unix socket, TLS socket, SSH channel),
// and which counts every socket it handed out until that socket closes (upgraded exec streams included).
import http from 'node:http';
import type { Duplex } from 'node:stream';

export type Dial = () => Promise<Duplex>;

export class DialAgent extends http.Agent {
  private readonly live = new Set<Duplex>();
  private closed = false;

  constructor(private readonly dial: Dial) {
    // a fresh socket or channel per request: nothing idles, so a finished request leaves nothing open
    super({ keepAlive: false });
  }

  override createConnection(_options: unknown, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const cb = callback as (err: Error | null, stream?: Duplex) => void;
    if (this.closed) {
      process.nextTick(() => cb(new Error('the engine connection was closed')));
      return undefined;
    }
    this.dial().then(
      (s) => {
        this.live.add(s);
        s.once('close', () => this.live.delete(s));
        if (this.closed) s.destroy();
        cb(null, s);
      },
      (err: Error) => cb(err),
    );
    return undefined;
  }

  /** sockets or channels open right now */
  openCount(): number {
    return this.live.size;
  }

  /** destroys every open socket and refuses new requests */
  close(): void {
    this.closed = true;
    for (const s of this.live) s.destroy();
    super.destroy();
  }
}
