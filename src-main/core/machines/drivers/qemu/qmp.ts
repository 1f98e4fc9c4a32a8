// A small QMP client: JSON lines over QEMU's unix socket (-qmp unix:PATH,server=on,wait=off).
// Hand-written on purpose: the protocol is three messages (greeting, qmp_capabilities, execute) and the
// npm packages for it (qemu-qmp, node-qmp, ...) are unmaintained, callback-based or pull in a whole
// VM manager; 100 lines of node:net are easier to audit and to test against a fake socket server.
import net from 'node:net';
import { FlotillaError } from '../../../../api/errors';

export interface QmpStatus {
  running: boolean;
  /** QEMU RunState: running, paused, shutdown, prelaunch, inmigrate, suspended, ... */
  status: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Msg = { [k: string]: Json };

export class QmpClient {
  private sock: net.Socket;
  private buf = '';
  private waiters: Array<{ resolve: (m: Msg) => void; reject: (e: Error) => void }> = [];
  private closedError: Error | undefined;
  /** asynchronous events seen so far (SHUTDOWN, POWERDOWN, ...) */
  readonly events: Msg[] = [];

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.onData(d));
    const fail = (e: Error): void => {
      this.closedError ??= e;
      for (const w of this.waiters.splice(0)) w.reject(e);
    };
    sock.on('error', (e) => fail(e));
    sock.on('close', () => fail(new Error('QMP connection closed')));
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  static async connect(socketPath: string, timeoutMs = 5000): Promise<QmpClient> {
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.createConnection(socketPath);
      const t = setTimeout(() => {
        s.destroy();
        reject(new FlotillaError('TIMEOUT', `QMP socket ${socketPath} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(t);
        reject(new FlotillaError('UNREACHABLE', `cannot connect to QMP socket ${socketPath}: ${e.message}`));
      });
    });
    const c = new QmpClient(sock);
    try {
      const greeting = await c.next(timeoutMs);
      if (!('QMP' in greeting)) throw new FlotillaError('INTERNAL', `unexpected QMP greeting: ${JSON.stringify(greeting).slice(0, 200)}`);
      await c.execute('qmp_capabilities', undefined, timeoutMs);
      return c;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (!line) continue;
      let msg: Msg;
      try {
        msg = JSON.parse(line) as Msg;
      } catch {
        continue;
      }
      if ('event' in msg) {
        this.events.push(msg);
        continue;
      }
      this.waiters.shift()?.resolve(msg);
    }
  }

  private next(timeoutMs: number): Promise<Msg> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<Msg>((resolve, reject) => {
      const t = setTimeout(() => {
        const idx = this.waiters.indexOf(w);
        if (idx >= 0) this.waiters.splice(idx, 1);
        reject(new FlotillaError('TIMEOUT', `QMP did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = {
        resolve: (m: Msg) => {
          clearTimeout(t);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(t);
          reject(e);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Runs one command and returns its `return` value; a QMP `error` becomes a FlotillaError. */
  async execute(command: string, args?: Msg, timeoutMs = 5000): Promise<Json> {
    const reply = this.next(timeoutMs);
    this.sock.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    const msg = await reply;
    if ('error' in msg) {
      const err = msg.error as { class?: string; desc?: string } | null;
      throw new FlotillaError('INTERNAL', `QMP ${command} failed: ${err?.desc ?? JSON.stringify(err)}`);
    }
    return msg.return ?? null;
  }

  async queryStatus(timeoutMs = 5000): Promise<QmpStatus> {
    const r = (await this.execute('query-status', undefined, timeoutMs)) as { running?: boolean; status?: string } | null;
    return { running: Boolean(r?.running), status: String(r?.status ?? 'unknown') };
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Connect, run fn, always close. */
export async function withQmp<T>(socketPath: string, fn: (c: QmpClient) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const c = await QmpClient.connect(socketPath, timeoutMs);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
