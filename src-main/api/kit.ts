// The contract kit: a request is input -> output, a stream is input -> events until disposed,
// a broadcast is a named payload pushed to every client. Schemas are zod; the receiving side validates.
import type { z } from 'zod';

export interface RequestDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly input: I;
  readonly output: O;
  /** one line for docs and `flotilla api` listings */
  readonly summary: string;
}

export interface StreamDef<I extends z.ZodType = z.ZodType, E extends z.ZodType = z.ZodType> {
  readonly kind: 'stream';
  readonly input: I;
  readonly event: E;
  readonly summary: string;
}

export function request<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): RequestDef<I, O> {
  return { kind: 'request', input, output, summary };
}

export function stream<I extends z.ZodType, E extends z.ZodType>(summary: string, input: I, event: E): StreamDef<I, E> {
  return { kind: 'stream', input, event, summary };
}

export type AnyDef = RequestDef | StreamDef;
export type ContractShape = Record<string, AnyDef>;
