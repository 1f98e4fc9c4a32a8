// tcp://host:2376 with a CA, a client certificate and its key. Always verified: the engine's certificate must
// chain to the given CA and name the host (IP SAN for addresses).
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { FlotillaError } from '../../api/errors';
import type { TlsFiles } from './types';
import { describeNetError, timeoutError } from './net-errors';

const FLAG: Record<keyof TlsFiles, string> = { ca: '--tlscacert', cert: '--tlscert', key: '--tlskey' };

function readPem(kind: keyof TlsFiles, file: string, url: string): Buffer {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FlotillaError('BAD_INPUT', `the TLS file ${file} (${FLAG[kind]}) for ${url} does not exist: pass the right path with ${FLAG[kind]}`);
    throw new FlotillaError('BAD_INPUT', `cannot read the TLS file ${file} (${FLAG[kind]}) for ${url}: ${(e as Error).message}`);
  }
  if (!data.includes('-----BEGIN ')) throw new FlotillaError('BAD_INPUT', `${file} (${FLAG[kind]}) is not a PEM file`);
  return data;
}

/** Reads and checks the three files; the result is a ready secure context. */
export function loadTlsContext(files: TlsFiles, url: string): tls.SecureContext {
  const ca = readPem('ca', files.ca, url);
  const cert = readPem('cert', files.cert, url);
  const key = readPem('key', files.key, url);
  try {
    return tls.createSecureContext({ ca, cert, key });
  } catch (e) {
    const msg = (e as Error).message;
    if (/key values mismatch/i.test(msg)) throw new FlotillaError('BAD_INPUT', `the client key ${files.key} does not belong to the client certificate ${files.cert}`);
    throw new FlotillaError('BAD_INPUT', `the TLS files for ${url} (${files.ca}, ${files.cert}, ${files.key}) are not usable: ${msg}`);
  }
}

function describeTlsError(url: string, files: TlsFiles, err: NodeJS.ErrnoException, timeoutMs: number): FlotillaError {
  const code = err.code ?? '';
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE'].includes(code))
    return new FlotillaError('AUTH', `the engine at ${url} presented a certificate that is not signed by the CA in ${files.ca} (${code}): pass the CA that signed the engine's certificate with --tlscacert`, { cause: err });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new FlotillaError('AUTH', `the engine's certificate does not name the host of ${url} (${err.message}): connect by a name or IP in its subjectAltName, or reissue the certificate`, { cause: err });
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return new FlotillaError('AUTH', `the engine's certificate at ${url} is not valid now (${code}): renew it`, { cause: err });
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|ACCESS_DENIED|DECRYPT_ERROR)/.test(code) || /alert (bad certificate|unknown ca|certificate required)/i.test(err.message))
    return new FlotillaError('AUTH', `the engine at ${url} rejected the client certificate ${files.cert} (${code || err.message}): use a client certificate signed by the CA the engine trusts (its --tlscacert)`, { cause: err });
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(err.message))
    return new FlotillaError('UNREACHABLE', `${url} does not speak TLS: is it the engine's plain port (2375)? Use the TLS port (2376) or drop the TLS flags`, { cause: err });
  return describeNetError(url, err, timeoutMs);
}

/** Opens one verified TLS socket; resolves once the handshake succeeded. */
export function dialTls(host: string, port: number, url: string, files: TlsFiles, secureContext: tls.SecureContext, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host, port, secureContext, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: true });
    const timer = setTimeout(() => s.destroy(timeoutError()), timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.removeListener('error', onError);
      resolve(s);
    });
    const onError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      s.destroy();
      reject(describeTlsError(url, files, err, timeoutMs));
    };
    s.once('error', onError);
  });
}

/**
 * EngineConnection.reach for TLS: one handshake, then the socket ends with no request. A completed handshake is what
 * proves dockerd itself alive (a frozen machine's kernel still accepts TCP; only dockerd's Go runtime does TLS), and a
 * connection ended after it is not logged by dockerd (an unfinished handshake is: "http: TLS handshake error ... EOF").
 * The engine's TLS 1.3 session ticket is kept and offered on the next one, so later handshakes are resumed (no
 * certificate signature or check on either side). Certificates are verified as for every request.
 */
export function tlsReacher(host: string, port: number, secureContext: tls.SecureContext, seen?: (h: { resumed: boolean }) => void): (signal: AbortSignal) => Promise<boolean> {
  let session: Buffer | undefined;
  return (signal) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return reject(timeoutError());
      const s = tls.connect({ host, port, secureContext, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: true, session });
      s.on('session', (t: Buffer) => void (session = t));
      const onAbort = (): void => {
        s.destroy();
        reject(timeoutError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('secureConnect', () => {
        signal.removeEventListener('abort', onAbort);
        seen?.({ resumed: s.isSessionReused() });
        s.end(); // close_notify and FIN; a ticket sent meanwhile is still read
        s.setTimeout(2_000, () => s.destroy());
        resolve(true);
      });
      s.on('error', (err: Error) => {
        signal.removeEventListener('abort', onAbort);
        if (!s.destroyed) s.destroy();
        reject(err);
      });
    });
}

/** EngineConnection.reach for a plain TCP engine: a connect, then the socket ends with no request. */
export function tcpReacher(host: string, port: number): (signal: AbortSignal) => Promise<boolean> {
  return (signal) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return reject(timeoutError());
      const s = net.connect({ host, port });
      const onAbort = (): void => {
        s.destroy();
        reject(timeoutError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        s.end();
        resolve(true);
      });
      s.on('error', (err: Error) => {
        signal.removeEventListener('abort', onAbort);
        s.destroy();
        reject(err);
      });
    });
}

/** One plain socket (unix, npipe, or tcp without TLS); resolves once connected. */
export function dialPlain(connectOpts: net.NetConnectOpts, what: string, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = net.connect(connectOpts);
    const timer = setTimeout(() => s.destroy(timeoutError()), timeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(describeNetError(what, err, timeoutMs));
    };
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeListener('error', onError);
      resolve(s);
    });
    s.once('error', onError);
  });
}

/**
 * Errors that only show once a request runs: with TLS 1.3 the engine rejects a client certificate after the
 * handshake, and a plain-HTTP request to a TLS port gets a 400. Anything else is returned unchanged.
 */
export function describeRequestError(url: string, tlsFiles: TlsFiles | undefined, err: unknown): unknown {
  if (err instanceof FlotillaError || !(err instanceof Error)) return err;
  const msg = err.message;
  if (tlsFiles && /alert (bad certificate|unknown ca|certificate required|certificate unknown|access denied)/i.test(msg))
    return new FlotillaError('AUTH', `the engine at ${url} rejected the client certificate ${tlsFiles.cert} (${/alert [a-z ]+/i.exec(msg)?.[0] ?? msg}): use a client certificate signed by the CA the engine trusts (its --tlscacert)`, { cause: err });
  if (!tlsFiles && /Client sent an HTTP request to an HTTPS server/i.test(msg))
    return new FlotillaError('AUTH', `${url} expects TLS: pass --tlscacert, --tlscert and --tlskey (or set DOCKER_CERT_PATH and DOCKER_TLS_VERIFY=1)`, { cause: err });
  return err;
}
