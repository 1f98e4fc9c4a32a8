// Turns socket-level failures into messages that name the engine, the cause and the fix.
import { FlotillaError } from '../../api/errors';

export function describeNetError(what: string, err: unknown, timeoutMs: number): FlotillaError {
  if (err instanceof FlotillaError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return new FlotillaError('UNREACHABLE', `${what} refused the connection (nothing listens there): is the Docker engine (or sshd) running and listening on that port?`, { cause: err });
    case 'ENOENT':
      return new FlotillaError('UNREACHABLE', `${what} does not exist: is the Docker engine running?`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new FlotillaError('AUTH', `permission denied on ${what}: add your user to the docker group (then log in again) or run as root`, { cause: err });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new FlotillaError('UNREACHABLE', `${what} is unreachable (${code}): check the address and that the host is up`, { cause: err });
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return new FlotillaError('TIMEOUT', `${what} did not answer within ${Math.round(timeoutMs / 1000)} s: check the address, the host and its firewall`, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new FlotillaError('UNREACHABLE', `cannot resolve the host name of ${what} (${code})`, { cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
      return new FlotillaError('UNREACHABLE', `${what} closed the connection (${code})`, { cause: err });
    default:
      return new FlotillaError('UNREACHABLE', `cannot connect to ${what}: ${msg}`, { cause: err });
  }
}

export function timeoutError(): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error('timed out');
  e.code = 'TIMEOUT';
  return e;
}
