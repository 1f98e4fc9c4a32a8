// Errors cross every transport as {code, message} and are rebuilt as FlotillaError on the other side.
import { z } from 'zod';

export const ErrorCodes = [
  'BAD_INPUT', // the request did not match the contract schema, or a value is invalid
  'NOT_FOUND', // no such node, service, machine, stack...
  'CONFLICT', // already exists, name taken, swarm already initialised...
  'UNREACHABLE', // engine or host cannot be reached
  'AUTH', // token, key, certificate or host key problem
  'PRECONDITION', // the operation is refused in the current state (last manager, not a manager...)
  'CANCELLED',
  'TIMEOUT',
  'UNSUPPORTED', // not available on this machine (hypervisor missing, no Electron...)
  'ENGINE', // the Docker engine answered with an error
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export const WireError = z.object({ code: z.enum(ErrorCodes), message: z.string() });
export type WireError = z.infer<typeof WireError>;

export class FlotillaError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlotillaError';
    this.code = code;
  }
}

export function isFlotillaError(e: unknown): e is FlotillaError {
  return e instanceof FlotillaError;
}

/** Turn anything thrown into the wire shape; unknown errors keep their message but never their stack. */
export function toWireError(e: unknown): WireError {
  if (e instanceof FlotillaError) return { code: e.code, message: e.message };
  if (e instanceof Error && e.name === 'AbortError') return { code: 'CANCELLED', message: 'the operation was cancelled' };
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message };
  return { code: 'INTERNAL', message: String(e) };
}

export function fromWireError(w: unknown): FlotillaError {
  const parsed = WireError.safeParse(w);
  if (parsed.success) return new FlotillaError(parsed.data.code, parsed.data.message);
  return new FlotillaError('INTERNAL', 'malformed error from the other side');
}
