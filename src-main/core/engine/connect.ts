// connectEngine: one EngineConnection (a dockerode client) over a unix socket / named pipe, verified TLS, or SSH.
// Every transport plugs in as the dial function of a DialAgent, so dockerode always speaks plain HTTP over
// a stream we opened, and openChannels() counts exactly the streams still open.
import Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';
import { defaultKnownHostsFile } from '../known-hosts';
import type { ConnectOptions, EngineConnection, EngineTarget } from './types';
import { DialAgent, type Dial } from './dial-agent';
import { describeRequestError, dialPlain, dialTls, loadTlsContext, tcpReacher, tlsReacher } from './tls';
import { acquireTunnel, releaseTunnel } from './ssh';
import { DEFAULT_UNIX_SOCKET, targetToUrl } from './url';
import { REQUEST_TIMEOUT_MS, withRequestTimeouts, type DialOptions } from './request-timeout';

export const DEFAULT_TIMEOUT_MS = 10_000;

export { defaultKnownHostsFile } from '../known-hosts';

function pipePath(p: string): string {
  return process.platform === 'win32' ? p.replace(/\//g, '\\') : p;
}

export async function connectEngine(target: EngineTarget, opts: ConnectOptions = {}): Promise<EngineConnection> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = targetToUrl(target);
  if (opts.signal?.aborted) throw new FlotillaError('CANCELLED', `connecting to ${url} was cancelled`);
  let dial: Dial;
  let reach: EngineConnection['reach'];
  let release = (): void => undefined;
  switch (target.kind) {
    case 'unix':
      dial = () => dialPlain({ path: target.socketPath }, `the Docker socket ${target.socketPath}`, timeoutMs);
      break;
    case 'npipe':
      dial = () => dialPlain({ path: pipePath(target.pipePath) }, `the Docker pipe ${target.pipePath}`, timeoutMs);
      break;
    case 'tcp':
      if (target.tls) {
        const files = target.tls;
        const ctx = loadTlsContext(files, url);
        dial = () => dialTls(target.host, target.port, url, files, ctx, timeoutMs);
        reach = tlsReacher(target.host, target.port, ctx);
      } else {
        dial = () => dialPlain({ host: target.host, port: target.port }, url, timeoutMs);
        reach = tcpReacher(target.host, target.port);
      }
      break;
    case 'ssh': {
      const tunnel = acquireTunnel({
        user: target.user,
        host: target.host,
        port: target.port,
        identityFile: target.identityFile,
        socketPath: target.socketPath ?? DEFAULT_UNIX_SOCKET,
        knownHostsFile: target.knownHostsFile ?? opts.knownHostsFile ?? defaultKnownHostsFile(),
        timeoutMs,
        keepaliveMs: opts.sshKeepaliveMs,
      });
      try {
        await tunnel.connect(); // fail early: host key, auth and reachability errors surface here
      } catch (e) {
        releaseTunnel(tunnel);
        throw e;
      }
      dial = () => tunnel.open();
      reach = (signal) => tunnel.reach(signal);
      release = () => releaseTunnel(tunnel);
      break;
    }
  }
  const agent = new DialAgent(dial);
  // Every option the modem would otherwise take from DOCKER_HOST / DOCKER_CERT_PATH is set explicitly.
  const options = { protocol: 'http', host: 'localhost', port: 80, pathPrefix: '/', socketPath: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined, agent };
  let docker: Docker;
  try {
    docker = new Docker(options as Docker.DockerOptions);
  } catch (e) {
    agent.close();
    release();
    throw new FlotillaError('BAD_INPUT', `cannot set up the Docker client for ${url}: ${(e as Error).message} (check DOCKER_HOST and DOCKER_CERT_PATH)`);
  }
  const modem = docker.modem as { dial: (o: DialOptions, cb: (err: unknown, data: unknown) => void) => void };
  const dialRequest = modem.dial.bind(modem);
  // late TLS failures (client certificate refused after a TLS 1.3 handshake, plain HTTP to a TLS port) get clear messages
  const described: typeof dialRequest = target.kind === 'tcp' ? (o, cb) => dialRequest(o, (err, data) => cb(err ? describeRequestError(url, target.tls, err) : err, data)) : dialRequest;
  modem.dial = withRequestTimeouts(described, url, opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
  let closed = false;
  return {
    url,
    target,
    docker,
    openChannels: () => agent.openCount(),
    reach,
    close: async () => {
      if (closed) return;
      closed = true;
      agent.close();
      release();
    },
  };
}
