// Serves the contract to one connection at a time, whatever carries the messages (WebSocket, Electron IPC).
// Inputs are validated here with the contract's zod schemas; outputs are validated by the client.
import { ClientMessage, type HostMessage } from '../api/protocol';
import { contract, broadcasts, type BroadcastName, type BroadcastPayload } from '../api/contract';
import type { AnyDef } from '../api/kit';
import { FlotillaError, toWireError } from '../api/errors';
import type { CallContext, CallNotes } from './types';
import { log } from '../core/log';

type AnyRequestHandler = (input: unknown, ctx: CallContext) => Promise<unknown>;
type AnyStreamHandler = (input: unknown, emit: (e: unknown) => void, ctx: CallContext) => Promise<void>;
export type AnyHandlers = Record<string, AnyRequestHandler | AnyStreamHandler>;

export interface Connection {
  /** feed one raw message from the client */
  receive(raw: unknown): void;
  /** the client went away: cancel everything it started */
  close(): void;
  /** number of invokes and streams still running (tests count these) */
  readonly open: number;
}

export class Dispatcher {
  private readonly connections = new Set<(m: HostMessage) => void>();

  constructor(private readonly handlers: AnyHandlers) {
    for (const name of Object.keys(contract)) {
      if (!Object.hasOwn(handlers, name)) throw new Error(`contract method ${name} has no handler`);
    }
  }

  broadcast<N extends BroadcastName>(name: N, payload: BroadcastPayload<N>): void {
    const checked = broadcasts[name].parse(payload);
    for (const send of this.connections) send({ t: 'broadcast', name, payload: checked });
  }

  /**
   * Calls a request in-process, with the same input validation as a transport: every transport's invoke comes
   * through here, and so do in-process callers (the CLI through host/local.ts, and the integration tests). The
   * output is the handler's own (a transport's client validates outputs; an in-process caller gets them as they are).
   */
  async call(method: string, params: unknown, signal?: AbortSignal, notes?: CallNotes): Promise<unknown> {
    const def = this.def(method, 'request');
    const input = parseInput(def, params, method);
    const handler = this.handlers[method] as AnyRequestHandler;
    return handler(input, { signal: signal ?? new AbortController().signal, notes });
  }

  /** Runs a stream in-process until it ends or the signal aborts; events come as the handler emits them. */
  async subscribe(method: string, params: unknown, onEvent: (e: unknown) => void, signal?: AbortSignal, notes?: CallNotes): Promise<void> {
    const def = this.def(method, 'stream');
    const input = parseInput(def, params, method);
    const handler = this.handlers[method] as AnyStreamHandler;
    await handler(input, onEvent, { signal: signal ?? new AbortController().signal, notes });
  }

  connect(send: (m: HostMessage) => void): Connection {
    const running = new Map<number, AbortController>();
    let closed = false;
    const safeSend = (m: HostMessage): void => {
      if (!closed) send(m);
    };
    this.connections.add(safeSend);

    const startInvoke = (id: number, method: string, params: unknown): void => {
      const ac = new AbortController();
      running.set(id, ac);
      void (async () => {
        try {
          const result = await this.call(method, params, ac.signal);
          if (ac.signal.aborted) throw new FlotillaError('CANCELLED', `${method} was cancelled`);
          safeSend({ t: 'result', id, result });
        } catch (e) {
          safeSend({ t: 'error', id, error: ac.signal.aborted ? { code: 'CANCELLED', message: `${method} was cancelled` } : toWireError(e) });
          if (!(e instanceof FlotillaError)) log.debug(`${method} failed: ${(e as Error)?.stack ?? String(e)}`);
        } finally {
          running.delete(id);
        }
      })();
    };

    const startStream = (id: number, method: string, params: unknown): void => {
      const ac = new AbortController();
      running.set(id, ac);
      void (async () => {
        try {
          const def = this.def(method, 'stream');
          const input = parseInput(def, params, method);
          const handler = this.handlers[method] as AnyStreamHandler;
          const eventSchema = def.kind === 'stream' ? def.event : undefined;
          await handler(
            input,
            (event) => {
              if (ac.signal.aborted) return;
              safeSend({ t: 'event', id, event: eventSchema ? eventSchema.parse(event) : event });
            },
            { signal: ac.signal },
          );
          if (!ac.signal.aborted) safeSend({ t: 'end', id });
        } catch (e) {
          if (!ac.signal.aborted) safeSend({ t: 'error', id, error: toWireError(e) });
        } finally {
          running.delete(id);
        }
      })();
    };

    return {
      receive: (raw: unknown) => {
        const parsed = ClientMessage.safeParse(raw);
        if (!parsed.success) {
          const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
          if (id >= 0) safeSend({ t: 'error', id, error: { code: 'BAD_INPUT', message: 'malformed message: ' + parsed.error.issues.map((i) => i.message).join('; ') } });
          return;
        }
        const m = parsed.data;
        switch (m.t) {
          case 'invoke':
            if (running.has(m.id)) return safeSend({ t: 'error', id: m.id, error: { code: 'BAD_INPUT', message: `id ${m.id} is already in use` } });
            return startInvoke(m.id, m.method, m.params);
          case 'subscribe':
            if (running.has(m.id)) return safeSend({ t: 'error', id: m.id, error: { code: 'BAD_INPUT', message: `id ${m.id} is already in use` } });
            return startStream(m.id, m.method, m.params);
          case 'cancel':
          case 'dispose':
            running.get(m.id)?.abort();
            running.delete(m.id);
            return;
        }
      },
      close: () => {
        closed = true;
        this.connections.delete(safeSend);
        for (const ac of running.values()) ac.abort();
        running.clear();
      },
      get open() {
        return running.size;
      },
    };
  }

  private def(method: string, kind: 'request' | 'stream'): AnyDef {
    const def = Object.hasOwn(contract, method) ? (contract as Record<string, AnyDef>)[method] : undefined;
    if (!def) throw new FlotillaError('NOT_FOUND', `unknown method ${method}: see the contract in src-main/api`);
    if (def.kind !== kind) throw new FlotillaError('BAD_INPUT', `${method} is a ${def.kind}, not a ${kind}; use ${def.kind === 'stream' ? 'subscribe' : 'invoke'}`);
    return def;
  }
}

function parseInput(def: AnyDef, params: unknown, method: string): unknown {
  const r = def.input.safeParse(params ?? {});
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
    throw new FlotillaError('BAD_INPUT', `invalid input for ${method}: ${detail}`);
  }
  return r.data;
}
