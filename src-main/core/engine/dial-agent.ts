// An http.Agent whose sockets come from an async dial function (unix socket, TLS socket, SSH channel),
// and which counts every socket it handed out until that socket closes (upgraded exec streams included).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';

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

  /**
   * What util.inspect shows of this agent. docker-modem runs `util.inspect(options, { showHidden: true, depth: null })`
   * on every request's options, which hold this agent, whether or not its debug log is on (docker-modem 5.0.7,
   * lib/modem.js buildRequest). Walked in full, the agent's open sockets and SSH channels lead to the whole ssh2 client:
   * a task listing cost 5.8 ms of CPU with one channel open and 113 ms with ten (measured on the lab), blocking the
   * event loop each time. A one-line summary keeps that walk to nothing.
   */
  [inspect.custom](): string {
    return `DialAgent { open: ${this.live.size}${this.closed ? ', closed' : ''} }`;
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
