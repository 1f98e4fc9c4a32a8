import type { z } from 'zod';
import type { RequestDef, StreamDef, ContractShape } from '../api/kit';

export interface CallContext {
  /** aborted when the caller cancels (invoke) or disposes (stream), or the connection closes */
  readonly signal: AbortSignal;
  /**
   * Lines for a caller in the same process (the CLI prints them to stderr): the steps of a multi-step request and
   * warnings its result does not carry. Transports leave it unset; nothing here is secret.
   */
  readonly notes?: CallNotes;
}

export interface CallNotes {
  step?(line: string): void;
  warning?(line: string): void;
}

export type RequestHandler<D extends RequestDef> = (input: z.output<D['input']>, ctx: CallContext) => Promise<z.input<D['output']>>;

/** A stream handler emits events until ctx.signal aborts; returning ends the stream, throwing errors it. */
export type StreamHandler<D extends StreamDef> = (
  input: z.output<D['input']>,
  emit: (event: z.input<D['event']>) => void,
  ctx: CallContext,
) => Promise<void>;

export type HandlersFor<C extends ContractShape> = {
  [K in keyof C]: C[K] extends RequestDef ? RequestHandler<C[K]> : C[K] extends StreamDef ? StreamHandler<C[K]> : never;
};
