// Plain-words errors for swarm operations: each names the thing, the cause and the fix.
import { FlotillaError } from '../../api/errors';

export const noSuchNode = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such node: ${x}`);
export const noSuchService = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such service: ${x}`);
export const noSuchTask = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such task: ${x}`);
export const noSuchSecret = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such secret: ${x}`);
export const noSuchConfig = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such config: ${x}`);
export const noSuchNetwork = (x: string): FlotillaError => new FlotillaError('NOT_FOUND', `no such network: ${x}`);
export const notManager = (node: string): FlotillaError =>
  new FlotillaError('PRECONDITION', `node ${node} is not a swarm manager: promote it or connect to a manager`);
export const badReplicas = (v: string | number): FlotillaError =>
  new FlotillaError('BAD_INPUT', `invalid replicas "${v}": expected a whole number from 0 upwards`);
export const lastManager = (node: string): FlotillaError =>
  new FlotillaError('PRECONDITION', `node ${node} is the last manager: demoting it would leave the swarm without managers; promote another node first`);

interface EngineHttpError {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
  code?: string;
}

/** The engine's own message, without dockerode's "(HTTP code 404) no such container - " prefix. */
export function engineMessage(e: unknown): string {
  const err = e as EngineHttpError;
  const m = err?.json?.message ?? err?.message ?? String(e);
  return String(m).replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}

export function statusOf(e: unknown): number | undefined {
  return (e as EngineHttpError)?.statusCode;
}

/** Turn a dockerode error into a FlotillaError with words; `what` names the object ("node x"). */
export function wrapEngineError(e: unknown, what?: { kind: 'node' | 'service' | 'task' | 'secret' | 'config' | 'network' | 'volume' | 'container'; ref: string }): FlotillaError {
  if (e instanceof FlotillaError) return e;
  const status = statusOf(e);
  const msg = engineMessage(e);
  if (status === 404 && what) return new FlotillaError('NOT_FOUND', `no such ${what.kind}: ${what.ref}`);
  if (status === 503 && /not a swarm manager|not part of a swarm/i.test(msg)) {
    if (/not part of a swarm/i.test(msg)) return new FlotillaError('PRECONDITION', `this engine is not part of a swarm: run \`flotilla swarm init\` or \`flotilla swarm join\` first`);
    return new FlotillaError('PRECONDITION', `this engine is not a swarm manager: promote it or connect to a manager`);
  }
  const code = (e as EngineHttpError)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ECONNRESET')
    return new FlotillaError('UNREACHABLE', `the engine cannot be reached (${code}): check that dockerd runs and the address is right`);
  if (status === 409) return new FlotillaError('CONFLICT', msg);
  if (status === 400) return new FlotillaError('BAD_INPUT', msg);
  if (status === 404) return new FlotillaError('NOT_FOUND', msg);
  return new FlotillaError('ENGINE', msg, { cause: e });
}

/** Runs an engine call and rewrites its error in plain words. */
export async function engineCall<T>(fn: () => Promise<T>, what?: Parameters<typeof wrapEngineError>[1]): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw wrapEngineError(e, what);
  }
}
