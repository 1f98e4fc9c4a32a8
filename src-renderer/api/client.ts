// One client for the whole contract, whatever carries it. Outputs and events are validated here
// (the receiving side); errors come back as FlotillaError with their code.
import { contract, broadcasts, type RequestName, type StreamName, type InputOf, type OutputOf, type EventOf, type BroadcastName, type BroadcastPayload } from '../../src-main/api/contract';
import type { AnyDef } from '../../src-main/api/kit';
import { FlotillaError, fromWireError, type WireError } from '../../src-main/api/errors';

export interface StreamSink {
  event(e: unknown): void;
  error(w: WireError): void;
  end(): void;
}

/** What a transport must carry. Ids are chosen by the client. */
export interface Transport {
  readonly kind: 'electron' | 'websocket' | 'in-process';
  invoke(id: number, method: string, params: unknown): Promise<unknown>;
  cancel(id: number): void;
  subscribe(id: number, method: string, params: unknown, sink: StreamSink): void;
  dispose(id: number): void;
  onBroadcast(cb: (name: string, payload: unknown) => void): () => void;
  close?(): void;
}

export interface StreamHandlers<E> {
  onEvent(e: E): void;
  onError?(e: FlotillaError): void;
  onEnd?(): void;
}

export interface FlotillaApi {
  readonly transport: Transport['kind'];
  invoke<M extends RequestName>(method: M, params: InputOf<M>, opts?: { signal?: AbortSignal }): Promise<OutputOf<M>>;
  subscribe<M extends StreamName>(method: M, params: InputOf<M>, handlers: StreamHandlers<EventOf<M>>): () => void;
  onBroadcast<N extends BroadcastName>(name: N, cb: (payload: BroadcastPayload<N>) => void): () => void;
  close(): void;
}

export function createClient(transport: Transport): FlotillaApi {
  let nextId = 1;
  const defs = contract as Record<string, AnyDef>;
  return {
    transport: transport.kind,
    async invoke(method, params, opts) {
      const def = defs[method];
      if (def?.kind !== 'request') throw new FlotillaError('BAD_INPUT', `${String(method)} is not a request in the contract`);
      if (opts?.signal?.aborted) throw new FlotillaError('CANCELLED', `${method} was cancelled`);
      const id = nextId++;
      const onAbort = (): void => transport.cancel(id);
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const raw = await transport.invoke(id, method, params);
        const r = def.output.safeParse(raw);
        if (!r.success) throw new FlotillaError('INTERNAL', `the host answered ${method} with data that does not match the contract: ${r.error.issues[0]?.message ?? ''}`);
        return r.data as OutputOf<typeof method>;
      } finally {
        opts?.signal?.removeEventListener('abort', onAbort);
      }
    },
    subscribe(method, params, handlers) {
      const def = defs[method];
      if (def?.kind !== 'stream') throw new FlotillaError('BAD_INPUT', `${String(method)} is not a stream in the contract`);
      const id = nextId++;
      let live = true;
      transport.subscribe(id, method, params, {
        event: (e) => {
          if (!live) return;
          const r = def.event.safeParse(e);
          if (r.success) handlers.onEvent(r.data as EventOf<typeof method>);
          else handlers.onError?.(new FlotillaError('INTERNAL', `malformed ${method} event: ${r.error.issues[0]?.message ?? ''}`));
        },
        error: (w) => {
          if (!live) return;
          live = false;
          handlers.onError?.(fromWireError(w));
        },
        end: () => {
          if (!live) return;
          live = false;
          handlers.onEnd?.();
        },
      });
      return () => {
        if (!live) return;
        live = false;
        transport.dispose(id);
      };
    },
    onBroadcast(name, cb) {
      return transport.onBroadcast((n, payload) => {
        if (n !== name) return;
        const r = broadcasts[name].safeParse(payload);
        if (r.success) cb(r.data as BroadcastPayload<typeof name>);
      });
    },
    close() {
      transport.close?.();
    },
  };
}

/** Turns host messages into settled invokes and stream callbacks; shared by the message-based transports. */
export class MessageRouter {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private readonly streams = new Map<number, StreamSink>();
  private readonly broadcastListeners = new Set<(name: string, payload: unknown) => void>();

  expectResult(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  addStream(id: number, sink: StreamSink): void {
    this.streams.set(id, sink);
  }
  removeStream(id: number): void {
    this.streams.delete(id);
  }
  onBroadcast(cb: (name: string, payload: unknown) => void): () => void {
    this.broadcastListeners.add(cb);
    return () => this.broadcastListeners.delete(cb);
  }
  /** the transport is gone: everything pending fails */
  failAll(w: WireError): void {
    for (const p of this.pending.values()) p.reject(fromWireError(w));
    this.pending.clear();
    for (const s of this.streams.values()) s.error(w);
    this.streams.clear();
  }
  route(m: unknown): void {
    if (typeof m !== 'object' || m === null) return;
    const msg = m as { t?: unknown; id?: unknown; result?: unknown; error?: unknown; event?: unknown; name?: unknown; payload?: unknown };
    const id = typeof msg.id === 'number' ? msg.id : -1;
    switch (msg.t) {
      case 'result': {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(msg.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          p.reject(fromWireError(msg.error));
          return;
        }
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.error(msg.error as WireError);
        return;
      }
      case 'event':
        this.streams.get(id)?.event(msg.event);
        return;
      case 'end': {
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.end();
        return;
      }
      case 'broadcast':
        if (typeof msg.name === 'string') for (const l of this.broadcastListeners) l(msg.name, msg.payload);
        return;
    }
  }
}
