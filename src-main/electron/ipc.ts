// The contract onto Electron IPC: ipcMain.handle for invokes, send/on for streams and broadcasts.
// Written against small interfaces (not the electron module) so the contract test suite can drive it
// with an in-process stand-in; main.ts passes the real ipcMain. Every message is first checked against the
// trusted frame (trust.ts isTrustedFrame): a message from any other page, or with no frame, is refused.
import { IPC, type InvokeReply } from '../api/bridge';
import type { HostMessage } from '../api/protocol';
import type { Dispatcher, Connection } from '../host/dispatcher';
import type { FrameLike } from './trust';

export interface SenderLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', cb: () => void): void;
}
export interface IpcEventLike {
  readonly sender: SenderLike;
  /** Electron's frame of the sender (null once it navigated away or was destroyed); checked so only our own page may call */
  readonly senderFrame: FrameLike | null;
}
export interface IpcMainLike {
  handle(channel: string, fn: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  on(channel: string, fn: (event: IpcEventLike, ...args: unknown[]) => void): void;
}

type Session = { conn: Connection; pending: Map<number, (r: InvokeReply) => void> };

/** what is said when a message is refused (main.ts logs it; tests record it) */
export type IpcRefusal = (why: string) => void;

export function registerContractIpc(
  ipcMain: IpcMainLike,
  dispatcher: Dispatcher,
  isTrustedFrame: (frame: FrameLike | null) => boolean,
  refused: IpcRefusal = (why) => console.warn(why),
): { openCount(): number } {
  const perSender = new Map<number, Session>();

  const refusal = (event: IpcEventLike): string | undefined => {
    if (isTrustedFrame(event.senderFrame)) return undefined;
    const from = event.senderFrame ? event.senderFrame.url : 'a frame that no longer exists';
    return `IPC from ${from} was refused: only Flotilla's own page may use the contract`;
  };

  /** the sender's session, or undefined (and the refusal said) when the sender is not trusted */
  const sessionOf = (event: IpcEventLike): Session | undefined => {
    const why = refusal(event);
    if (why) {
      refused(why);
      return undefined;
    }
    let s = perSender.get(event.sender.id);
    if (s) return s;
    const pending = new Map<number, (r: InvokeReply) => void>();
    const sender = event.sender;
    const conn = dispatcher.connect((m: HostMessage) => {
      if (m.t === 'result' || m.t === 'error') {
        const settle = pending.get(m.id);
        if (settle) {
          pending.delete(m.id);
          settle(m.t === 'result' ? { result: m.result } : { error: m.error });
          return;
        }
      }
      if (m.t === 'broadcast') sender.send(IPC.broadcast, m.name, m.payload);
      else if (m.t === 'event') sender.send(IPC.stream, m.id, { t: 'event', event: m.event });
      else if (m.t === 'error') sender.send(IPC.stream, m.id, { t: 'error', error: m.error });
      else if (m.t === 'end') sender.send(IPC.stream, m.id, { t: 'end' });
    });
    s = { conn, pending };
    perSender.set(sender.id, s);
    sender.once('destroyed', () => {
      conn.close();
      perSender.delete(sender.id);
    });
    return s;
  };

  ipcMain.handle(IPC.invoke, (event, id, method, params) => {
    const s = sessionOf(event);
    if (!s) return Promise.resolve<InvokeReply>({ error: { code: 'AUTH', message: refusal(event) ?? 'refused' } });
    return new Promise<InvokeReply>((resolve) => {
      if (typeof id !== 'number') return resolve({ error: { code: 'BAD_INPUT', message: 'invoke needs a numeric id' } });
      s.pending.set(id, resolve);
      s.conn.receive({ t: 'invoke', id, method, params });
    });
  });
  // send/on messages have no reply: a refused one is dropped (throwing here would be an uncaught main-process error)
  ipcMain.on(IPC.cancel, (event, id) => sessionOf(event)?.conn.receive({ t: 'cancel', id }));
  ipcMain.on(IPC.subscribe, (event, id, method, params) => sessionOf(event)?.conn.receive({ t: 'subscribe', id, method, params }));
  ipcMain.on(IPC.dispose, (event, id) => sessionOf(event)?.conn.receive({ t: 'dispose', id }));

  return { openCount: () => [...perSender.values()].reduce((n, s) => n + s.conn.open, 0) };
}
